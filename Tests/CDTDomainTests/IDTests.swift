import CDTDomain
import Foundation
import Testing

private enum Team {}

@Suite struct IDTests {
    @Test func parsesAndPrintsTheCanonicalLowerCaseForm() throws {
        let id = try #require(ID<Team>("6F9619FF-8B86-D011-B42D-00C04FC964FF"))
        #expect(id.description == "6f9619ff-8b86-d011-b42d-00c04fc964ff")
        #expect(ID<Team>("not a uuid") == nil)
    }

    @Test func encodesAsABareLowerCaseUUIDString() throws {
        let uuid = UUID()
        let data = try JSONEncoder().encode([ID<Team>(rawValue: uuid)])
        #expect(String(decoding: data, as: UTF8.self) == "[\"\(uuid.uuidString.lowercased())\"]")
        #expect(try JSONDecoder().decode([ID<Team>].self, from: data) == [ID(rawValue: uuid)])
    }

    @Test func injectedEnvironmentIsDeterministic() {
        let fixed = UUID()
        let environment = DomainEnvironment(now: { Date(timeIntervalSince1970: 0) }, makeUUID: { fixed })
        #expect(environment.now() == Date(timeIntervalSince1970: 0))
        #expect(environment.makeUUID() == fixed)
    }
}

import CDTModuleKit
import Foundation
import Testing

/// Module event kinds without a database: names, declarations, the catalog's checks.
@Suite struct ModuleEventKindTests {
    struct Noted: EventBody {
        var note: String
        var teamId: ID<Team>?
        var dueAt: Date?
        func validate(into check: inout Validator) { check.text(note, "note", maximumLength: 20) }
    }

    static let noted = ModuleEventKind<Noted>("follow-ups.noted", versions: 1...2, submittedByClients: true, formerNames: ["followups.noted"]) {
        EventReferences(teams: $0.teamId.map { [.init($0, field: "payload.teamId")] } ?? [])
    }

    func manifest(_ events: [ModuleEventDeclaration], id: String = "follow-ups") -> ModuleManifest {
        ModuleManifest(id: id, name: LocalizedName(vietnamese: "Theo dõi", english: "Follow-ups"), version: ModuleVersion(1, 0, 0), events: events)
    }

    @Test func aModulesTypeIsItsIdADotAndAName() {
        #expect(EventType(rawValue: "follow-ups.noted")?.moduleID == "follow-ups")
        #expect(EventType(rawValue: "household.visited")?.isCore == true)
        #expect(EventType(rawValue: "household.visited")?.moduleID == nil)
        for bad in ["household.founded", "team.x", "Follow-ups.noted", "follow-ups", ".noted", "follow-ups.", "follow ups.noted", "follow-ups.Noted", "1x.noted"] {
            #expect(EventType(rawValue: bad) == nil, "\(bad)")
        }
    }

    @Test func theCatalogChecksAPayloadStrictlyAndNamesWhatItReferences() throws {
        let catalog = ModuleEventCatalog([manifest([Self.noted.declaration])])
        let team = ID<Team>()
        let due = Date(timeIntervalSince1970: 1_795_000_000)
        let event = try Self.noted.event(in: ID(), by: UUID(), Noted(note: "Quay lại", teamId: team, dueAt: due))
        let checked = try catalog.submitted(event)
        guard case .module(let payload) = checked.payload else { Issue.record("not a module's event"); return }
        #expect(payload.references.teams.map(\.id) == [team] && payload.references.teams.map(\.field) == ["payload.teamId"])
        // An instant in the payload goes out as ISO 8601 and reads back through the strict decoder.
        #expect(try Self.noted.payload(of: checked) == Noted(note: "Quay lại", teamId: team, dueAt: due))

        func refusal(_ json: JSONValue, type: String = "follow-ups.noted", version: Int = 1) -> [String] {
            let raw = DomainEvent(id: ID(), unitID: ID(), authorID: UUID(), occurredAt: Date(), version: version,
                                  payload: .module(ModuleEventPayload(type: EventType(rawValue: type)!, json: json)))
            do { _ = try catalog.submitted(raw, prefix: "events[2]"); return [] } catch { return error.violations.map(\.field) }
        }
        #expect(refusal(.object(["note": .string("ok")])) == [])
        #expect(refusal(.object(["note": .string("ok")]), type: "followups.noted") == [])
        #expect(refusal(.object(["note": .string(String(repeating: "x", count: 21))])) == ["events[2].payload.note"])
        #expect(refusal(.object(["note": .string("ok"), "extra": .number(1)])) == ["events[2].payload.extra"])
        #expect(refusal(.object(["note": .number(3)])) == ["events[2].payload.note"])
        #expect(refusal(.object(["note": .string("ok")]), version: 3) == ["events[2].version"])
        #expect(refusal(.object(["note": .string("ok")]), type: "other.noted") == ["events[2].type"])
    }

    @Test func aModuleDeclaresOnlyKindsUnderItsOwnID() throws {
        #expect(throws: ModuleRegistryError.self) { try ModuleRegistry([Declaring(manifest: manifest([Self.noted.declaration], id: "rewards"))]) }
        #expect(throws: ModuleRegistryError.self) { try ModuleRegistry([Declaring(manifest: manifest([], id: "household"))]) }
        _ = try ModuleRegistry([Declaring(manifest: manifest([Self.noted.declaration]))])
    }

    struct Declaring: FeatureModule {
        let manifest: ModuleManifest
    }
}

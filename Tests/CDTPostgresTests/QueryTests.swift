import CDTPostgres
import Testing

@Suite struct QueryTests {
    @Test func interpolatedValuesBecomeNumberedParameters() {
        let code = "'); DROP TABLE units; --"
        let level = 2
        let query: PostgresQuery = "SELECT name FROM units WHERE code = \(code) AND level = \(level)"
        #expect(query.sql == "SELECT name FROM units WHERE code = $1 AND level = $2")
        #expect(query.bindings.map(\.value) == [.text(code), .text("2")])
        #expect(!query.description.contains("DROP"))
    }

    @Test func fragmentsAreRenumberedWhenComposed() {
        let filter: PostgresQuery = "level = \(2) AND parent = \("01")"
        let query: PostgresQuery = "SELECT * FROM units WHERE code = \("00004") AND \(filter)"
        #expect(query.sql == "SELECT * FROM units WHERE code = $1 AND level = $2 AND parent = $3")
        #expect(query.bindings.count == 3)
    }

    @Test func identifiersAreQuoted() {
        let query: PostgresQuery = "SELECT * FROM \(identifier: "core.units\"; DROP")"
        #expect(query.sql == #"SELECT * FROM "core"."units""; DROP""#)
    }
}

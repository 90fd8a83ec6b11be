import ArgumentParser
import CDTDomain
import CDTPostgres
import Foundation

/// `cdt villages add | rename | move | close`: a province's villages, changed as events in the log (the
/// same `village.*` events its administrators record through the API), audited as the command line.
struct Villages: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add, rename, move and close villages (thôn, bản, ấp, tổ dân phố), as events in the log.",
        discussion: """
            Villages are not in the official trees; each province keeps its own. A unit is named by its id or, \
            for a commune, by its 5-digit code. Each change takes effect on --on (today by default) and is \
            audited. Example: cdt villages add --commune 06076 --code 12 --name "Thôn Nà Lầu" --type Thôn
            """,
        subcommands: [Add.self, Rename.self, Move.self, Close.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open a village under a commune.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The commune: its id or its 5-digit code.") var commune: String
        @Option(help: "A code unique among the commune's villages.") var code: String
        @Option(help: "The full name with its type word, such as \"Thôn Nà Lầu\".") var name: String
        @Option(help: "The type word: Thôn, Bản, Ấp, Tổ dân phố, …") var type: String
        @Option(help: "The day it takes effect (YYYY-MM-DD; today by default).") var on: String?

        func run() async throws {
            try await record(database, on: on) { client in
                let communeID = try await unitID(commune, level: "commune", client)
                return (communeID, .villageAdded(VillageAdded(villageId: ID(), code: code, name: name, type: type)))
            }
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a village a new name (its id, team and households stay).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The village's id.") var village: String
        @Option(help: "The new full name with its type word.") var name: String
        @Option(help: "The type word.") var type: String
        @Option(help: "The day it takes effect (YYYY-MM-DD; today by default).") var on: String?

        func run() async throws {
            try await record(database, on: on) { client in
                (try await unitID(village, level: "village", client), .villageRenamed(VillageRenamed(name: name, type: type)))
            }
        }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a village, with its team and households, to another commune of its province.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The village's id.") var village: String
        @Option(help: "The commune it goes to: its id or its 5-digit code.") var to: String
        @Option(help: "Its code under the new commune (its own by default).") var code: String?
        @Option(help: "The day it takes effect (YYYY-MM-DD; today by default).") var on: String?

        func run() async throws {
            try await record(database, on: on) { client in
                return (try await unitID(village, level: "village", client),
                        .villageMoved(VillageMoved(communeId: try await unitID(to, level: "commune", client), newVillageId: ID(), code: code)))
            }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a village; its team, households and roles go to --successor.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The village's id.") var village: String
        @Option(help: "The village that carries on its work (required when it holds any).") var successor: String?
        @Option(help: "The day it takes effect (YYYY-MM-DD; today by default).") var on: String?

        func run() async throws {
            try await record(database, on: on) { client in
                var successorID: ID<AdministrativeUnit>?
                if let successor { successorID = try await unitID(successor, level: "village", client) }
                return (try await unitID(village, level: "village", client), .villageClosed(VillageClosed(successorId: successorID)))
            }
        }
    }
}

/// Appends one village event made by `make`, and prints its outcome; a refused one fails with its reasons.
private func record(_ options: DatabaseOptions, on day: String?, _ make: (PostgresClient) async throws -> (ID<AdministrativeUnit>, EventPayload)) async throws {
    let date: CalendarDate
    if let day {
        guard let parsed = CalendarDate(day) else { throw ValidationError("--on must be a date of the form YYYY-MM-DD, not '\(day)'") }
        date = parsed
    } else {
        date = CalendarDate(Date())
    }
    try await withDatabase(options) { client, _ in
        let (unit, payload) = try await make(client)
        let occurredAt = Date(timeIntervalSince1970: TimeInterval(date.daysSinceEpoch * 86_400 + 9 * 3_600 - CalendarDate.vietnamUTCOffsetSeconds))
        let event = DomainEvent(id: ID(), unitID: unit, authorID: UnitsReorganized.importer, occurredAt: min(occurredAt, Date()), payload: payload)
        let recorder = AuditEntry(accountID: nil, clientAddress: "cdt", action: "event.recorded")
        // The command line works for every province (row-level security is forced on the log's tables).
        let outcome = try await RowScope.$current.withValue(.everyProvince) {
            try await PostgresEventLog(client: client).append([event], recordedBy: recorder)[0]
        }
        switch outcome {
        case .accepted, .duplicate:
            switch payload {
            case .villageAdded(let added): print("village \(added.villageId)")
            case .villageMoved(let moved): print("village \(moved.newVillageId) (its id under the new commune)")
            default: break
            }
            print("\(event.type.rawValue) recorded as event \(event.id)")
        case .rejected(let failure): throw CommandError("refused: " + failure.violations.map { "\($0.field) \($0.rule)" }.joined(separator: "; "))
        default: throw CommandError("refused: event \(event.id) was not recorded")
        }
    }
}

/// A unit named by its id or, at `level` commune, its code in force today.
private func unitID(_ text: String, level: String, _ client: PostgresClient) async throws -> ID<AdministrativeUnit> {
    if let id = ID<AdministrativeUnit>(text) { return id }
    let ids = try await client.query("""
        SELECT id FROM administrative_units WHERE level = \(level) AND code = \(text) AND valid_until IS NULL
        """).decode(ID<AdministrativeUnit>.self)
    guard ids.count == 1 else { throw CommandError("no single \(level) in force has the code or id '\(text)'") }
    return ids[0]
}

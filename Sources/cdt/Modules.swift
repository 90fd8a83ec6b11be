import ArgumentParser
import CDTDomain
import CDTModuleKit
import CDTPostgres
import CDTServer
import Foundation
import Logging

struct Modules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Feature modules: list, enable or disable per province, settings, delivery status, rebuild, scaffold a new one.",
        discussion: """
            Provinces are named by their official code (01 for Hà Nội) or id. Changes are audited, as through the API.
            Example: cdt modules enable good-practices --province 01
            """,
        subcommands: [List.self, Enable.self, Disable.self, Settings.self, Status.self, Rebuild.self, New.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the installed modules and the provinces where each is enabled.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await withModules(database) { administration, client in
                let states = try await administration.host.enablements.states(of: nil) { administration.host.registry.module($0)?.settings ?? SettingsSchema() }
                let names = try await provinceNames(client)
                for module in administration.host.registry.modules {
                    let manifest = module.manifest
                    let enabled = states.filter { $0.moduleID == manifest.id && $0.enabled }.map { names[$0.provinceID] ?? $0.provinceID.description }
                    print("\(manifest.id) \(manifest.version) — \(manifest.name.vietnamese) (\(manifest.name.english))")
                    print("  enabled in \(enabled.count) province(s)\(enabled.isEmpty ? "" : ": " + enabled.sorted().joined(separator: ", "))")
                }
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a module for a province.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The module id.") var module: String
        @Option(help: "The province's code or id.") var province: String

        func run() async throws {
            try await change(database, module, province, ModuleChange(enabled: true))
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a module for a province; its data is kept.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The module id.") var module: String
        @Option(help: "The province's code or id.") var province: String

        func run() async throws {
            try await change(database, module, province, ModuleChange(enabled: false))
        }
    }

    struct Settings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a module's settings for a province, or change them with key=value pairs (key= restores the default).",
            discussion: "Values are JSON (true, 20, \"month\", [\"a\",\"b\"]); text that is not JSON is taken as a string.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The module id.") var module: String
        @Option(help: "The province's code or id.") var province: String
        @Argument(help: "key=value pairs.") var assignments: [String] = []

        func run() async throws {
            var settings: [String: JSONValue] = [:]
            for assignment in assignments {
                guard let equals = assignment.firstIndex(of: "=") else { throw CommandError("'\(assignment)' is not key=value") }
                let key = String(assignment[..<equals]), text = String(assignment[assignment.index(after: equals)...])
                settings[key] = text.isEmpty ? .null : (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
            }
            try await change(database, module, province, ModuleChange(settings: settings))
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show how far delivery of the event log to a module has reached, and its parked events.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The module id.") var module: String

        func run() async throws {
            try await withModules(database) { administration, client in
                guard let found = administration.host.registry.module(module) else { throw CommandError("no module '\(module)' is installed") }
                let names = try await provinceNames(client)
                let status = try await ModuleDeliveryReport.load(module, consuming: found.manifest.consumes, client)
                for line in status.provinces {
                    print("\(names[line.provinceID] ?? line.provinceID.description): \(line.enabled ? "enabled" : "disabled"), \(line.delivered) delivered, \(line.pending) pending")
                }
                for parked in status.parked {
                    print("parked \(parked.eventType) \(parked.eventID) after \(parked.attempts) attempts: \(parked.error)")
                }
                if status.provinces.isEmpty { print("\(module) is not enabled for any province") }
            }
        }
    }

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Empty a module's tables built from the log and replay the log to it from the start.",
            discussion: "A running server's dispatcher replays at once; without one, the next `cdt serve` does. Data entered through the module is kept.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The module id.") var module: String

        func run() async throws {
            try await withModules(database) { administration, client in
                guard let found = administration.host.registry.module(module) else { throw CommandError("no module '\(module)' is installed") }
                let tables = try await ModuleAdministration.rebuild(found, owner: client)
                print("\(module): emptied \(tables.isEmpty ? "no tables" : tables.joined(separator: ", ")) and its checkpoints; the log is replayed to it from the start")
            }
        }
    }
}

/// Applies one change and prints the state after it.
private func change(_ options: DatabaseOptions, _ module: String, _ province: String, _ change: ModuleChange) async throws {
    try await withModules(options) { administration, client in
        let id = try await provinceID(province, client)
        let state: ProvinceModuleState
        do {
            state = try await administration.change(module, in: id, change, by: .commandLine)
        } catch let failure as ValidationFailure {
            throw CommandError(failure.description)
        } catch let error as ModuleAdministrationError {
            throw CommandError(error.description)
        }
        let settings = state.settings.json.sorted { $0.key < $1.key }.map { "\($0.key)=\(json($0.value))" }.joined(separator: " ")
        print("\(module) in \(province): \(state.enabled ? "enabled" : "disabled")\(settings.isEmpty ? "" : "; " + settings)")
    }
}

private func json(_ value: JSONValue) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
}

/// Opens the database as its owner, with every province in row scope, and the installed modules.
private func withModules(_ options: DatabaseOptions, _ body: (ModuleAdministration, PostgresClient) async throws -> Void) async throws {
    let registry = try InstalledModules.registry()
    try await withDatabase(options) { client, logger in
        let host = ModuleHost(registry: registry, database: client, logger: logger, today: { CalendarDate(Date()) })
        try await RowScope.$current.withValue(.everyProvince) {
            try await body(ModuleAdministration(host: host, database: client), client)
        }
    }
}

/// The province in force with this code, or this id.
/// The province a `--province` option names, by its code or id.
func provinceID(_ text: String, _ client: PostgresClient) async throws -> ID<AdministrativeUnit> {
    if let id = ID<AdministrativeUnit>(text) { return id }
    let ids = try await client.query("""
        SELECT id FROM administrative_units WHERE level = 'province' AND code = \(text) AND (valid_until IS NULL OR valid_until > CURRENT_DATE)
        """).decode(ID<AdministrativeUnit>.self)
    guard let id = ids.first else { throw CommandError("no province in force has the code '\(text)'; use `cdt modules list` or the units API to find it") }
    return id
}

/// Each province's name with its code, for messages.
func provinceNames(_ client: PostgresClient) async throws -> [ID<AdministrativeUnit>: String] {
    let rows = try await client.query("SELECT id, code, name FROM administrative_units WHERE level = 'province'").decode((ID<AdministrativeUnit>, String, String).self)
    return Dictionary(rows.map { ($0.0, "\($0.2) (\($0.1))") }, uniquingKeysWith: { first, _ in first })
}

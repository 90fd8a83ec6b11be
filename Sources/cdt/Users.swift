import ArgumentParser
import CDTDomain
import CDTServer
import Foundation

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage accounts: create the first administrator, list, disable, reset a password or two-factor sign-in.",
        subcommands: [CreateAdmin.self, Create.self, List.self, Disable.self, Reset.self, ResetTwoFactor.self])

    struct CreateAdmin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-admin",
            abstract: "Create a national administrator (there is no default account or password).",
            discussion: """
                The password is read from standard input (prompted for, without echo, on a terminal). \
                The administrator must set up two-factor sign-in (TOTP) at the first sign-in.
                Example: cdt users create-admin --username admin --display-name "Quản trị quốc gia"
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The username (3 to 40 of a-z, 0-9, . _ -).") var username: String?
        @Option(help: "The phone number, if signing in by phone.") var phone: String?
        @Option(help: "The name shown.") var displayName: String

        func run() async throws {
            let password = try readPassword()
            try await withDatabase(database) { client, _ in
                let account = try await checked { try await AccountAdministration(client: client).createAdministrator(
                    username: username, phone: phone, displayName: displayName, password: password) }
                print("created national administrator \(account.username ?? account.phone ?? "") (\(account.id)); set up two-factor sign-in at the first sign-in")
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account with one role at a unit (or at the nation for national roles).",
            discussion: """
                The password is read from standard input. Roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).
                Example: cdt users create --username xem --display-name "Người xem" --role nationalViewer
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The username (3 to 40 of a-z, 0-9, . _ -).") var username: String?
        @Option(help: "The phone number, if signing in by phone.") var phone: String?
        @Option(help: "The name shown.") var displayName: String
        @Option(help: "The role.") var role: String
        @Option(help: "The unit id the role covers (left out for national roles).") var unit: String?

        func validate() throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("--role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))") }
            guard role.isNational == (unit == nil) else { throw ValidationError(role.isNational ? "--unit must be left out for \(role.rawValue)" : "--unit is required for \(role.rawValue)") }
            if let unit, ID<AdministrativeUnit>(unit) == nil { throw ValidationError("--unit must be a unit id (a UUID)") }
        }

        func run() async throws {
            let password = try readPassword()
            let assignment = RoleAssignment(role: Role(rawValue: role)!, unitID: unit.flatMap(ID<AdministrativeUnit>.init))
            try await withDatabase(database) { client, _ in
                let account = try await checked { try await AccountAdministration(client: client).createAccount(
                    username: username, phone: phone, displayName: displayName, password: password, roles: [assignment]) }
                print("created \(account.username ?? account.phone ?? "") (\(account.id)) as \(role)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every account with its roles.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await withDatabase(database) { client, _ in
                for account in try await AccountAdministration(client: client).list() {
                    let roles = account.assignments.map { "\($0.role.rawValue)@\($0.unitID?.description ?? "nation")" }.joined(separator: " ")
                    print([account.id.description, account.username ?? "-", account.phone ?? "-", account.displayName,
                           account.isDisabled ? "disabled" : "active", account.hasTwoFactor ? "2fa" : "no-2fa", roles].joined(separator: "\t"))
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account and end its sessions at once.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The username or phone number.") var login: String

        func run() async throws {
            try await withDatabase(database) { client, _ in
                try await checked { try await AccountAdministration(client: client).disable(login: login) }
                print("disabled \(login); its sessions are ended")
            }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a new password (read from standard input) and end the account's sessions.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The username or phone number.") var login: String

        func run() async throws {
            let password = try readPassword()
            try await withDatabase(database) { client, _ in
                try await checked { try await AccountAdministration(client: client).resetPassword(login: login, password: password) }
                print("password of \(login) reset; its sessions are ended")
            }
        }
    }

    struct ResetTwoFactor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-2fa",
            abstract: "Turn an account's two-factor sign-in off (lost authenticator) and end its sessions.",
            discussion: "The account sets two-factor sign-in up again at its next sign-in (administrators must). The reset is audited.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The username or phone number.") var login: String

        func run() async throws {
            try await withDatabase(database) { client, _ in
                try await checked { try await AccountAdministration(client: client).resetTwoFactor(login: login) }
                print("two-factor sign-in of \(login) reset; its sessions are ended")
            }
        }
    }
}

/// The password from the terminal without echo, or the first line of standard input.
func readPassword() throws -> String {
    if isatty(STDIN_FILENO) != 0, let typed = getpass("Password: ") {
        return String(cString: typed)
    }
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw CommandError("give the password on standard input, e.g. printf '%s\\n' \"$PASSWORD\" | cdt users …")
    }
    return line
}

/// Runs `body`, turning a broken rule into a one-line error.
private func checked<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let failure as ValidationFailure {
        throw CommandError(failure.description)
    }
}

/// A one-line error for the command line (without the usage text a ValidationError adds).
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

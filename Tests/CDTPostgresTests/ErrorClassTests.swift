import CDTPostgres
import Testing

/// Which errors mean "the database is out of reach, try again" (a 503, a wait in the dispatcher) and
/// which are one statement's data (one event rejected): a restart must never be taken for bad data.
@Suite struct ErrorClassTests {
    func server(_ sqlState: String) -> PostgresError { PostgresError(code: .server, message: "m", sqlState: sqlState) }

    @Test func aRestartingOrUnreachableDatabaseIsUnavailableNotTheStatementsFault() {
        for error in [server("57P03"), server("57P01"), server("57P02"), server("08006"), server("08001"),
                      PostgresError(code: .connectionFailed, message: "m"), PostgresError(code: .serverUnreachable, message: "m"),
                      PostgresError(code: .connectionClosed, message: "m"), PostgresError(code: .poolTimeout, message: "m"),
                      PostgresError(code: .connectionFailed, message: "the database system is starting up", sqlState: "57P03")] {
            #expect(error.isUnavailable, "\(error)")
            #expect(!error.isStatementError, "\(error)")
        }
    }

    @Test func badDataIsTheStatementsFaultAndRetriesOrDeadlocksAreNeither() {
        for state in ["22P05", "42501", "23505", "22023", "23514"] {
            #expect(server(state).isStatementError && !server(state).isUnavailable, "\(state)")
        }
        for state in ["40P01", "40001", "53300", "57014", "XX000"] {
            #expect(!server(state).isStatementError && !server(state).isUnavailable, "\(state)")
        }
        #expect(!PostgresError(code: .decoding, message: "m").isStatementError)
    }
}

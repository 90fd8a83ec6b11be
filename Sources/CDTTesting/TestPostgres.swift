import CDTServer
public import CDTPostgres
import Foundation
import Synchronization

/// Real PostgreSQL for tests, started by the test run itself.
///
/// ```swift
/// @Test func storesAUnit() async throws {
///     let database = try await TestPostgres.makeDatabase()
///     let client = database.makeClient()
///     defer { Task { await client.close() } }
///     …
/// }
/// ```
/// The shared cluster is created once per test process in a temporary folder and stopped when the
/// process exits. When PostgreSQL is not installed, every call throws an error naming the command that
/// installs it, so database tests fail loudly instead of skipping.
public enum TestPostgres {
    /// bcrypt's lowest cost: tests sign hundreds of accounts in at once, and at the server's cost they would
    /// queue on two cores for longer than a client waits. Every database test lowers it for its process.
    public static let testPasswordCost: UInt8 = 4

    /// The cluster every test in this process shares. Tests must not stop it; use ``makePrivateCluster()``.
    public static func shared() async throws -> EmbeddedCluster {
        try await SharedCluster.instance.get()
    }

    /// A new, empty database in the shared cluster, so tests running in parallel never see each other.
    /// - Parameter cluster: the cluster to create it in; the shared one by default. Transaction ids are
    ///   cluster-wide, so a test of event delivery timing, which waits for older transactions, uses a
    ///   private cluster where no other test's transaction runs.
    public static func makeDatabase(in cluster: EmbeddedCluster? = nil) async throws -> TestDatabase {
        Passwords.useCost(testPasswordCost)
        let cluster = if let cluster { cluster } else { try await shared() }
        let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await cluster.createDatabase(name)
        return TestDatabase(name: name, conninfo: cluster.conninfo(database: name),
                            applicationConninfo: cluster.conninfo(database: name, user: EmbeddedCluster.applicationRole))
    }

    /// A started cluster of its own, for tests that stop or restart the server. Stopped and deleted at
    /// process exit, or earlier with ``destroy(_:)``.
    public static func makePrivateCluster() async throws -> EmbeddedCluster {
        Passwords.useCost(testPasswordCost)
        let folder = try makeTemporaryFolder()
        let cluster = try await EmbeddedCluster(folder: folder, durable: false)
        ExitCleanup.register(cluster)
        try await cluster.prepare()
        return cluster
    }

    /// Stops a private cluster and deletes its folder.
    public static func destroy(_ cluster: EmbeddedCluster) {
        ExitCleanup.stopAndDelete(cluster)
    }

    /// A folder under the system temporary folder that the `postgres` user can reach when tests run as root.
    static func makeTemporaryFolder() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/cdt-test-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw EmbeddedClusterError("cannot create a temporary folder") }
        let folder = String(cString: made)
        chmod(folder, 0o755)
        return folder
    }
}

/// A database made for one test.
public struct TestDatabase: Sendable {
    public let name: String
    /// Where to connect, over the cluster's socket as its superuser.
    public let conninfo: String
    /// Where to connect as the application role (`cdt_app`, which exists once the migrations ran), as the
    /// server does: row-level security applies.
    public let applicationConninfo: String

    /// A client on this database; close it when the test ends.
    public func makeClient(maximumConnections: Int = 4, leaseTimeout: Duration = .seconds(10)) -> PostgresClient {
        PostgresClient(configuration: .init(conninfo: conninfo, maximumConnections: maximumConnections, leaseTimeout: leaseTimeout))
    }

    /// A client as the application role; close it when the test ends.
    public func makeApplicationClient(maximumConnections: Int = 4) -> PostgresClient {
        PostgresClient(configuration: .init(conninfo: applicationConninfo, maximumConnections: maximumConnections))
    }
}

/// Creates the shared cluster once, however many tests ask at the same time.
private actor SharedCluster {
    static let instance = SharedCluster()
    private var creation: Task<EmbeddedCluster, any Error>?

    func get() async throws -> EmbeddedCluster {
        if let creation { return try await creation.value }
        let task = Task {
            let cluster = try await EmbeddedCluster(folder: try TestPostgres.makeTemporaryFolder(), durable: false)
            ExitCleanup.register(cluster)
            try await cluster.prepare()
            return cluster
        }
        creation = task
        return try await task.value
    }
}

/// Stops every cluster the tests made when the process exits (at once through atexit, or within a second
/// through a watchdog if the process crashed), so no server outlives the test run.
enum ExitCleanup {
    private static let clusters = Mutex<[EmbeddedCluster]>([])
    private static let installed = Mutex(false)

    static func register(_ cluster: EmbeddedCluster) {
        clusters.withLock { $0.append(cluster) }
        // atexit does not run when the test process crashes; the watchdog does.
        try? cluster.stopAndDeleteWhenThisProcessExits()
        installed.withLock { done in
            guard !done else { return }
            done = true
            atexit { ExitCleanup.stopAll() }
        }
    }

    static func stopAll() {
        for cluster in clusters.withLock({ $0 }) { stopAndDelete(cluster) }
    }

    /// Stops at once (no waiting for clients) and deletes the folder; it is clean-up, so errors are ignored.
    static func stopAndDelete(_ cluster: EmbeddedCluster) {
        clusters.withLock { $0.removeAll { $0.folder == cluster.folder } }
        cluster.stopImmediately()
        try? FileManager.default.removeItem(atPath: cluster.folder)
    }
}

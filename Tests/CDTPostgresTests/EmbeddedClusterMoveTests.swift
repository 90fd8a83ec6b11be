import CDTPostgres
import CDTTesting
import Foundation
import Testing

/// A data folder moved or copied elsewhere starts there: its configuration named the folder `initdb` ran in.
@Suite struct EmbeddedClusterMoveTests {
    @Test func aMovedDataFolderStartsAndAnswersInItsNewPlace() async throws {
        let original = try await TestPostgres.makePrivateCluster()
        try await original.stop()
        let parent = NSTemporaryDirectory() + "/cdt-moved-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let moved = parent + "/data"
        try FileManager.default.moveItem(atPath: original.folder, toPath: moved)
        TestPostgres.destroy(original)
        let cluster = try await EmbeddedCluster(folder: moved, durable: false)
        defer {
            TestPostgres.destroy(cluster)
            try? FileManager.default.removeItem(atPath: parent)
        }
        #expect(try await cluster.prepare(), "the moved cluster was started here")
        let client = PostgresClient(configuration: .init(conninfo: cluster.conninfo(), maximumConnections: 1))
        let answer = try await client.query("SELECT current_setting('unix_socket_directories')").decode(String.self)
        await client.close()
        #expect(answer == [cluster.clusterDirectory])
        // Started again, it adds nothing more to its configuration.
        try await cluster.stop()
        try await cluster.start()
        let configuration = try String(contentsOfFile: cluster.clusterDirectory + "/postgresql.conf", encoding: .utf8)
        #expect(configuration.components(separatedBy: "the data folder moved here").count == 2)
    }
}

@testable import CDTPostgresClient
import CDTTesting
import Foundation
import Testing

/// What a new embedded cluster is configured with beyond PostgreSQL's defaults.
@Suite struct EmbeddedClusterConfigurationTests {
    @Test func sharedBuffersAreAQuarterOfTheMachineBetweenTheDefaultAndTheCeiling() {
        let gib: UInt64 = 1 << 30
        #expect(EmbeddedCluster.sharedBuffersMiB(physicalMemory: 256 << 20) == 128, "never below PostgreSQL's default")
        #expect(EmbeddedCluster.sharedBuffersMiB(physicalMemory: 2 * gib) == 512)
        #expect(EmbeddedCluster.sharedBuffersMiB(physicalMemory: 6 * gib) == 1536)
        #expect(EmbeddedCluster.sharedBuffersMiB(physicalMemory: 64 * gib) == EmbeddedCluster.sharedBuffersCeilingMiB)
    }

    @Test func aDurableClusterStartsWithItsSharedBuffersAndAThrowAwayOneWithTheDefault() async throws {
        for durable in [true, false] {
            var template = Array((NSTemporaryDirectory() + "/cdt-test-XXXXXX").utf8CString)
            let folder = String(cString: try #require(mkdtemp(&template)))
            chmod(folder, 0o755)
            let cluster = try await EmbeddedCluster(folder: folder, durable: durable)
            defer { TestPostgres.destroy(cluster) }
            try await cluster.prepare()
            let client = PostgresClient(configuration: .init(conninfo: cluster.conninfo(), maximumConnections: 1))
            let setting = try await client.query("SELECT setting::int8 * 8 / 1024 FROM pg_settings WHERE name = 'shared_buffers'").decode(Int.self)
            await client.close()
            let expected = durable ? Int(EmbeddedCluster.sharedBuffersMiB(physicalMemory: ProcessInfo.processInfo.physicalMemory)) : 128
            #expect(setting == [expected], "durable: \(durable)")
        }
    }
}

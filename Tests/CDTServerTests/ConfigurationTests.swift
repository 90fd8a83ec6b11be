import CDTServer
import Foundation
import Logging
import Testing

@Suite struct ConfigurationTests {
    @Test func flagsBeatEnvironmentWhichBeatsTheFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cdt-\(UUID().uuidString).json")
        try Data(#"{"http": {"port": 7000, "host": "0.0.0.0"}, "database": {"pool": {"size": 3}}, "log": {"level": "debug"}}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let sources = try ConfigurationSources.load(
            flags: ["http.port": "9000"],
            configFile: file.path,
            environment: ["HTTP_PORT": "8000", "HTTP_HOST": "127.0.0.2", "DATABASE_URL": "postgresql://db/cdt"])
        let configuration = try ServerConfiguration(from: sources)
        #expect(configuration.port == 9000)          // flag
        #expect(configuration.host == "127.0.0.2")   // environment over file
        #expect(configuration.poolSize == 3)         // file
        #expect(configuration.logLevel == .debug)    // file
        #expect(configuration.databaseURL == "postgresql://db/cdt")
        #expect(configuration.poolTimeoutSeconds == 10)  // default
    }

    @Test func theFileIsFoundThroughCDT_CONFIG() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cdt-\(UUID().uuidString).json")
        try Data(#"{"data": {"dir": "/srv/cdt"}}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let sources = try ConfigurationSources.load(flags: [:], configFile: nil, environment: ["CDT_CONFIG": file.path])
        #expect(try ServerConfiguration(from: sources).dataDirectory == "/srv/cdt")
        let overridden = try ConfigurationSources.load(flags: [:], configFile: nil, environment: ["CDT_CONFIG": file.path, "CDT_DATA_DIR": "/data"])
        #expect(try ServerConfiguration(from: overridden).dataDirectory == "/data")
    }

    @Test func aMalformedValueNamesItsSourceAndRule() {
        let sources = ConfigurationSources(environment: ["HTTP_PORT": "eighty"])
        #expect {
            try ServerConfiguration(from: sources)
        } throws: { error in
            "\(error)" == "environment variable HTTP_PORT must be a whole number from 0 to 65535, not 'eighty'"
        }
        #expect(throws: ConfigurationError.self) { try ServerConfiguration(from: ConfigurationSources(environment: ["LOG_LEVEL": "loud"])) }
    }

    @Test func theDeliveryConcurrencyLeavesConnectionsForRequests() throws {
        #expect(try ServerConfiguration(from: ConfigurationSources()).deliveryConcurrency == 2)
        #expect(try ServerConfiguration(from: ConfigurationSources(environment: ["MODULES_DELIVERY_CONCURRENCY": "3"])).deliveryConcurrency == 3)
        let bigger = ConfigurationSources(environment: ["MODULES_DELIVERY_CONCURRENCY": "4", "DATABASE_POOL_SIZE": "10"])
        #expect(try ServerConfiguration(from: bigger).deliveryConcurrency == 4)
        #expect {
            try ServerConfiguration(from: ConfigurationSources(environment: ["MODULES_DELIVERY_CONCURRENCY": "4"]))
        } throws: { error in
            "\(error)" == "environment variable MODULES_DELIVERY_CONCURRENCY is 4: it needs database.pool.size of at least 10 (two connections for each delivery, two for requests), not 8"
        }
        #expect(throws: ConfigurationError.self) { try ServerConfiguration(from: ConfigurationSources(environment: ["MODULES_DELIVERY_CONCURRENCY": "0"])) }
    }

    @Test func aMissingOrBrokenFileIsAClearError() throws {
        #expect(throws: ConfigurationError.self) { try ConfigurationSources.load(flags: [:], configFile: "/no/such/file.json", environment: [:]) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cdt-\(UUID().uuidString).json")
        try Data("[1, 2]".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect {
            try ConfigurationSources.load(flags: [:], configFile: file.path, environment: [:])
        } throws: { error in
            "\(error)".contains("is not a JSON object")
        }
    }
}

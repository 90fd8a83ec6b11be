import Foundation

/// Where settings come from, in precedence order: command-line flags, then environment variables,
/// then an optional JSON configuration file. Keys are dotted (`http.port`); each has one environment
/// variable (`HTTP_PORT`) and one JSON path (`{"http": {"port": 8080}}`).
public struct ConfigurationSources: Sendable {
    /// Values given as flags, by dotted key.
    public var flags: [String: String]
    /// The process environment.
    public var environment: [String: String]
    /// The file's values, flattened to dotted keys.
    public var file: [String: String]
    /// The file's path, for messages.
    public var filePath: String?

    public init(flags: [String: String] = [:], environment: [String: String] = [:], file: [String: String] = [:], filePath: String? = nil) {
        self.flags = flags
        self.environment = environment
        self.file = file
        self.filePath = filePath
    }

    /// Reads the file named by `configFile` (a flag) or `CDT_CONFIG` (an environment variable), if any.
    public static func load(flags: [String: String], configFile: String?, environment: [String: String]) throws -> ConfigurationSources {
        guard let path = configFile ?? environment["CDT_CONFIG"] else {
            return ConfigurationSources(flags: flags, environment: environment)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("cannot read the configuration file \(path)")
        }
        guard case .object(let root)? = try? JSONDecoder().decode(JSONSetting.self, from: data) else {
            throw ConfigurationError("the configuration file \(path) is not a JSON object")
        }
        var flattened: [String: String] = [:]
        func flatten(_ setting: JSONSetting, prefix: String) {
            switch setting {
            case .object(let members):
                for (key, nested) in members { flatten(nested, prefix: prefix.isEmpty ? key : "\(prefix).\(key)") }
            case .scalar(let text):
                flattened[prefix] = text
            }
        }
        flatten(.object(root), prefix: "")
        return ConfigurationSources(flags: flags, environment: environment, file: flattened, filePath: path)
    }

    /// The environment variable for a dotted key: `database.pool.size` → `DATABASE_POOL_SIZE`.
    public static func environmentName(of key: String) -> String {
        key.uppercased().replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_")
    }

    /// Keys whose environment variable does not follow the naming rule.
    static let environmentOverrides = ["data.dir": "CDT_DATA_DIR", "secret.key": "CDT_SECRET_KEY", "database.allow-owner-role": "CDT_ALLOW_OWNER_ROLE"]

    /// The winning value for `key` and where it came from.
    public func value(_ key: String) -> (value: String, source: String)? {
        if let value = flags[key] { return (value, "the command-line flag for \(key)") }
        let variable = Self.environmentOverrides[key] ?? Self.environmentName(of: key)
        if let value = environment[variable], !value.isEmpty { return (value, "environment variable \(variable)") }
        if let value = file[key] { return (value, "\(key) in \(filePath ?? "the configuration file")") }
        return nil
    }

    public func string(_ key: String) -> String? { value(key)?.value }

    /// An integer within `range`, or `nil` when unset.
    /// - Throws: ``ConfigurationError`` naming the key, its source and the rule.
    public func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let (text, source) = value(key) else { return nil }
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            throw ConfigurationError("\(source) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return number
    }
}

extension ConfigurationSources {
    /// `true` or `false` (also `1`/`0`, `yes`/`no`, `on`/`off`), or `nil` when unset.
    /// - Throws: ``ConfigurationError`` naming the key, its source and the rule.
    public func boolean(_ key: String) throws -> Bool? {
        guard let (text, source) = value(key) else { return nil }
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ConfigurationError("\(source) must be true or false, not '\(text)'")
        }
    }
}

/// A setting that is missing or malformed; the message names it and the rule it breaks.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A value in the configuration file: an object of settings, or one setting's text.
private enum JSONSetting: Decodable {
    case object([String: JSONSetting])
    case scalar(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let members = try? container.decode([String: JSONSetting].self) {
            self = .object(members)
        } else if let flag = try? container.decode(Bool.self) {
            self = .scalar(flag ? "true" : "false")
        } else if let number = try? container.decode(Int.self) {
            self = .scalar(String(number))
        } else if let number = try? container.decode(Double.self) {
            self = .scalar(String(number))
        } else {
            self = .scalar(try container.decode(String.self))
        }
    }
}

public import Foundation

/// One schema migration: a plain SQL file `sql/<owner>/NNNN_name.sql`.
public struct Migration: Sendable, Hashable, CustomStringConvertible {
    /// Who owns it: `core`, or a module id such as `rewards`.
    public var owner: String
    /// The file name, such as `0001_extensions.sql`; the order within an owner is by name.
    public var name: String
    /// The SQL text, run as one transaction.
    public var sql: String

    public init(owner: String, name: String, sql: String) {
        self.owner = owner
        self.name = name
        self.sql = sql
    }

    /// The path it has in the source tree, used in every message about it.
    public var path: String { "sql/\(owner)/\(name)" }

    public var description: String { path }

    /// Reads `*.sql` files from a folder, in name order, for development tools and tests.
    public static func load(owner: String, from folder: URL) throws -> [Migration] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        return try names.map { name in
            Migration(owner: owner, name: name, sql: try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
        }
    }
}

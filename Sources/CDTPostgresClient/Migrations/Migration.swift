public import Foundation

/// One schema migration: a plain SQL file `sql/<owner>/NNNN_name.sql`.
///
/// An applied migration is never changed: ``MigrationRunner`` records each one's SHA-256 and stops at a
/// file whose text changed. One exception lets a shipped file be rewritten (as issue 19 rewrote modules'
/// SQL to read the core through `core_v1`): the new text names each earlier text's checksum on a line
///
///     -- cdt:replaces-checksum <sha256 of the earlier text, hex>
///
/// and a later migration of the same owner brings a database migrated by the earlier text to the state the
/// new text makes (typically `CREATE OR REPLACE` of the same functions). The runner then accepts the
/// earlier checksum and records the new one. A fresh database runs the new text and the later migration
/// both, so the later one must be harmless after the new text. `MigrationUpgradeTests` checks an upgrade
/// from the earlier texts.
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

    /// The checksums of earlier texts of this file that a later migration of its owner makes up for
    /// (`-- cdt:replaces-checksum <hex>` lines), lower-case hex.
    public var replacedChecksums: [String] {
        sql.split(separator: "\n").compactMap { line -> String? in
            let marker = "-- cdt:replaces-checksum "
            guard line.hasPrefix(marker) else { return nil }
            return line.dropFirst(marker.count).trimmingCharacters(in: .whitespaces).lowercased()
        }
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

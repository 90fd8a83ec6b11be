import CDTDomain
import CDTPostgres
import Foundation

/// The subjects of one kind a batch of events touches: loaded in one statement, changed in memory event
/// by event, saved in one statement with the difference in their contributions (worked out from their
/// state as loaded and as saved).
struct SubjectSet<Subject: CoverageSubject> {
    private var stored: [UUID: [Contribution]] = [:]
    private var subjects: [UUID: Subject] = [:]
    private var changed: Set<UUID> = []

    static func load(_ ids: Set<UUID>, province: ID<AdministrativeUnit>, _ tx: PostgresSession) async throws -> SubjectSet {
        var set = SubjectSet()
        guard !ids.isEmpty else { return set }
        // The state travels as hex text, both ways.
        let rows = try await tx.query("""
            SELECT id, encode(state, 'hex') FROM coverage_subjects
            WHERE province_id = \(province) AND kind = \(Subject.kind) AND id = ANY(\(Array(ids)))
            """).decode((UUID, String).self)
        for (id, hex) in rows {
            let subject = try Subject(storedBytes: HexText.bytes(hex))
            set.subjects[id] = subject
            set.stored[id] = subject.contributions
        }
        return set
    }

    func subject(_ id: UUID) -> Subject? { subjects[id] }

    /// Changes the subject `id` (made with `make` when there is none yet; left alone when that gives `nil`).
    mutating func change(_ id: UUID, make: () -> Subject? = { nil }, _ body: (inout Subject) -> Void) {
        guard var subject = subjects[id] ?? make() else { return }
        body(&subject)
        subjects[id] = subject
        changed.insert(id)
    }

    /// Saves the changed subjects and returns the difference their contributions make.
    mutating func save(province: ID<AdministrativeUnit>, _ tx: PostgresSession) async throws -> [Contribution] {
        guard !changed.isEmpty else { return [] }
        var ids: [UUID] = [], states: [String] = []
        var before: [Contribution] = [], after: [Contribution] = []
        for id in changed {
            let subject = subjects[id]!, now = subject.contributions
            before += stored[id] ?? []
            after += now
            stored[id] = now
            ids.append(id)
            states.append(HexText.hex(try subject.storedBytes()))
        }
        changed = []
        try await tx.execute("""
            INSERT INTO coverage_subjects (province_id, kind, id, state)
            SELECT \(province), \(Subject.kind), id, decode(state, 'hex') FROM unnest(\(ids)::uuid[], \(states)::text[]) AS s(id, state)
            ON CONFLICT (province_id, kind, id) DO UPDATE SET state = excluded.state
            """)
        return Contribution.difference(from: before, to: after)
    }
}

/// Bytes as the hex text PostgreSQL's `encode(…, 'hex')` and `decode(…, 'hex')` read and write.
enum HexText {
    private static let digits = Array("0123456789abcdef".utf8)

    static func hex(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func bytes(_ hex: String) throws -> [UInt8] {
        let text = Array(hex.utf8)
        guard text.count % 2 == 0 else { throw StoredBytesError.truncated }
        func value(_ digit: UInt8) throws -> UInt8 {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            default: throw StoredBytesError.truncated
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 2)
        var index = 0
        while index < text.count {
            out.append(try value(text[index]) << 4 | value(text[index + 1]))
            index += 2
        }
        return out
    }
}

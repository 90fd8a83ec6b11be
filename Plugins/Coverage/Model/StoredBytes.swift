import Foundation

/// Writes a subject's compact stored form: fixed-width little-endian integers, UUIDs as their 16 bytes.
struct StoredBytesWriter {
    private(set) var bytes: [UInt8] = []

    mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ uuid: UUID) {
        withUnsafeBytes(of: uuid.uuid) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ flag: Bool) { write(UInt8(flag ? 1 : 0)) }
}

/// Reads what ``StoredBytesWriter`` wrote, failing on bytes that end early.
struct StoredBytesReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= bytes.count else { throw StoredBytesError.truncated }
        var value = T.zero
        for index in 0..<size { value |= T(truncatingIfNeeded: bytes[offset + index]) << (8 * index) }
        offset += size
        return value
    }

    mutating func readUUID() throws -> UUID {
        guard offset + 16 <= bytes.count else { throw StoredBytesError.truncated }
        let b = Array(bytes[offset..<offset + 16])
        offset += 16
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }

    mutating func readBool() throws -> Bool { try read(UInt8.self) != 0 }
}

enum StoredBytesError: Error, CustomStringConvertible {
    case truncated
    case trailingBytes
    case unknownFormat(UInt8)
    case unknownKey(Int)
    /// More of something than the stored form can count (65,535 versions of one household, say).
    case tooMany(String, Int)

    var description: String {
        switch self {
        case .truncated: "a coverage subject's stored form ends early"
        case .trailingBytes: "a coverage subject's stored form has bytes after its end"
        case .unknownFormat(let format): "a coverage subject's stored form has unknown format \(format)"
        case .unknownKey(let index): "a coverage subject's stored form names unknown key \(index)"
        case .tooMany(let what, let count): "a coverage subject has \(count) \(what), more than its stored form can hold"
        }
    }
}

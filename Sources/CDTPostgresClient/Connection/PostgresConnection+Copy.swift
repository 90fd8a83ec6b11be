import Foundation
import CLibPQ

extension PostgresConnection {
    /// Runs `COPY … FROM STDIN` and feeds it the rows `body` writes. A throw from `body` aborts the COPY,
    /// so nothing of it is stored. Returns the number of rows the server stored.
    func copyIn(_ statement: String, _ body: (inout PostgresCopyWriter) throws -> Void) throws -> Int {
        guard let handle = rawHandle else { throw closedError(statement) }
        try sendPending()
        let start = PQexec(handle, statement)
        defer { PQclear(start) }
        guard let start, PQresultStatus(start) == PGRES_COPY_IN else {
            guard let start else { throw connectionLost(statement) }
            throw serverError(start, query: statement)
        }
        var writer = PostgresCopyWriter { chunk in
            let sent = chunk.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    PQputCopyData(handle, $0, Int32(buffer.count))
                }
            }
            guard sent == 1 else { throw self.connectionLost(statement) }
        }
        var clientError: (any Error)?
        do {
            try body(&writer)
            try writer.flush()
            PQputCopyEnd(handle, nil)
        } catch {
            clientError = error
            PQputCopyEnd(handle, "COPY aborted by the client")
        }
        var serverFailure: PostgresError?
        var stored = 0
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                stored = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if serverFailure == nil {
                var failure = serverError(result, query: statement)
                failure.code = failure.code == .connectionClosed ? .connectionClosed : .copyFailed
                serverFailure = failure
            }
            PQclear(result)
        }
        if let clientError { throw clientError }
        if let serverFailure { throw serverFailure }
        return stored
    }
}

/// Writes rows for `COPY … FROM STDIN` in PostgreSQL's text format, in chunks of about 256 KiB.
///
/// ```swift
/// try await db.copy(into: "units", columns: ["code", "name"]) { writer in
///     for unit in units { try writer.appendRow(unit.code, unit.name) }
/// }
/// ```
public struct PostgresCopyWriter {
    private var buffer: [UInt8] = []
    private let send: ([UInt8]) throws -> Void
    private static let chunkSize = 256 * 1024

    init(send: @escaping ([UInt8]) throws -> Void) {
        self.send = send
        buffer.reserveCapacity(Self.chunkSize + 4096)
    }

    /// Appends one row; each value fills the next column named in the COPY.
    public mutating func appendRow<each Value: PostgresEncodable>(_ values: repeat each Value) throws {
        var first = true
        for value in repeat each values {
            if !first { buffer.append(UInt8(ascii: "\t")) }
            first = false
            try appendField(value.encodePostgres())
        }
        try endRow()
    }

    /// Appends one row from values whose types are known only at run time.
    public mutating func appendRow(_ values: [any PostgresEncodable]) throws {
        for (position, value) in values.enumerated() {
            if position > 0 { buffer.append(UInt8(ascii: "\t")) }
            try appendField(value.encodePostgres())
        }
        try endRow()
    }

    private mutating func appendField(_ encoded: PostgresEncoded) throws {
        guard var text = encoded.textForm else {
            buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
            return
        }
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            // Most fields need no escaping: copy them whole (memchr and memcpy, fast even in debug builds).
            let plain = [UInt8(ascii: "\\"), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r")]
                .allSatisfy { memchr(base, Int32($0), bytes.count) == nil }
            guard !plain else {
                buffer.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\\"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case UInt8(ascii: "\t"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case UInt8(ascii: "\n"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case UInt8(ascii: "\r"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                default: buffer.append(byte)
                }
            }
        }
    }

    private mutating func endRow() throws {
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= Self.chunkSize { try flush() }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try send(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

import CDTDomain
import Foundation

/// `[Element]` binds as a one-dimensional PostgreSQL array and reads back from one; `[Element?]` holds NULLs.
extension Array: PostgresEncodable where Element: PostgresEncodable {
    public static var postgresType: PostgresDataType { ArrayLiteral.arrayType(of: Element.self) }

    /// The array's text form, written as bytes: an element is quoted only when PostgreSQL's array input
    /// needs it, and UUIDs are written straight into the literal (a `uuid[]` of thousands of ids is common).
    public func encodePostgres() throws -> PostgresEncoded {
        var literal: [UInt8] = [UInt8(ascii: "{")]
        if let ids = self as? [UUID] {
            literal.reserveCapacity(ids.count * 37 + 1)
            for (position, id) in ids.enumerated() {
                if position > 0 { literal.append(UInt8(ascii: ",")) }
                id.appendLowercasedText(to: &literal)
            }
        } else {
            for (position, element) in enumerated() {
                if position > 0 { literal.append(UInt8(ascii: ",")) }
                switch try element.encodePostgres() {
                case .null: literal.append(contentsOf: "NULL".utf8)
                case let encoded: ArrayLiteral.append(encoded.textForm ?? "", to: &literal)
                }
            }
        }
        literal.append(UInt8(ascii: "}"))
        return .text(String(decoding: literal, as: UTF8.self))
    }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    public static func decodePostgres(_ bytes: ArraySlice<UInt8>, type: PostgresDataType) throws -> [Element] {
        guard let elementType = type.elementType else {
            throw PostgresDecodingFailure("cannot decode a column of type \(type) as an array")
        }
        // The numbers of the roll-ups, thousands a request, through loops made for their types by a function
        // outside this generic extension: inside it, the loop's closure stayed generic over `Element` even
        // when called for one type, and looked up the array's type metadata for every element it appended
        // (7% of the server's CPU in a profile of drill-downs).
        if Element.self == Double.self { return unsafeBitCast(try ArrayLiteral.elements(bytes, elementType, as: Double.self), to: [Element].self) }
        if Element.self == Int64.self { return unsafeBitCast(try ArrayLiteral.elements(bytes, elementType, as: Int64.self), to: [Element].self) }
        if Element.self == Int.self { return unsafeBitCast(try ArrayLiteral.elements(bytes, elementType, as: Int.self), to: [Element].self) }
        return try ArrayLiteral.elements(bytes, elementType, as: Element.self)
    }
}

/// PostgreSQL's text form of one-dimensional arrays: `{1,NULL,"a \"b\""}`.
enum ArrayLiteral {
    /// The elements of an array's text form, each read as `Value` (a NULL as `Value.postgresNull`, where it has one).
    static func elements<Value: PostgresDecodable>(_ bytes: ArraySlice<UInt8>, _ elementType: PostgresDataType, as: Value.Type) throws -> [Value] {
        var result: [Value] = []
        try forEachElement(of: bytes) { element in
            guard let element else {
                guard let null = Value.postgresNull else {
                    throw PostgresDecodingFailure("array holds NULL; decode as [\(Value.self)?]")
                }
                result.append(null)
                return
            }
            result.append(try Value.decodePostgres(element, type: elementType))
        }
        return result
    }

    static func arrayType<Element>(of: Element.Type) -> PostgresDataType {
        if let element = Element.self as? any PostgresArrayElement.Type { return element.postgresArrayType }
        if let optional = Element.self as? any OptionalArrayElement.Type { return optional.wrappedArrayType }
        return .unspecified
    }

    /// Appends one element's text: as it is when PostgreSQL's array input reads it back unchanged, else in
    /// double quotes with quotes and backslashes escaped (byte by byte: all the bytes that matter are
    /// ASCII, and no UTF-8 sequence holds them).
    static func append(_ text: String, to literal: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            if !needsQuotes(bytes) {
                literal.append(contentsOf: bytes)
                return
            }
            literal.append(UInt8(ascii: "\""))
            for byte in bytes {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { literal.append(UInt8(ascii: "\\")) }
                literal.append(byte)
            }
            literal.append(UInt8(ascii: "\""))
        }
    }

    /// Whether an element must be quoted: empty, `NULL` in any case, or holding a brace, comma, quote,
    /// backslash or white space (which the input would strip).
    static func needsQuotes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.isEmpty { return true }
        if bytes.count == 4, bytes.map({ $0 | 0x20 }) == Array("null".utf8) { return true }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "\\"),
                 UInt8(ascii: " "), 0x09, 0x0A, 0x0B, 0x0C, 0x0D:
                return true
            default:
                continue
            }
        }
        return false
    }

    /// Calls `body` with each element's text in order (nil for NULL). An element without escapes is a
    /// slice of `bytes`, not a copy: a drill-down reads thousands of numbers a request from arrays, and an
    /// array of bytes made for each of them was most of their decoding. Multi-dimensional arrays are refused.
    static func forEachElement(of bytes: ArraySlice<UInt8>, _ body: (ArraySlice<UInt8>?) throws -> Void) throws {
        var index = bytes.startIndex
        // An explicit lower bound prefix such as "[0:2]=" is skipped.
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "[") {
            while index < bytes.endIndex, bytes[index] != UInt8(ascii: "=") { index += 1 }
            index += 1
        }
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else {
            throw PostgresDecodingFailure("malformed array literal")
        }
        index += 1
        let end = bytes.endIndex - 1
        if index == end { return }
        while index <= end {
            if bytes[index] == UInt8(ascii: "{") { throw PostgresDecodingFailure("multi-dimensional arrays are not supported") }
            if bytes[index] == UInt8(ascii: "\"") {
                index += 1
                let start = index
                var unescaped: [UInt8]?
                while index < end, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") {
                        if unescaped == nil { unescaped = Array(bytes[start..<index]) }
                        index += 1
                    }
                    if unescaped != nil, index < end { unescaped!.append(bytes[index]) }
                    index += 1
                }
                if let unescaped { try body(unescaped[...]) } else { try body(bytes[start..<index]) }
                index += 1  // closing quote
            } else {
                let start = index
                while index < end, bytes[index] != UInt8(ascii: ",") { index += 1 }
                let element = bytes[start..<index]
                try body(element.elementsEqual("NULL".utf8) ? nil : element)
            }
            index += 1  // the comma, or past the closing brace
        }
    }
}

/// Lets `[T?]` bind with the array type of `T`.
protocol OptionalArrayElement {
    static var wrappedArrayType: PostgresDataType { get }
}

extension Optional: OptionalArrayElement where Wrapped: PostgresArrayElement {
    static var wrappedArrayType: PostgresDataType { Wrapped.postgresArrayType }
}

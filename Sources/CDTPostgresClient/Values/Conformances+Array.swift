/// `[Element]` binds as a one-dimensional PostgreSQL array and reads back from one; `[Element?]` holds NULLs.
extension Array: PostgresEncodable where Element: PostgresEncodable {
    public static var postgresType: PostgresDataType { ArrayLiteral.arrayType(of: Element.self) }

    public func encodePostgres() throws -> PostgresEncoded {
        var literal = "{"
        for (position, element) in enumerated() {
            if position > 0 { literal += "," }
            switch try element.encodePostgres() {
            case .null: literal += "NULL"
            case let encoded: literal += ArrayLiteral.quote(encoded.textForm ?? "")
            }
        }
        return .text(literal + "}")
    }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    public static func decodePostgres(_ bytes: ArraySlice<UInt8>, type: PostgresDataType) throws -> [Element] {
        guard let elementType = type.elementType else {
            throw PostgresDecodingFailure("cannot decode a column of type \(type) as an array")
        }
        return try ArrayLiteral.elements(of: bytes).map { element in
            guard let element else {
                guard let null = Element.postgresNull else {
                    throw PostgresDecodingFailure("array holds NULL; decode as [\(Element.self)?]")
                }
                return null
            }
            return try Element.decodePostgres(element[...], type: elementType)
        }
    }
}

/// PostgreSQL's text form of one-dimensional arrays: `{1,NULL,"a \"b\""}`.
enum ArrayLiteral {
    static func arrayType<Element>(of: Element.Type) -> PostgresDataType {
        if let element = Element.self as? any PostgresArrayElement.Type { return element.postgresArrayType }
        if let optional = Element.self as? any OptionalArrayElement.Type { return optional.wrappedArrayType }
        return .unspecified
    }

    /// The element in double quotes, with quotes and backslashes escaped (byte by byte: both are ASCII,
    /// and no UTF-8 sequence holds their bytes).
    static func quote(_ text: String) -> String {
        var quoted: [UInt8] = [UInt8(ascii: "\"")]
        quoted.reserveCapacity(text.utf8.count + 2)
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { quoted.append(UInt8(ascii: "\\")) }
            quoted.append(byte)
        }
        quoted.append(UInt8(ascii: "\""))
        return String(decoding: quoted, as: UTF8.self)
    }

    /// The elements' text forms (nil for NULL). Multi-dimensional arrays are refused.
    static func elements(of bytes: ArraySlice<UInt8>) throws -> [[UInt8]?] {
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
        var result: [[UInt8]?] = []
        if index == end { return result }
        while index <= end {
            var element: [UInt8] = []
            var quoted = false
            if bytes[index] == UInt8(ascii: "{") { throw PostgresDecodingFailure("multi-dimensional arrays are not supported") }
            if bytes[index] == UInt8(ascii: "\"") {
                quoted = true
                index += 1
                while index < end, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                    element.append(bytes[index])
                    index += 1
                }
                index += 1  // closing quote
            } else {
                while index < end, bytes[index] != UInt8(ascii: ",") {
                    element.append(bytes[index])
                    index += 1
                }
            }
            let isNull = !quoted && element == Array("NULL".utf8)
            result.append(isNull ? nil : element)
            index += 1  // the comma, or past the closing brace
        }
        return result
    }
}

/// Lets `[T?]` bind with the array type of `T`.
protocol OptionalArrayElement {
    static var wrappedArrayType: PostgresDataType { get }
}

extension Optional: OptionalArrayElement where Wrapped: PostgresArrayElement {
    static var wrappedArrayType: PostgresDataType { Wrapped.postgresArrayType }
}

public import Foundation

// The column types each decoder accepts, made once (a set literal in the call would be built on every value).
private let boolTypes: Set<PostgresDataType> = [.bool]
private let integerTypes: Set<PostgresDataType> = [.int2, .int4, .int8, .oidType]
private let realTypes: Set<PostgresDataType> = integerTypes.union([.float4, .float8, .numeric])
private let decimalTypes: Set<PostgresDataType> = integerTypes.union([.numeric])

/// A number written as a whole number of at most 15 digits (`42`, `-7`, `-0`), read without making a
/// `String`: exact, since 15 digits stay below 2^53. Anything else (a fraction, an exponent, `NaN`) is nil.
/// A drill-down decodes thousands of `float8` array elements a request, most of them counts.
private func wholeNumber(_ bytes: ArraySlice<UInt8>) -> Double? {
    var index = bytes.startIndex
    let negative = index < bytes.endIndex && bytes[index] == UInt8(ascii: "-")
    if negative { index += 1 }
    guard (1...15).contains(bytes.endIndex - index) else { return nil }
    var value: Int64 = 0
    while index < bytes.endIndex {
        let digit = bytes[index] &- UInt8(ascii: "0")
        guard digit < 10 else { return nil }
        value = value * 10 + Int64(digit)
        index += 1
    }
    return negative ? -Double(value) : Double(value)
}

/// Parses a decimal integer from ASCII bytes, rejecting anything else.
private func parseInteger<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>, as: T.Type) throws -> T {
    var index = bytes.startIndex
    var negative = false
    if index < bytes.endIndex, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
        negative = bytes[index] == UInt8(ascii: "-")
        index += 1
    }
    guard index < bytes.endIndex else { throw PostgresDecodingFailure("empty integer") }
    var value: T = 0
    while index < bytes.endIndex {
        let byte = bytes[index]
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
            throw PostgresDecodingFailure("'\(String(decoding: bytes, as: UTF8.self))' is not an integer")
        }
        let digit = T(byte - UInt8(ascii: "0"))
        let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
        let (next, overflow2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
        guard !overflow1, !overflow2 else {
            throw PostgresDecodingFailure("\(String(decoding: bytes, as: UTF8.self)) does not fit in \(T.self)")
        }
        value = next
        index += 1
    }
    return value
}

extension Int: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .int8 }
    public static var postgresArrayType: PostgresDataType { .int8Array }
    public func encodePostgres() -> PostgresEncoded { .text(String(self)) }
    public static func decodePostgres(_ bytes: ArraySlice<UInt8>, type: PostgresDataType) throws -> Int {
        try require(type, in: integerTypes)
        return try parseInteger(bytes, as: Int.self)
    }
}

extension Int64: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .int8 }
    public static var postgresArrayType: PostgresDataType { .int8Array }
    public func encodePostgres() -> PostgresEncoded { .text(String(self)) }
    public static func decodePostgres(_ bytes: ArraySlice<UInt8>, type: PostgresDataType) throws -> Int64 {
        try require(type, in: integerTypes)
        return try parseInteger(bytes, as: Int64.self)
    }
}

extension Int32: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .int4 }
    public static var postgresArrayType: PostgresDataType { .int4Array }
    public func encodePostgres() -> PostgresEncoded { .text(String(self)) }
    public static func decodePostgres(_ bytes: ArraySlice<UInt8>, type: PostgresDataType) throws -> Int32 {
        try require(type, in: integerTypes)
        return try parseInteger(bytes, as: Int32.self)
    }
}

extension Int16: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .int2 }
    public static var postgresArrayType: PostgresDataType { .int2Array }
    public func encodePostgres() -> PostgresEncoded { .text(String(self)) }
    public static func decodePostgres(_ bytes: ArraySlice<UInt8>, type: PostgresDataType) throws -> Int16 {
        try require(type, in: integerTypes)
        return try parseInteger(bytes, as: Int16.self)
    }
}

extension Double: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .float8 }
    public static var postgresArrayType: PostgresDataType { .float8Array }
    public func encodePostgres() -> PostgresEncoded {
        if isNaN { return .text("NaN") }
        if isInfinite { return .text(self < 0 ? "-Infinity" : "Infinity") }
        return .text(description)
    }
    public static func decodePostgres(_ bytes: ArraySlice<UInt8>, type: PostgresDataType) throws -> Double {
        try require(type, in: realTypes)
        if let whole = wholeNumber(bytes) { return whole }
        let text = String(decoding: bytes, as: UTF8.self)
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default:
            guard let value = Double(text) else { throw PostgresDecodingFailure("'\(text)' is not a number") }
            return value
        }
    }
}

extension Decimal: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .numeric }
    public static var postgresArrayType: PostgresDataType { .numericArray }
    public func encodePostgres() -> PostgresEncoded { .text(isNaN ? "NaN" : description) }
    public static func decodePostgres(_ bytes: ArraySlice<UInt8>, type: PostgresDataType) throws -> Decimal {
        try require(type, in: decimalTypes)
        let text = String(decoding: bytes, as: UTF8.self)
        if text == "NaN" { return .nan }
        // Decimal holds 38 significant digits and would silently drop the rest; refuse instead.
        let significant = text.drop { $0 == "-" || $0 == "0" || $0 == "." }.filter(\.isNumber).count
        guard significant <= 38 else {
            throw PostgresDecodingFailure("\(text) has more than the 38 significant digits Decimal holds; decode as String")
        }
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw PostgresDecodingFailure("'\(text)' is not a decimal number Decimal can hold")
        }
        return value
    }
}

extension Bool: PostgresArrayElement {
    public static var postgresType: PostgresDataType { .bool }
    public static var postgresArrayType: PostgresDataType { .boolArray }
    public func encodePostgres() -> PostgresEncoded { .text(self ? "true" : "false") }
    public static func decodePostgres(_ bytes: ArraySlice<UInt8>, type: PostgresDataType) throws -> Bool {
        try require(type, in: boolTypes)
        switch bytes.first {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: throw PostgresDecodingFailure("'\(String(decoding: bytes, as: UTF8.self))' is not a boolean")
        }
    }
}

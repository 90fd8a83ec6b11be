/// A PostgreSQL type, by its object id (OID) in `pg_type`.
public struct PostgresDataType: Hashable, Sendable, CustomStringConvertible {
    /// The OID; `0` lets the server infer the type from context.
    public let oid: UInt32

    public init(oid: UInt32) { self.oid = oid }

    public static let unspecified = PostgresDataType(oid: 0)
    public static let bool = PostgresDataType(oid: 16)
    public static let bytea = PostgresDataType(oid: 17)
    public static let name = PostgresDataType(oid: 19)
    public static let int8 = PostgresDataType(oid: 20)
    public static let int2 = PostgresDataType(oid: 21)
    public static let int4 = PostgresDataType(oid: 23)
    public static let text = PostgresDataType(oid: 25)
    public static let oidType = PostgresDataType(oid: 26)
    public static let json = PostgresDataType(oid: 114)
    public static let float4 = PostgresDataType(oid: 700)
    public static let float8 = PostgresDataType(oid: 701)
    public static let unknown = PostgresDataType(oid: 705)
    public static let bpchar = PostgresDataType(oid: 1042)
    public static let varchar = PostgresDataType(oid: 1043)
    public static let date = PostgresDataType(oid: 1082)
    public static let timestamp = PostgresDataType(oid: 1114)
    public static let timestamptz = PostgresDataType(oid: 1184)
    public static let numeric = PostgresDataType(oid: 1700)
    public static let uuid = PostgresDataType(oid: 2950)
    public static let jsonb = PostgresDataType(oid: 3802)

    public static let boolArray = PostgresDataType(oid: 1000)
    public static let byteaArray = PostgresDataType(oid: 1001)
    public static let int2Array = PostgresDataType(oid: 1005)
    public static let int4Array = PostgresDataType(oid: 1007)
    public static let textArray = PostgresDataType(oid: 1009)
    public static let bpcharArray = PostgresDataType(oid: 1014)
    public static let varcharArray = PostgresDataType(oid: 1015)
    public static let int8Array = PostgresDataType(oid: 1016)
    public static let float4Array = PostgresDataType(oid: 1021)
    public static let float8Array = PostgresDataType(oid: 1022)
    public static let timestampArray = PostgresDataType(oid: 1115)
    public static let dateArray = PostgresDataType(oid: 1182)
    public static let timestamptzArray = PostgresDataType(oid: 1185)
    public static let numericArray = PostgresDataType(oid: 1231)
    public static let uuidArray = PostgresDataType(oid: 2951)
    public static let jsonArray = PostgresDataType(oid: 199)
    public static let jsonbArray = PostgresDataType(oid: 3807)

    private static let elementTypes: [PostgresDataType: PostgresDataType] = [
        .boolArray: .bool, .byteaArray: .bytea, .int2Array: .int2, .int4Array: .int4, .int8Array: .int8, .textArray: .text,
        .bpcharArray: .bpchar, .varcharArray: .varchar, .float4Array: .float4, .float8Array: .float8,
        .timestampArray: .timestamp, .dateArray: .date, .timestamptzArray: .timestamptz,
        .numericArray: .numeric, .uuidArray: .uuid, .jsonArray: .json, .jsonbArray: .jsonb,
    ]

    private static let names: [PostgresDataType: String] = [
        .bool: "bool", .bytea: "bytea", .name: "name", .int8: "int8", .int2: "int2", .int4: "int4",
        .text: "text", .oidType: "oid", .json: "json", .float4: "float4", .float8: "float8",
        .unknown: "unknown", .bpchar: "bpchar", .varchar: "varchar", .date: "date",
        .timestamp: "timestamp", .timestamptz: "timestamptz", .numeric: "numeric", .uuid: "uuid",
        .jsonb: "jsonb",
    ]

    /// For a known array type, the type of its elements.
    public var elementType: PostgresDataType? { Self.elementTypes[self] }

    /// Types whose text form is the text itself.
    var isTextual: Bool { self == .text || self == .varchar || self == .bpchar || self == .name || self == .unknown }

    public var description: String {
        if let name = Self.names[self] { return name }
        if let element = elementType { return "\(element)[]" }
        return "oid \(oid)"
    }
}

import CDTPostgres
import CDTDomain
import Foundation
import Testing

@Suite struct ValueRoundTripTests {
    /// Binds `value` as a parameter, has PostgreSQL cast it to `sqlType`, and reads it back.
    private func roundTrip<Value: PostgresEncodable & PostgresDecodable>(_ value: Value, as sqlType: String, on client: PostgresClient) async throws -> Value {
        try await client.query("SELECT \(value)::\(unsafeSQL: sqlType) AS v").decode(Value.self)[0]
    }

    @Test func integersOfEveryWidthComeBackUnchanged() async throws {
        try await withTestClient { db throws in
            for value in [0, 1, -1, Int.max, Int.min] { #expect(try await roundTrip(value, as: "int8", on: db) == value) }
            for value in [Int64.max, Int64.min] { #expect(try await roundTrip(value, as: "int8", on: db) == value) }
            for value in [Int32.max, Int32.min] { #expect(try await roundTrip(value, as: "int4", on: db) == value) }
            for value in [Int16.max, Int16.min] { #expect(try await roundTrip(value, as: "int2", on: db) == value) }
        }
    }

    @Test func floatingPointAndDecimalKeepTheirValue() async throws {
        try await withTestClient { db throws in
            for value in [0.0, -2.5, 1e-300, 1.7976931348623157e308, .pi, .infinity, -.infinity] {
                #expect(try await roundTrip(value, as: "float8", on: db) == value)
            }
            #expect(try await roundTrip(Double.nan, as: "float8", on: db).isNaN)
            // Whole numbers are read without a String up to 15 digits; past that, and with a sign or exponent,
            // as PostgreSQL writes them.
            for value in [1.0, -7.0, 42.0, 999_999_999_999_999, -999_999_999_999_999, 1_000_000_000_000_000, 9_007_199_254_740_993, 1e22, -1e-5] {
                #expect(try await roundTrip(value, as: "float8", on: db) == value)
            }
            let negativeZero = try await roundTrip(-0.0, as: "float8", on: db)
            #expect(negativeZero == 0 && negativeZero.sign == .minus)
            let counts = try await db.query("SELECT ARRAY[0, 12, -3, 123456789012345, 1.5, 'NaN']::float8[], 7::int4, 8::numeric")
                .decode(([Double], Double, Double).self)[0]
            #expect(Array(counts.0.prefix(5)) == [0, 12, -3, 123_456_789_012_345, 1.5] && counts.0[5].isNaN)
            #expect(counts.1 == 7 && counts.2 == 8)
            for text in ["0", "-123.456", "12345678901234567890.123456789", "0.000000001"] {
                let value = try #require(Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")))
                #expect(try await roundTrip(value, as: "numeric", on: db) == value)
            }
        }
    }

    /// Arrays of numbers are read by loops of their own (`[Double]`, `[Int64]`, `[Int]`): the same values as the
    /// generic loop gives, and a NULL refused there as it is there.
    @Test func numberArraysReadTheirElementsAndRefuseNull() async throws {
        try await withTestClient { db throws in
            let row = try await db.query("SELECT ARRAY[1, -2, 9223372036854775807, -9223372036854775808]::int8[], ARRAY[3, -4]::int4[], '{}'::float8[]")
                .decode(([Int64], [Int], [Double]).self)[0]
            #expect(row.0 == [1, -2, .max, .min] && row.1 == [3, -4] && row.2.isEmpty)
            let optional = try await db.query("SELECT ARRAY[1.5, NULL]::float8[]").decode([Double?].self)[0]
            #expect(optional == [1.5, nil])
            for type in ["float8", "int8"] {
                let rows = try await db.query("SELECT ARRAY[1, NULL]::\(unsafeSQL: type)[]")
                #expect(throws: (any Error).self) { _ = try rows.decode([Double].self) }
                #expect(throws: (any Error).self) { _ = try rows.decode([Int64].self) }
                #expect(throws: (any Error).self) { _ = try rows.decode([Int].self) }
            }
        }
    }

    @Test func textComesBackUnchangedIncludingVietnameseAndSQLLookalikes() async throws {
        try await withTestClient { db throws in
            let values = [
                "Phường Phúc Xá", "Đặc khu Côn Đảo", "Tổ công nghệ số cộng đồng", "", " ",
                "'); DROP TABLE x; --", "Robert'); DROP TABLE students;--", "$1 $2 \\ \" ' \t\n\r",
                String(repeating: "Nghệ An ", count: 200_000), "emoji 🇻🇳 and NUL-free",
            ]
            for value in values { #expect(try await roundTrip(value, as: "text", on: db) == value) }
            try await db.execute("CREATE TABLE x (v text)")
            try await db.execute("INSERT INTO x VALUES (\("'); DROP TABLE x; --"))")
            #expect(try await db.query("SELECT v FROM x").decode(String.self) == ["'); DROP TABLE x; --"])
        }
    }

    @Test func booleansUUIDsAndBytes() async throws {
        try await withTestClient { db throws in
            #expect(try await roundTrip(true, as: "bool", on: db) == true)
            #expect(try await roundTrip(false, as: "bool", on: db) == false)
            let uuid = UUID()
            #expect(try await roundTrip(uuid, as: "uuid", on: db) == uuid)
            let bytes = Data((0...255).map(UInt8.init) + [0, 0, 92, 120])
            #expect(try await roundTrip(bytes, as: "bytea", on: db) == bytes)
            #expect(try await roundTrip(Data(), as: "bytea", on: db) == Data())
        }
    }

    @Test func datesKeepMicrosecondsAndReadFromDateColumns() async throws {
        try await withTestClient { db throws in
            let instants = [
                Date(timeIntervalSince1970: 1_751_328_000.123456),  // 2025-07-01, the day districts were abolished
                Date(timeIntervalSince1970: -1_000_000_000.5),
                Date(timeIntervalSince1970: 0),
            ]
            for instant in instants {
                let back = try await roundTrip(instant, as: "timestamptz", on: db)
                #expect(abs(back.timeIntervalSince1970 - instant.timeIntervalSince1970) < 0.000_001)
            }
            let day = try await db.query("SELECT DATE '2025-07-01' AS d").decode(Date.self)[0]
            #expect(day == Date(timeIntervalSince1970: 1_751_328_000))
            let offset = try await db.query("SELECT '2025-07-01 07:00:00+07'::timestamptz::text::timestamptz AS t").decode(Date.self)[0]
            #expect(offset == Date(timeIntervalSince1970: 1_751_328_000))
            let withOffsetText = try Date.decodePostgres(Array("2025-07-01 12:30:00.5+05:30".utf8)[...], type: .timestamptz)
            #expect(withOffsetText == Date(timeIntervalSince1970: 1_751_328_000 + 7 * 3600 + 0.5))
        }
    }

    @Test func infiniteAndBeforeChristDatesSurvive() async throws {
        try await withTestClient { db throws in
            #expect(try await roundTrip(Date.distantFuture, as: "timestamptz", on: db) == .distantFuture)
            #expect(try await roundTrip(Date.distantPast, as: "timestamptz", on: db) == .distantPast)
            let ancient = Date(timeIntervalSince1970: -62_167_219_200)  // 1 January of 1 BC (year 0, a leap year)
            #expect(try await db.query("SELECT \(ancient)::text").decode(String.self) == ["0001-01-01 00:00:00+00 BC"])
            #expect(try await roundTrip(ancient, as: "timestamptz", on: db) == ancient)
        }
    }

    @Test func decimalsTooPreciseForDecimalAreRefusedNotTruncated() async throws {
        try await withTestClient { db throws in
            let rows = try await db.query("SELECT 123456789012345678901234567890123456789012345::numeric AS amount")
            let error = await postgresError { _ = try rows.decode(Decimal.self) }
            #expect(error?.column == "amount")
            #expect(try rows.decode(String.self) == ["123456789012345678901234567890123456789012345"])
        }
    }

    @Test func arraysHoldQuotesCommasAndNulls() async throws {
        try await withTestClient { db throws in
            let texts = ["a", "b,c", "\"quoted\"", "back\\slash", "NULL", "", "Xã Đồng Văn", "null", "Null", " lead", "trail ",
                         "tab\there", "line\nbreak", "{brace}", "a}b", "[0:1]", "NULLS", "2025-01-01 07:00:00+07"]
            #expect(try await roundTrip(texts, as: "text[]", on: db) == texts)
            let numbers = [1, -2, Int.max]
            #expect(try await roundTrip(numbers, as: "int8[]", on: db) == numbers)
            let reals = [0, 1.5, -0.25, 1e21, 42, -7, 0.1 + 0.2]
            #expect(try await roundTrip(reals, as: "float8[]", on: db) == reals)
            let withNulls: [Int?] = [1, nil, 3]
            #expect(try await roundTrip(withNulls, as: "int8[]", on: db) == withNulls)
            #expect(try await roundTrip([String](), as: "text[]", on: db) == [])
            let ids = [UUID(), UUID()]
            #expect(try await roundTrip(ids, as: "uuid[]", on: db) == ids)
            #expect(try await roundTrip([UUID](), as: "uuid[]", on: db) == [])
            let someIDs: [UUID?] = [UUID(), nil]
            #expect(try await roundTrip(someIDs, as: "uuid[]", on: db) == someIDs)
            let dates = [Date(timeIntervalSince1970: 1_750_000_000.5), .distantPast, .distantFuture]
            #expect(try await roundTrip(dates, as: "timestamptz[]", on: db) == dates)
        }
    }

    /// Arrays of ids are bound in PostgreSQL's binary form: the server must read the same ids, NULLs and
    /// emptiness the text literal gave, for UUIDs, typed ids and their optionals, at a batch's size too.
    @Test func idArraysBoundInBinaryReadAsTheSameIDs() async throws {
        enum Thing {}
        try await withTestClient { db throws in
            let ids = (0..<1_500).map { _ in UUID() }
            let asText = try await db.query("SELECT \(ids)::text AS v, cardinality(\(ids)) AS n").decode((String, Int).self)[0]
            #expect(asText.0 == "{" + ids.map { $0.uuidString.lowercased() }.joined(separator: ",") + "}")
            #expect(asText.1 == 1_500)
            let typed = ids.prefix(3).map { ID<Thing>(rawValue: $0) }
            #expect(try await roundTrip(typed, as: "uuid[]", on: db) == typed)
            let someTyped: [ID<Thing>?] = [nil, typed[0], nil]
            #expect(try await db.query("SELECT \(someTyped)::text").decode(String.self) == ["{NULL,\(ids[0].uuidString.lowercased()),NULL}"])
            #expect(try await db.query("SELECT array_ndims(\([ID<Thing>]())), cardinality(\([ID<Thing>?]()))").decode((Int?, Int).self)[0] == (nil, 0))
            let found = try await db.query("SELECT x FROM unnest(\(Array(ids.prefix(10)))) AS x WHERE x = ANY(\(typed))").decode(UUID.self)
            #expect(found == Array(ids.prefix(3)))
            // Instants and integers go the same way: PostgreSQL reads from the binary form what it reads from the
            // text literal (still what `encodePostgres()` writes, and what COPY sends).
            let instants: [Date?] = [Date(timeIntervalSince1970: 1_750_000_000.123456), nil, .distantFuture, .distantPast,
                                     Date(timeIntervalSince1970: -62_000_000_000.5), Date(timeIntervalSince1970: 946_684_799.9999996),
                                     Date(timeIntervalSince1970: 0.0000004), Date(timeIntervalSince1970: -0.0000006)]
            let numbers: [Int?] = [0, -1, nil, .max, .min]
            let someIDs: [UUID?] = [UUID(), nil, UUID()]
            func literal(_ value: some PostgresEncodable) throws -> String {
                guard case .text(let text) = try value.encodePostgres() else { throw PostgresError(code: .decoding, message: "no text form") }
                return text
            }
            let fromBinary = try await db.query("SELECT \(instants)::text, \(numbers)::text, \(someIDs)::text").decode((String, String, String).self)[0]
            let fromText = try await db.query("""
                SELECT \(try literal(instants))::timestamptz[]::text, \(try literal(numbers))::int8[]::text, \(try literal(someIDs))::uuid[]::text
                """).decode((String, String, String).self)[0]
            #expect(fromBinary == fromText)
            #expect(fromBinary.0.hasPrefix("{\"2025-06-15 ") && fromBinary.0.contains("NULL,infinity,-infinity,"))
            #expect(try await roundTrip(numbers, as: "int8[]", on: db) == numbers)
        }
    }

    /// Arrays of numbers and of calendar dates go in binary form too: PostgreSQL reads every number exactly
    /// (a third, the smallest and largest, negative zero, NaN, the infinities) and every date of years 1 to
    /// 9999 as the text literal gave them, and a slice of a flat array is a row's slots.
    @Test func numberAndDateArraysBoundInBinaryReadAsTheirTextLiterals() async throws {
        try await withTestClient { db throws in
            let numbers: [Double?] = [1.0 / 3, -0.0, 0, nil, 2.5e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -12, .infinity, -.infinity]
            let dates: [CalendarDate?] = ["0001-01-01", "1969-12-31", "1970-01-01", "1999-12-31", "2000-01-01", "2000-01-02", "2026-04-30", "9999-12-31"]
                .map { CalendarDate($0)! } + [nil]
            func literal(_ value: some PostgresEncodable) throws -> String {
                guard case .text(let text) = try value.encodePostgres() else { throw PostgresError(code: .decoding, message: "no text form") }
                return text
            }
            let fromBinary = try await db.query("SELECT \(numbers)::text, \(dates)::text").decode((String, String).self)[0]
            let fromText = try await db.query("SELECT \(try literal(numbers))::float8[]::text, \(try literal(dates))::date[]::text")
                .decode((String, String).self)[0]
            #expect(fromBinary == fromText)
            #expect(fromBinary.1 == "{0001-01-01,1969-12-31,1970-01-01,1999-12-31,2000-01-01,2000-01-02,2026-04-30,9999-12-31,NULL}")
            #expect(try await db.query("SELECT x FROM unnest(\(numbers)) AS x").decode(Double?.self) == numbers)
            #expect(try await db.query("SELECT x FROM unnest(\(dates)) AS x").decode(CalendarDate?.self) == dates)
            #expect(try await db.query("SELECT 'NaN'::float8 = (\([Double.nan])::float8[])[1]").decode(Bool.self) == [true])
            let flat: [Double] = [1, 2, 3, 4, 5, 6]
            let rows = try await db.query("SELECT (\(flat)::float8[])[(i - 1) * 3 + 1 : i * 3]::text FROM generate_series(1, 2) i").decode(String.self)
            #expect(rows == ["{1,2,3}", "{4,5,6}"])
        }
    }

    @Test func byteStringArraysBoundInBinaryKeepEveryByte() async throws {
        try await withTestClient { db throws in
            let states: [Data?] = [Data([0x00, 0x7f, 0xff, 0x5c, 0x22, 0x2c, 0x7b]), Data(), nil, Data((0...255).map(UInt8.init)),
                                   Data("Hộ ông Nguyễn".utf8)]
            #expect(try await db.query("SELECT x FROM unnest(\(states)) WITH ORDINALITY AS t(x, i) ORDER BY i").decode(Data?.self) == states)
            #expect(try await db.query("SELECT octet_length(x) FROM unnest(\(states)) AS x").decode(Int?.self) == [7, 0, nil, 256, 18])
            // Read back whole, from the array's text form.
            #expect(try await db.query("SELECT \(states)::bytea[]").decode([Data?].self) == [states])
            #expect(try await db.query("SELECT cardinality(\([Data]())::bytea[])").decode(Int.self) == [0])
        }
    }

    struct Visit: Codable, Sendable, Equatable {
        var household: String
        var skills: [String]
        var mastered: Bool
    }

    @Test func jsonGoesThroughCodable() async throws {
        try await withTestClient { db throws in
            let visit = Visit(household: "Hộ ông Nguyễn Văn A", skills: ["dịch vụ công", "thanh toán"], mastered: true)
            #expect(try await roundTrip(PostgresJSON(visit), as: "jsonb", on: db).value == visit)
            #expect(try await roundTrip(PostgresJSON(visit), as: "json", on: db).value == visit)
        }
    }

    @Test func nullsReadAsNilThroughOptionals() async throws {
        try await withTestClient { db throws in
            let none: String? = nil
            let row = try await db.query("SELECT \(none)::text AS a, NULL::int8 AS b, NULL::uuid AS c, 5 AS d").decode((String?, Int?, UUID?, Int?).self)[0]
            #expect(row.0 == nil && row.1 == nil && row.2 == nil && row.3 == 5)
        }
    }

    struct Unit: Decodable, Equatable {
        var code: String
        var name: String
        var parentCode: String?
        var level: Int
    }

    @Test func rowsDecodeIntoRecordsBySnakeCaseColumnNames() async throws {
        try await withTestClient { db throws in
            let units = try await db.query("""
                SELECT * FROM (VALUES ('01', 'Thành phố Hà Nội', NULL, 1), ('00004', 'Phường Ba Đình', '01', 2))
                AS t(code, name, parent_code, level)
                """).decode(as: Unit.self)
            #expect(units == [
                Unit(code: "01", name: "Thành phố Hà Nội", parentCode: nil, level: 1),
                Unit(code: "00004", name: "Phường Ba Đình", parentCode: "01", level: 2),
            ])
        }
    }
}

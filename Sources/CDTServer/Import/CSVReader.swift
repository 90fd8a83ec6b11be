public import CDTDomain

/// Reads RFC 4180 CSV (quoted fields, doubled quotes, commas and line breaks inside quotes), UTF-8 with or
/// without a byte-order mark, LF or CRLF line endings.
public enum CSVReader {
    /// A record with the line it starts on (1 is the header).
    public struct Record: Sendable {
        public var line: Int
        public var fields: [String]
    }

    /// Parses `text` and checks the header is exactly `columns`; returns the records after the header.
    /// - Throws: ``ImportError`` for a wrong header, an unclosed quote or a record of the wrong width.
    public static func records(in text: String, columns: [String]) throws(ImportError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var afterQuote = false
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = iterator.next()
        func endRecord() {
            fields.append(field)
            field = ""
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
        }
        while let scalar = pending {
            pending = iterator.next()
            if inQuotes {
                if scalar == "\"" {
                    if pending == "\"" { field.unicodeScalars.append("\""); pending = iterator.next() } else { inQuotes = false; afterQuote = true }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty && !afterQuote:
                inQuotes = true
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
            case "\r" where pending == "\n":
                continue
            case "\n":
                endRecord()
                afterQuote = false
                line += 1
                recordLine = line
            default:
                if afterQuote { throw ImportError(line: line, field: "csv", message: "text after a closing quote") }
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes { throw ImportError(line: recordLine, field: "csv", message: "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }

        guard let header = records.first, header.fields == columns else {
            throw ImportError(line: 1, field: "header", message: "expected the columns \(columns.joined(separator: ",")), found \(records.first?.fields.joined(separator: ",") ?? "nothing")")
        }
        for record in records.dropFirst() where record.fields.count != columns.count {
            throw ImportError(line: record.line, field: "csv", message: "expected \(columns.count) fields, found \(record.fields.count)")
        }
        return Array(records.dropFirst())
    }
}

/// The unit, reorganization and village-map files of `data/` (docs/api.md, "Importing the hierarchy").
public enum UnitFiles {
    public static let unitColumns = ["code", "name", "level", "parent_code", "type"]
    public static let lineageColumns = ["old_code", "new_code", "level", "part"]
    public static let villageMapColumns = ["commune_code", "village_code", "new_commune_code"]

    public static func units(in text: String) throws(ImportError) -> [IncomingUnit] {
        try CSVReader.records(in: text, columns: unitColumns).map {
            IncomingUnit(line: $0.line, code: $0.fields[0], name: $0.fields[1], level: $0.fields[2], parentCode: $0.fields[3], type: $0.fields[4])
        }
    }

    public static func lineage(in text: String) throws(ImportError) -> [IncomingLineage] {
        try CSVReader.records(in: text, columns: lineageColumns).map {
            IncomingLineage(line: $0.line, oldCode: $0.fields[0], newCode: $0.fields[1], level: $0.fields[2], part: $0.fields[3])
        }
    }

    /// A village map: where each listed village goes when its commune is split or closed.
    public static func villageMoves(in text: String) throws(ImportError) -> [IncomingVillageMove] {
        try CSVReader.records(in: text, columns: villageMapColumns).map {
            IncomingVillageMove(line: $0.line, communeCode: $0.fields[0], villageCode: $0.fields[1], newCommuneCode: $0.fields[2])
        }
    }
}

import CDTModuleKit
public import Foundation

/// Households are most of what coverage stores (27 million at national scale), so they are stored in a
/// compact binary form rather than JSON: about 45 bytes for a household with its details and one visit.
///
/// Format 1, little-endian: the format byte; the number of versions (UInt16), each with its day (Int32,
/// days since 1970-01-01), position (Int64), unit (16 bytes), out-of-scope flag and residents (a count,
/// then age band index and count per band); the first visit's unit (a flag, then 16 bytes); the number of
/// visits (UInt32), each with its day and two bit sets over ``HouseholdRecord/skillKeys`` (mastered, not
/// applicable).
extension HouseholdRecord: CoverageSubject {
    public static var kind: String { "household" }

    static let storageFormat: UInt8 = 1

    public func storedBytes() throws -> [UInt8] {
        var out = StoredBytesWriter()
        out.write(Self.storageFormat)
        // Counts clients decide (one version per update sent) are checked, never converted with a trap:
        // a trap here would stop the server on every delivery of the event.
        guard let versionCount = UInt16(exactly: versions.count) else { throw StoredBytesError.tooMany("versions", versions.count) }
        guard let visitCount = UInt32(exactly: visits.count) else { throw StoredBytesError.tooMany("visits", visits.count) }
        out.write(versionCount)
        for version in versions {
            out.write(Int32(version.day.daysSinceEpoch))
            out.write(version.position)
            out.write(version.unit)
            out.write(version.outOfScope)
            let bands = AgeBand.allCases.enumerated().compactMap { index, band in version.residents[band.rawValue].map { (index, $0) } }
            out.write(UInt8(bands.count))
            for (index, count) in bands {
                out.write(UInt8(index))
                out.write(UInt32(clamping: count))
            }
        }
        out.write(firstVisitUnit != nil)
        if let firstVisitUnit { out.write(firstVisitUnit) }
        out.write(visitCount)
        for visit in visits {
            out.write(Int32(visit.day.daysSinceEpoch))
            out.write(Self.bits(of: visit.mastered))
            out.write(Self.bits(of: visit.notApplicable))
        }
        return out.bytes
    }

    public init(storedBytes: [UInt8]) throws {
        var input = StoredBytesReader(storedBytes)
        let format = try input.read(UInt8.self)
        guard format == Self.storageFormat else { throw StoredBytesError.unknownFormat(format) }
        self.init()
        for _ in 0..<(try input.read(UInt16.self)) {
            let day = CalendarDate(daysSinceEpoch: Int(try input.read(Int32.self)))
            let position = try input.read(Int64.self), unit = try input.readUUID(), outOfScope = try input.readBool()
            var residents: [String: Int] = [:]
            for _ in 0..<(try input.read(UInt8.self)) {
                let index = Int(try input.read(UInt8.self)), count = Int(try input.read(UInt32.self))
                guard AgeBand.allCases.indices.contains(index) else { throw StoredBytesError.unknownKey(index) }
                residents[AgeBand.allCases[index].rawValue] = count
            }
            versions.append(Version(day: day, position: position, unit: unit, outOfScope: outOfScope, residents: residents))
        }
        if try input.readBool() { firstVisitUnit = try input.readUUID() }
        for _ in 0..<(try input.read(UInt32.self)) {
            let day = CalendarDate(daysSinceEpoch: Int(try input.read(Int32.self)))
            let mastered = try Self.keys(in: input.read(UInt16.self)), notApplicable = try Self.keys(in: input.read(UInt16.self))
            visits.append(Visit(day: day, mastered: mastered, notApplicable: notApplicable))
        }
        guard input.isAtEnd else { throw StoredBytesError.trailingBytes }
    }

    /// The keys the bits name, sorted as a visit keeps them.
    private static func keys(in bits: UInt16) throws -> [String] {
        guard bits >> skillKeys.count == 0 else { throw StoredBytesError.unknownKey(Int(bits)) }
        return skillKeys.indices.filter { bits & (1 << $0) != 0 }.map { skillKeys[$0] }.sorted()
    }
}

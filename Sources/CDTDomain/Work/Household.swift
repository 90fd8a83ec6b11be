/// A household in a village-level unit: how many live there, optionally who by age band, and whether it
/// is out of scope for coverage (which counts only when stated, with a reason).
public struct Household: Hashable, Codable, Sendable {
    public let id: ID<Household>
    public let unitID: ID<AdministrativeUnit>
    /// How the team tells the household apart: a house number, an alley, a short note. Optional.
    public var label: String?
    public var size: Int
    /// Residents counted by age band, when recorded.
    public var residents: [ResidentCount]
    /// Set when the whole household is out of scope for coverage.
    public var notApplicable: NotApplicableReason?

    public init(
        id: ID<Household>, unitID: ID<AdministrativeUnit>, label: String? = nil, size: Int,
        residents: [ResidentCount] = [], notApplicable: NotApplicableReason? = nil
    ) {
        self.id = id
        self.unitID = unitID
        self.label = label
        self.size = size
        self.residents = residents
        self.notApplicable = notApplicable
    }

    /// The largest household the platform accepts.
    public static let maximumSize = 60
}

/// Residents of one age band in a household.
public struct ResidentCount: Hashable, Codable, Sendable {
    public var ageBand: AgeBand
    public var count: Int
    /// How many of them have a smartphone.
    public var withSmartphone: Int
    /// How many of them are out of scope for coverage, and why.
    public var notApplicable: Int
    public var notApplicableReason: NotApplicableReason?

    public init(ageBand: AgeBand, count: Int, withSmartphone: Int = 0, notApplicable: Int = 0, notApplicableReason: NotApplicableReason? = nil) {
        self.ageBand = ageBand
        self.count = count
        self.withSmartphone = withSmartphone
        self.notApplicable = notApplicable
        self.notApplicableReason = notApplicableReason
    }

    enum CodingKeys: String, CodingKey {
        case ageBand, count, withSmartphone, notApplicable, notApplicableReason
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        ageBand = try container.decode(AgeBand.self, forKey: .ageBand)
        count = try container.decode(Int.self, forKey: .count)
        withSmartphone = try container.decodeIfPresent(Int.self, forKey: .withSmartphone) ?? 0
        notApplicable = try container.decodeIfPresent(Int.self, forKey: .notApplicable) ?? 0
        notApplicableReason = try container.decodeIfPresent(NotApplicableReason.self, forKey: .notApplicableReason)
    }
}

/// Age bands residents are counted in.
public enum AgeBand: String, Codable, Sendable, Hashable, CaseIterable {
    /// Children, 0 to 14.
    case children = "0-14"
    /// Working age, 15 to 59.
    case working = "15-59"
    /// Elderly, 60 and over.
    case elderly = "60+"
}

/// Why a household or resident is out of scope for coverage.
public enum NotApplicableReason: String, Codable, Sendable, Hashable, CaseIterable {
    case elderly, noDevice, refused, movedAway
}

extension Household {
    /// Checks a household's label, size and resident counts, with field paths relative to the payload.
    public static func validate(label: String?, size: Int, residents: [ResidentCount], into check: inout Validator) {
        check.text(label, "label", required: false, maximumLength: 200)
        check.require((1...maximumSize).contains(size), "size", "must be from 1 to \(maximumSize)")
        var seen: Set<AgeBand> = []
        for (index, band) in residents.enumerated() {
            check.nested("residents[\(index)]") { check in
                check.require(seen.insert(band.ageBand).inserted, "ageBand", "must appear once per household")
                // Signs and bounds first: a range or a sum built from a client's numbers must never trap.
                let countInBounds = (0...maximumSize).contains(band.count)
                check.require(countInBounds, "count", "must be from 0 to \(maximumSize)")
                let upper = countInBounds ? band.count : maximumSize
                check.require(band.withSmartphone >= 0 && band.withSmartphone <= upper, "withSmartphone", "must be from 0 to count")
                check.require(band.notApplicable >= 0 && band.notApplicable <= upper, "notApplicable", "must be from 0 to count")
                check.require(band.notApplicable == 0 || band.notApplicableReason != nil, "notApplicableReason", "is required when notApplicable is above 0")
            }
        }
        if !residents.isEmpty {
            var total = 0, overflowed = false
            for band in residents {
                let (sum, overflow) = total.addingReportingOverflow(band.count)
                overflowed = overflowed || overflow
                total = sum
            }
            check.require(!overflowed && total <= size, "residents", "must not count more people than size")
        }
    }
}

extension Household {
    /// The label as people search it (``VietnameseText/searchKey(_:)``); `nil` without a label.
    public var searchKey: String? { label.map(VietnameseText.searchKey) }
}

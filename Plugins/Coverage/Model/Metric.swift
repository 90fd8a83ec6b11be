public import CDTModuleKit

/// What the module counts. Every base metric is a running count that events move up or down on a day
/// (so a unit's value at a date is the sum of its changes up to that day); shares and ratios are worked
/// out from two base metrics when read.
public struct Metric: Hashable, Sendable, Codable, CustomStringConvertible {
    public let key: String
    public let label: LocalizedName
    /// For a share, the base metric counted (numerator) and the one it is a share of (denominator).
    public let ratio: (numerator: String, denominator: String)?
    /// Whether the value is a fraction shown as a percentage.
    public let isShare: Bool

    init(_ key: String, _ vietnamese: String, _ english: String, ratio: (String, String)? = nil, isShare: Bool = false) {
        self.key = key
        self.label = LocalizedName(vietnamese: vietnamese, english: english)
        self.ratio = ratio.map { (numerator: $0.0, denominator: $0.1) }
        self.isShare = isShare
    }

    public var description: String { key }
    public static func == (lhs: Metric, rhs: Metric) -> Bool { lhs.key == rhs.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }

    public init(from decoder: any Decoder) throws {
        let key = try decoder.singleValueContainer().decode(String.self)
        guard let metric = Metric.named(key) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown metric \(key)"))
        }
        self = metric
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(key)
    }

    /// The metric named `key`, base or derived.
    public static func named(_ key: String) -> Metric? { all.first { $0.key == key } }

    // MARK: Base metrics, kept per unit and day

    public static let teams = Metric("teams", "Tổ đang hoạt động", "Active teams")
    public static let villagesWithTeam = Metric("villagesWithTeam", "Thôn, tổ dân phố có tổ", "Villages with an active team")
    public static let members = Metric("members", "Thành viên đang hoạt động", "Active members")
    public static let membersTrained = Metric("membersTrained", "Thành viên đã được tập huấn", "Members trained")
    public static let trainings = Metric("trainings", "Buổi tập huấn", "Trainings held")
    public static let households = Metric("households", "Hộ đã đăng ký", "Households registered")
    public static let householdsEligible = Metric("householdsEligible", "Hộ thuộc diện", "Eligible households")
    public static let householdsVisited = Metric("householdsVisited", "Hộ đã được hướng dẫn", "Households visited")

    /// Households where someone mastered `skill`, and those it may count among.
    public static func reached(_ skill: BasicSkill) -> Metric {
        Metric("skill.\(skill.rawValue)", "Hộ thành thạo: \(skill.vietnameseName)", "Households mastering: \(skill.englishName)")
    }
    public static func eligible(_ skill: BasicSkill) -> Metric {
        Metric("skill.\(skill.rawValue).eligible", "Hộ thuộc diện: \(skill.vietnameseName)", "Eligible households: \(skill.englishName)")
    }
    /// Households where `service` was set up or used, and those it may count among.
    public static func reached(_ service: DigitalService) -> Metric {
        Metric("service.\(service.rawValue)", "Hộ đã có: \(service.vietnameseName)", "Households with: \(service.englishName)")
    }
    public static func eligible(_ service: DigitalService) -> Metric {
        Metric("service.\(service.rawValue).eligible", "Hộ thuộc diện: \(service.vietnameseName)", "Eligible households: \(service.englishName)")
    }
    public static func residents(_ band: AgeBand) -> Metric {
        Metric("residents.\(band.rawValue)", "Nhân khẩu \(band.rawValue) tuổi", "Residents aged \(band.rawValue)")
    }

    public static let base: [Metric] =
        [teams, villagesWithTeam, members, membersTrained, trainings, households, householdsEligible, householdsVisited]
        + BasicSkill.allCases.flatMap { [reached($0), eligible($0)] }
        + DigitalService.allCases.flatMap { [reached($0), eligible($0)] }
        + AgeBand.allCases.map(residents)

    // MARK: Derived metrics, worked out when read

    /// Village-level units in force in the unit's subtree: read from the hierarchy, not from events.
    public static let villages = Metric("villages", "Thôn, tổ dân phố", "Villages")
    public static let villagesWithTeamShare = Metric(
        "villagesWithTeam.share", "Tỷ lệ thôn có tổ", "Share of villages with a team", ratio: ("villagesWithTeam", "villages"), isShare: true)
    public static let membersPerTeam = Metric("membersPerTeam", "Thành viên mỗi tổ", "Members per team", ratio: ("members", "teams"))
    public static let householdsVisitedShare = Metric(
        "householdsVisited.share", "Tỷ lệ hộ đã được hướng dẫn", "Share of eligible households visited",
        ratio: ("householdsVisited", "householdsEligible"), isShare: true)
    public static func share(_ skill: BasicSkill) -> Metric {
        Metric("skill.\(skill.rawValue).share", "Tỷ lệ hộ thành thạo: \(skill.vietnameseName)", "Share mastering: \(skill.englishName)",
               ratio: ("skill.\(skill.rawValue)", "skill.\(skill.rawValue).eligible"), isShare: true)
    }
    public static func share(_ service: DigitalService) -> Metric {
        Metric("service.\(service.rawValue).share", "Tỷ lệ hộ đã có: \(service.vietnameseName)", "Share with: \(service.englishName)",
               ratio: ("service.\(service.rawValue)", "service.\(service.rawValue).eligible"), isShare: true)
    }

    public static let derived: [Metric] =
        [villages, villagesWithTeamShare, membersPerTeam, householdsVisitedShare]
        + BasicSkill.allCases.map(share) + DigitalService.allCases.map(share)

    public static let all: [Metric] = base + derived

    /// The value of this metric from a unit's base values; `nil` for a ratio with nothing to divide by.
    public func value(in values: [String: Double]) -> Double? {
        guard let ratio else { return values[key] ?? 0 }
        let denominator = values[ratio.denominator] ?? 0
        return denominator == 0 ? nil : (values[ratio.numerator] ?? 0) / denominator
    }
}

extension BasicSkill {
    public var vietnameseName: String {
        switch self {
        case .onlinePublicServices: "dịch vụ công trực tuyến"
        case .onlineShopping: "mua bán trực tuyến"
        case .onlinePayment: "thanh toán không dùng tiền mặt"
        case .cyberSafety: "an toàn trên không gian mạng"
        case .otherPlatforms: "nền tảng số khác"
        }
    }

    public var englishName: String {
        switch self {
        case .onlinePublicServices: "online public services"
        case .onlineShopping: "online shopping"
        case .onlinePayment: "cashless payment"
        case .cyberSafety: "online safety"
        case .otherPlatforms: "other platforms"
        }
    }
}

extension DigitalService {
    public var vietnameseName: String {
        switch self {
        case .vneidActivated: "VNeID đã kích hoạt"
        case .ePaymentAccountOpened: "tài khoản thanh toán"
        case .digitalStoreOpened: "gian hàng số"
        case .onlinePublicServiceUsed: "đã dùng dịch vụ công trực tuyến"
        }
    }

    public var englishName: String {
        switch self {
        case .vneidActivated: "VNeID activated"
        case .ePaymentAccountOpened: "cashless payment account"
        case .digitalStoreOpened: "digital store"
        case .onlinePublicServiceUsed: "online public service used"
        }
    }
}

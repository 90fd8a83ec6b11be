/// How big the benchmarks' synthetic data set is.
///
/// Every profile has the real units of both trees with the 2025 reorganization and synthetic villages
/// under every commune (about 67,000), and a team with three to six members in each village of the
/// provinces it covers. Households and visits are spread over those villages with the skew of real
/// places: residential groups of big urban wards hold several times the households of a mountain hamlet,
/// and some teams visit much more than others.
public enum SyntheticScale: String, CaseIterable, Sendable {
    /// The whole country: 27 million households and 30 million visits in 34 provinces. Hours to load and
    /// project on two cores; about 40 GB of disk.
    case national
    /// One mid-sized province (Lạng Sơn): 400,000 households, 450,000 visits. Minutes.
    case province
    /// One small province (Cao Bằng): 8,000 households and 8,000 visits, for laptops and CI.
    case small

    /// The 2025 codes of the provinces with work; `nil` for all.
    public var provinceCodes: Set<String>? {
        switch self {
        case .national: nil
        case .province: ["20"]
        case .small: ["04"]
        }
    }

    /// How many households it registers, unless told otherwise.
    public var households: Int {
        switch self {
        case .national: 27_000_000
        case .province: 400_000
        case .small: 8_000
        }
    }

    /// How many visits it records, unless told otherwise.
    public var defaultVisits: Int {
        switch self {
        case .national: 30_000_000
        case .province: 450_000
        case .small: 8_000
        }
    }
}

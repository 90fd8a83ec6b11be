/// A subject coverage keeps state for: stored as JSON with the contributions it makes now, so that the
/// module writes only what an event changed.
public protocol CoverageSubject: Codable, Sendable {
    /// Its kind in `coverage_subjects.kind`.
    static var kind: String { get }
    /// What it adds to the figures now.
    var contributions: [Contribution] { get }
}

extension HouseholdRecord: CoverageSubject {
    public static var kind: String { "household" }
}

extension TeamRecord: CoverageSubject {
    public static var kind: String { "team" }
}

extension TraineeRecord: CoverageSubject {
    public static var kind: String { "trainee" }
}

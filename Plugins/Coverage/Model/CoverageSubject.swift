public import Foundation

/// A subject coverage keeps state for (a household, a team, a member's training record): stored in
/// `coverage_subjects.state`, so that an event changes only what it touches. What it contributes is worked
/// out from that state, before and after a change, and only the difference is written.
public protocol CoverageSubject: Sendable {
    /// Its kind in `coverage_subjects.kind`.
    static var kind: String { get }
    /// What it adds to the figures now.
    var contributions: [Contribution] { get }
    /// Its stored form.
    func storedBytes() throws -> [UInt8]
    /// The subject a stored form holds.
    init(storedBytes: [UInt8]) throws
}

extension CoverageSubject where Self: Codable {
    /// Stored as JSON with sorted keys (the same state gives the same bytes): for the subjects there are
    /// few of (teams, trainees).
    public func storedBytes() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Array(try encoder.encode(self))
    }
    public init(storedBytes: [UInt8]) throws { self = try JSONDecoder().decode(Self.self, from: Data(storedBytes)) }
}

extension TeamRecord: CoverageSubject {
    public static var kind: String { "team" }
}

extension TraineeRecord: CoverageSubject {
    public static var kind: String { "trainee" }
}

import CDTModuleKit
import Hummingbird

/// A reviewer or decider may not judge a nomination of a team they are on, or of themselves: the
/// signed-in account's member records (matched by its phone number, through the kit) against the
/// nominated team and member.
enum ConflictOfInterest {
    static func check(_ nomination: Nomination, _ context: ModuleRequestContext) async throws {
        let members = try await context.callerMembers()
        let own = members.contains { member in
            member.memberID.rawValue == nomination.subjectId.rawValue
                || nomination.teamId == member.teamID
                || (nomination.subjectKind == "team" && member.teamID.rawValue == nomination.subjectId.rawValue)
        }
        guard !own else {
            throw ProblemDetails(status: .forbidden, detail: "You may not judge a nomination of your own team or of yourself (conflict of interest).",
                                 errors: [.init(field: "id", rule: "must not be a nomination of your own team or of yourself (conflict of interest)")])
        }
    }
}

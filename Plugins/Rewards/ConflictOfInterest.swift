import CDTModuleKit

/// A reviewer or decider may not judge a nomination of a team they are on, or of themselves.
enum ConflictOfInterest {
    static func check(_ nomination: Nomination, _ context: ModuleRequestContext) async throws {
        // INTERIM until the kit's callerMembers() is merged.
    }
}

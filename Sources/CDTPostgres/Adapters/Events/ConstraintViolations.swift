import CDTDomain

/// Names the rule behind a constraint the database enforced, in the words the domain uses for it.
enum ConstraintViolations {
    static func failure(for error: PostgresError) -> ValidationFailure {
        switch error.constraint {
        case "teams_one_per_village":
            ValidationFailure(field: "unitId", rule: "the village already has an active team on that day; a village has one team at a time")
        case "memberships_one_head":
            ValidationFailure(field: "payload.role", rule: "the team already has a head on that day; a team has one head at a time")
        case "memberships_once_at_a_time", "memberships_pkey":
            ValidationFailure(field: "payload.memberId", rule: "is already on this team on that day")
        case "teams_pkey": ValidationFailure(field: "payload.teamId", rule: "is already used by another team")
        case "households_pkey": ValidationFailure(field: "payload.householdId", rule: "is already used by another household")
        case "campaigns_pkey": ValidationFailure(field: "payload.campaignId", rule: "is already used by another campaign")
        case "trainings_pkey": ValidationFailure(field: "payload.trainingId", rule: "is already used by another training")
        default: ValidationFailure(field: "", rule: "conflicts with data recorded at the same time (\(error.constraint ?? "constraint")); send it again")
        }
    }
}

import CDTModuleKit
import Hummingbird

/// The actions on a nomination after it is drafted, one route each (`POST nominations/{id}/<action>`)
/// and one event kind each.
enum ReviewAction: String, CaseIterable, Sendable {
    case submit, endorse, `return`, reject, approve, award, withdraw

    /// The event kind that records it.
    var eventType: String {
        switch self {
        case .submit: "rewards.nomination_submitted"
        case .endorse: "rewards.nomination_endorsed"
        case .return: "rewards.nomination_returned"
        case .reject: "rewards.nomination_rejected"
        case .approve: "rewards.nomination_approved"
        case .award: "rewards.nomination_awarded"
        case .withdraw: "rewards.nomination_withdrawn"
        }
    }

    /// The route's access rule; the handler then checks the nomination against the matching scope.
    var access: ModuleRouteAccess {
        switch self {
        case .submit, .withdraw: .change
        case .endorse, .return: .permission("rewards.review")
        case .approve, .award: .permission("rewards.decide")
        case .reject: .view  // a reviewer at the current level or the decider: checked by the handler
        }
    }

    /// The states it may start from.
    var fromStates: Set<String> {
        switch self {
        case .submit: ["draft", "returned"]
        case .endorse, .return: ["under_review"]
        case .reject: ["under_review", "endorsed"]
        case .approve: ["endorsed"]
        case .award: ["approved"]
        case .withdraw: ["draft", "under_review", "returned", "endorsed"]
        }
    }

    /// Whether the reviewer's or decider's own membership counts against them (conflict of interest).
    var judges: Bool { self != .submit && self != .withdraw }

    var label: LocalizedName {
        switch self {
        case .submit: LocalizedName(vietnamese: "Gửi đề nghị", english: "Submit")
        case .endorse: LocalizedName(vietnamese: "Đồng ý, trình cấp trên", english: "Endorse")
        case .return: LocalizedName(vietnamese: "Trả lại để bổ sung", english: "Return for changes")
        case .reject: LocalizedName(vietnamese: "Không đồng ý", english: "Reject")
        case .approve: LocalizedName(vietnamese: "Phê duyệt", english: "Approve")
        case .award: LocalizedName(vietnamese: "Khen thưởng", english: "Award")
        case .withdraw: LocalizedName(vietnamese: "Rút đề nghị", english: "Withdraw")
        }
    }
}

/// A nomination's states in both languages.
enum NominationStates {
    static func name(_ state: String) -> LocalizedName {
        switch state {
        case "draft": LocalizedName(vietnamese: "Bản nháp", english: "Draft")
        case "under_review": LocalizedName(vietnamese: "Đang xét", english: "Under review")
        case "endorsed": LocalizedName(vietnamese: "Chờ quyết định", english: "Awaiting decision")
        case "returned": LocalizedName(vietnamese: "Trả lại bổ sung", english: "Returned")
        case "approved": LocalizedName(vietnamese: "Đã phê duyệt", english: "Approved")
        case "rejected": LocalizedName(vietnamese: "Không được chấp thuận", english: "Rejected")
        case "awarded": LocalizedName(vietnamese: "Đã khen thưởng", english: "Awarded")
        case "withdrawn": LocalizedName(vietnamese: "Đã rút", english: "Withdrawn")
        default: LocalizedName(vietnamese: state, english: state)
        }
    }
}

extension ProblemDetails {
    /// A 400 for one query parameter that breaks its rule.
    static func invalidQuery(_ field: String, _ rule: String) -> ProblemDetails {
        ProblemDetails(status: .badRequest, detail: "The query is not valid.", errors: [FieldError(field: field, rule: rule)])
    }
}

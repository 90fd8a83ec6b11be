import CDTModuleKit
import Foundation
import Hummingbird

/// The module's HTTP answers. The server has already checked the caller's access rule and that the
/// module is enabled for a province they reach; scopes in the context are narrowed to those provinces.
enum PracticeRoutes {
    struct PracticeList: ResponseEncodable {
        var items: [Practice]
    }

    static func list(_ request: Request, _ context: ModuleRequestContext) async throws -> PracticeList {
        let query = request.queryText("q")
        if let query, query.count > 100 {
            throw ProblemDetails(status: .badRequest, detail: "The query is too long.", errors: [.init(field: "q", rule: "must be at most 100 characters")])
        }
        // One province's settings apply when the caller sees one province; the defaults otherwise.
        let settings = context.provinces.count == 1 ? context.settings(for: context.provinces.first!) : GoodPracticesModule().settings.defaults
        let items = try await PracticeStore.list(
            within: context.viewScope, matching: query, endorsedFirst: settings.bool("endorsedFirst"), limit: settings.integer("pageSize"),
            context.module.database)
        return PracticeList(items: items)
    }

    static func detail(_ request: Request, _ context: ModuleRequestContext) async throws -> Practice {
        guard let (practice, _, _) = try await PracticeStore.practice(try context.id("id"), within: context.viewScope, context.module.database) else {
            throw ProblemDetails(status: .notFound, detail: "No such practice in your area.")
        }
        return practice
    }

    struct Endorsement: Codable {
        var note: String
    }

    static func endorse(_ request: Request, _ context: ModuleRequestContext) async throws -> Practice {
        let body = try await context.decode(Endorsement.self, from: request)
        var check = Validator()
        check.text(body.note, "note", maximumLength: 500)
        do { try check.finish() } catch { throw ProblemDetails.unprocessable(error) }
        let id: ID<DomainEvent> = try context.id("id")
        let database = context.module.database
        guard let (endorsed, province, path) = try await PracticeStore.practice(id, within: context.viewScope, database) else {
            throw ProblemDetails(status: .notFound, detail: "No such practice in your area.")
        }
        guard context.scope(for: "good-practices.endorse").contains(path: path), let account = context.caller.accountID else {
            throw ProblemDetails(status: .forbidden, detail: "You may endorse practices only in the area of your curator role.")
        }
        try await database.withTransaction { tx in
            // The endorsement is a state change of the module: an event of its own in the log, with the row.
            let event = try GoodPracticesModule.practiceEndorsed.event(
                in: endorsed.unitId, by: account.rawValue, at: context.module.now(), PracticeEndorsed(practiceId: id, note: body.note))
            try await context.record(event, in: tx)
            try await PracticeStore.endorse(id, province: province, by: account, note: body.note, tx)
            try await context.audit(action: "endorsement.set", unit: endorsed.unitId, subject: id.description, details: ["note": body.note], in: tx)
        }
        guard let (practice, _, _) = try await PracticeStore.practice(id, within: context.viewScope, database) else {
            throw ProblemDetails(status: .notFound, detail: "No such practice in your area.")
        }
        return practice
    }
}

import CDTModuleKit
import Hummingbird

/// What `/openapi.json` says about the module's routes.
enum PracticeDocumentation {
    /// The schemas the routes name.
    static func registerSchemas(_ routes: inout ModuleRoutes) {
        routes.schema("Practice", .object([
            "id": APISchema.uuid.described("The id of the `good-practices.practice_shared` event that shared it."),
            "unitId": APISchema.uuid.described("Where it was shared."),
            "title": .string,
            "summary": .string,
            "link": APISchema.string.described("A link to more, when the author gave one."),
            "sharedAt": .dateTime,
            "endorsed": .boolean,
            "endorsementNote": APISchema.string.described("The curator's note, when endorsed."),
        ], optional: ["link", "endorsementNote"]))
        routes.schema("PracticeList", .object(["items": .array(of: .reference("Practice"))]))
    }

    static let list = RouteDocumentation(
        summary: "Practices shared in the caller's area",
        description: "The practices shared in the caller's view scope, endorsed ones first when the province's setting says so, "
            + "as many as the setting `pageSize` (the defaults when the caller sees several provinces).",
        parameters: [.query("q", .text(maximumLength: 100), "Only practices whose title or summary contains this text, compared without diacritics or case.")],
        answer: .json(.reference("PracticeList"), "The practices."),
        errors: [.badRequest])

    static let detail = RouteDocumentation(
        summary: "One practice",
        parameters: [.path("id", .uuid, "The practice.")],
        answer: .json(.reference("Practice"), "The practice."))

    static let endorse = RouteDocumentation(
        summary: "Endorse a practice",
        description: "Marks the practice endorsed with a note, for curators (`good-practices.curator`) in whose area it lies; "
            + "recorded in the event log as `good-practices.practice_endorsed` and in the audit log.",
        parameters: [.path("id", .uuid, "The practice.")],
        body: .object(["note": .text(maximumLength: 500)], closed: true),
        answer: .json(.reference("Practice"), "The practice, endorsed."),
        errors: [.unprocessableContent])
}

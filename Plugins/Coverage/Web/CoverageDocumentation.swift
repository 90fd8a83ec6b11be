import CDTModuleKit
import Hummingbird

/// What `/openapi.json` says about the module's routes.
enum CoverageDocumentation {
    /// The schemas the routes name.
    static func registerSchemas(_ routes: inout ModuleRoutes) {
        routes.schema("Unit", .object([
            "id": APISchema.string.described("The unit's id, or `nation` for the whole country."),
            "level": APISchema.string.described("`nation`, `province`, `commune` or `village`."),
            "name": .string,
            "parentId": .uuid,
            "path": APISchema.string.described("The ids from the province down, `/`-separated (empty for the nation)."),
            "provinceId": .uuid,
        ], optional: ["parentId", "provinceId"]))
        routes.schema("Figure", .object([
            "metric": APISchema.string.described("A key of `GET metrics`."),
            "label": .core("LocalizedName"),
            "value": APISchema.number.described("Left out when there is nothing to count (a share of zero eligible households)."),
            "change": APISchema.number.described("The change since the day before `from`, when `from` was given."),
            "isShare": .boolean,
            "apportioned": APISchema.boolean.described("Whether part of the value was shared out across a reorganization."),
        ], optional: ["label", "value", "change"]))
        routes.schema("Figures", .object([
            "unit": .reference("Unit"),
            "ancestors": .array(of: .reference("Unit")),
            "at": .date,
            "from": .date,
            "hierarchy": .oneOf(["current", "asOf"]),
            "figures": .array(of: .reference("Figure")),
            "children": .array(of: .object(["unit": .reference("Unit"), "figures": .array(of: .reference("Figure"))])),
        ], optional: ["from"]))
        routes.schema("Ranking", .object([
            "unit": .reference("Unit"),
            "metric": .string,
            "at": .date,
            "items": .array(of: .object(["rank": .integer, "unit": .reference("Unit"), "value": .number], optional: ["value"])),
        ]))
        routes.schema("Series", .object([
            "unit": .reference("Unit"),
            "metric": .string,
            "label": .core("LocalizedName"),
            "interval": .oneOf(["day", "week", "month"]),
            "isShare": .boolean,
            "points": .array(of: .object(["bucket": .date, "value": .number], optional: ["value"])),
        ]))
        routes.schema("MetricList", .object(["items": .array(of: .object([
            "key": .string, "label": .core("LocalizedName"), "isShare": .boolean, "numerator": .string, "denominator": .string,
        ], optional: ["numerator", "denominator"]))]))
        routes.schema("Target", .object(["id": .uuid, "unitId": .uuid, "metric": .string, "value": .number, "deadline": .date]))
        routes.schema("TargetList", .object(["items": .array(of: .object([
            "unit": .reference("Unit"),
            "label": .core("LocalizedName"),
            "isShare": .boolean,
            "assessment": .object([
                "target": .reference("Target"),
                "current": .number, "progress": .number, "gap": .number, "pacePerDay": .number, "projected": .number, "daysLeft": .integer,
                "status": .oneOf(["reached", "onPace", "behind", "missed"]),
            ]),
        ]))]))
        routes.schema("CampaignList", .object(["items": .array(of: .object([
            "id": .uuid, "name": .string, "scopeUnitId": .uuid, "startsOn": .date, "endsOn": .date, "closedOn": .date,
            "householdsVisited": .integer, "householdsWithTargetSkill": .integer, "membersTrained": .integer,
            "targets": .array(of: .core("CampaignTarget")),
        ], optional: ["closedOn"]))]))
    }

    /// The query parameters of every answer about a unit and a period.
    static let unitAndPeriod: [APIParameter] = [
        .query("unit", .string, "A unit's id, or `nation`; by default the top of the caller's area."),
        .query("at", .date, "The day the figures are for; by default today."),
        .query("from", .date, "The start of the period the changes are counted over; by default the province's default period."),
        .query("hierarchy", .oneOf(["current", "asOf"]), "`current` (today's units, the default) or `asOf` (the units in force on `at`)."),
    ]
    static let metric = APIParameter.query("metric", .string, "A key of `GET metrics`.")
    static let metricChoice = APIParameter.query(
        "metrics", .string,
        "Keys of `GET metrics`, comma-separated (`households,householdsVisited.share`): only these figures, in the order of `GET metrics`; every metric by default. An unknown key answers 400 naming `metrics`.")
    static let order = APIParameter.query("order", .oneOf(["desc", "asc"]), "Highest first (`desc`, the default) or lowest first.")
    static let interval = APIParameter.query("interval", .oneOf(["day", "week", "month"]), "The buckets; by default the province's setting.")
    static let language = APIParameter.query("lang", .oneOf(["vi", "en"]), "The language of the labels; Vietnamese by default.")
    /// A unit outside the caller's area answers 404, one not in force 422, a broken parameter 400.
    static let unitErrors: [HTTPResponse.Status] = [.badRequest, .unprocessableContent]

    static let figures = RouteDocumentation(
        summary: "A unit's figures and its children's (drill-down)",
        parameters: unitAndPeriod + [metricChoice], answer: .json(.reference("Figures"), "The figures."), errors: unitErrors)
    static let ranking = RouteDocumentation(
        summary: "A unit's children ranked by a metric",
        parameters: unitAndPeriod + [metric, order], answer: .json(.reference("Ranking"), "The children, ranked."), errors: unitErrors)
    static let series = RouteDocumentation(
        summary: "A metric over time by day, week or month",
        parameters: unitAndPeriod + [metric, interval], answer: .json(.reference("Series"), "The metric's value at each bucket."), errors: unitErrors)
    static let metrics = RouteDocumentation(
        summary: "The metrics, with their labels", answer: .json(.reference("MetricList"), "Every metric."))
    static let targets = RouteDocumentation(
        summary: "Targets on a unit and below, with progress and pace",
        parameters: unitAndPeriod, answer: .json(.reference("TargetList"), "The targets, assessed today."), errors: unitErrors)
    static let setTarget = RouteDocumentation(
        summary: "Set a target (national and province administrators)",
        description: "A value to reach for a metric on a unit by a deadline; a share is from 0 to 1. Setting the same unit, metric and deadline again replaces the value.",
        body: .object(["unitId": .uuid, "metric": .string, "value": .number, "deadline": .date], closed: true),
        answer: .json(.reference("Target"), "The target as stored."), errors: [.unprocessableContent])
    static let deleteTarget = RouteDocumentation(
        summary: "Remove a target",
        parameters: [.path("id", .uuid, "The target.")], answer: .noContent("Removed."))
    static let campaigns = RouteDocumentation(
        summary: "Campaigns' progress against their targets",
        parameters: unitAndPeriod, answer: .json(.reference("CampaignList"), "Campaigns over, under or above the unit, newest first."), errors: unitErrors)
    static let export = RouteDocumentation(
        summary: "Any table as CSV (UTF-8 with BOM)",
        parameters: [.query("table", .oneOf(["figures", "ranking", "series", "targets", "campaigns"]), "Which table; `figures` by default.")]
            + unitAndPeriod + [metric, order, interval, language],
        answer: .text("text/csv", "The table, as an attachment."), errors: unitErrors)
    static let dashboard = RouteDocumentation(
        summary: "The dashboard page (HTML)",
        parameters: unitAndPeriod + [language, .query("q", .text(maximumLength: 100), "Only child units whose name contains this text.")],
        answer: .text("text/html", "The page."), errors: unitErrors)
}

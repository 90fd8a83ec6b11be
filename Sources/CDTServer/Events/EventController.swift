import CDTModuleKit
import CDTDomain
import CDTPostgres
import Foundation
import Hummingbird

/// The event log under `/api/v1/events`: every change and piece of work is submitted here.
/// - `POST /api/v1/events`: one event. 201 when stored, 200 when it was stored before (a resend),
///   409 when its id was used for a different event, 422 when it breaks a rule, 400 when it is malformed.
/// - `POST /api/v1/events/batch`: `{"events": [...]}`, up to ``batchLimit`` events, each applied whole
///   or not at all; the answer gives each event's outcome.
/// - `GET /api/v1/events?under=&type=&from=&until=&limit=&cursor=`: stored events in recorded order.
/// - `GET /api/v1/events/{id}`: one stored event.
///
/// Every object an event names is checked against what its sender may change (``EventAuthority``): 403
/// (in a batch, `rejected`) when one lies outside. Events read back carry members' personal data only as
/// `/members` would show it to the reader (``MemberDisclosure``).
struct EventController: Sendable {
    let log: PostgresEventLog
    let visibility: Visibility
    /// Where members are, for masking their personal data in events read back.
    let work: any WorkStore
    /// Single events sent at the same moment share a transaction (see ``SharedCommits``).
    let commits: SharedCommits
    /// The kinds of event the installed modules declare: a submitted event of one is checked by it.
    let catalog: ModuleEventCatalog
    /// Where each module is enabled: a module's event is refused in a province that has not turned it on.
    let enablements: ModuleEnablements

    init(log: PostgresEventLog, visibility: Visibility, work: any WorkStore, catalog: ModuleEventCatalog, enablements: ModuleEnablements) {
        self.log = log
        self.enablements = enablements
        self.catalog = catalog
        self.visibility = visibility
        self.work = work
        self.commits = SharedCommits(log: log)
    }

    /// The most events one batch may hold.
    static let batchLimit = 1000
    /// The largest body of one event, and of a batch.
    static let eventBodyLimit = 64 * 1024
    static let batchBodyLimit = 4 * 1024 * 1024

    func addRoutes(to group: RouterGroup<AppRequestContext>, checkpoint: AccessCheckpoint) {
        checkpoint.post("", on: group, access: .recordWork, use: submit)
        checkpoint.post("batch", on: group, access: .recordWork, use: submitBatch)
        checkpoint.get("", on: group, access: .viewWork, use: list)
        checkpoint.get("{id}", on: group, access: .viewWork, use: detail)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<SubmittedEventResponse> {
        let body = try await JSONInput.body(of: request, limit: Self.eventBodyLimit)
        // The most frequent events read without JSONDecoder; anything else (or anything wrong) the decoder's way.
        let decoded = try EventJSONScanner.submittedEvent(body) ?? JSONBody.decode(DomainEvent.self, fromJSON: body, detail: "The event is malformed.")
        if decoded.recordedAt != nil {
            throw ProblemDetails(status: .badRequest, detail: "The event is malformed.", errors: [.init(field: "recordedAt", rule: "is set by the server, not sent")])
        }
        let event: DomainEvent
        do {
            event = try catalog.submitted(decoded)
        } catch {
            let unknownType = error.violations.contains { $0.field == "type" }
            throw ProblemDetails(status: unknownType ? .badRequest : .unprocessableContent,
                                 detail: unknownType ? "The event is malformed." : "The event breaks a rule; nothing was recorded.",
                                 errors: error.violations.map(ProblemDetails.FieldError.init))
        }
        let caller = try context.requireCaller()
        if !(try await visibility.outsideChangeScope([event.unitID], of: caller)).isEmpty {
            throw ProblemDetails(status: .forbidden, detail: "You may not record work in that unit.",
                                 errors: [.init(field: "unitId", rule: Self.outsideRule)])
        }
        if let module = catalog.moduleID(of: event.type), try await enablements.unitsWhereEnabled(module, among: [event.unitID]).isEmpty {
            throw ProblemDetails(status: .unprocessableContent, detail: "The event breaks a rule; nothing was recorded.",
                                 errors: [.init(field: "type", rule: Self.moduleOffRule(module))])
        }
        if event.type.changesTheHierarchy, !(try await visibility.outsideScope([event.unitID], of: caller, for: .manageUnits)).isEmpty {
            throw ProblemDetails(status: .forbidden, detail: "Only the province's administrators may change its villages.",
                                 errors: [.init(field: "type", rule: Self.villagesRule)])
        }
        switch try await commits.append(event, recordedBy: Self.recorder(caller), authority: Self.authority(caller), scope: RowScope.current ?? .noProvince) {
        case .accepted(let recordedAt):
            return EditedResponse(status: .created, response: SubmittedEventResponse(outcome: "accepted", event: EventResponse(event: event.recorded(at: recordedAt))))
        case .duplicate:
            let stored = try await log.event(event.id) ?? event
            let shown = try await MemberDisclosure.of([stored], to: caller, store: work).shown(stored)
            return EditedResponse(status: .ok, response: SubmittedEventResponse(outcome: "duplicate", event: EventResponse(event: shown)))
        case .conflict:
            throw ProblemDetails(status: .conflict, detail: "An event with id \(event.id) was recorded with a different body.",
                                 errors: [.init(field: "id", rule: "must not reuse the id of a different event")])
        case .rejected(let failure):
            throw ProblemDetails(status: .unprocessableContent, detail: "The event breaks a rule; nothing was recorded.",
                                 errors: failure.violations.map(ProblemDetails.FieldError.init))
        case .forbidden(let failure):
            throw ProblemDetails(status: .forbidden, detail: "The event names something you may not change; nothing was recorded.",
                                 errors: failure.violations.map(ProblemDetails.FieldError.init))
        }
    }

    @Sendable func submitBatch(_ request: Request, context: AppRequestContext) async throws -> BatchResponse {
        let body = try await JSONInput.body(of: request, limit: Self.batchBodyLimit)
        let items = try batchItems(body)
        var results: [BatchResult?] = Array(repeating: nil, count: items.count)
        var events: [(index: Int, event: DomainEvent)] = []
        var malformed = false
        for (index, item) in items.enumerated() {
            do throws(ValidationFailure) {
                // A key given twice or a NUL character refuses this event alone, not the batch.
                if !item.problems.isEmpty { throw ValidationFailure(item.problems) }
                let decoded = try item.decode(prefix: "events[\(index)]")
                let event = try catalog.submitted(decoded, prefix: "events[\(index)]")
                if event.recordedAt != nil { throw ValidationFailure(field: "events[\(index)].recordedAt", rule: "is set by the server, not sent") }
                events.append((index, event))
            } catch {
                malformed = malformed || BatchItem.isMalformed(error)
                results[index] = BatchResult(index: index, id: item.id, outcome: "rejected", errors: error.violations.map(ProblemDetails.FieldError.init))
            }
        }
        // An event whose bytes are not JSON makes the body malformed: parsed whole, it is refused as one.
        if malformed { _ = try parsedBatchItems(body) }
        let caller = try context.requireCaller()
        let outside = try await visibility.outsideChangeScope(events.map(\.event.unitID), of: caller)
        let villages = events.filter { $0.event.type.changesTheHierarchy }.map(\.event.unitID)
        let unmanaged = villages.isEmpty ? [] : try await visibility.outsideScope(villages, of: caller, for: .manageUnits)
        var enabledUnits: [String: Set<ID<AdministrativeUnit>>] = [:]
        for module in Set(events.compactMap({ catalog.moduleID(of: $0.event.type) })) {
            enabledUnits[module] = try await enablements.unitsWhereEnabled(module, among: events.filter { catalog.moduleID(of: $0.event.type) == module }.map(\.event.unitID))
        }
        events.removeAll { item in
            if outside.contains(item.event.unitID) {
                results[item.index] = BatchResult(index: item.index, id: item.event.id.description, outcome: "rejected",
                                                  errors: [.init(field: "events[\(item.index)].unitId", rule: Self.outsideRule)])
                return true
            }
            if let module = catalog.moduleID(of: item.event.type), enabledUnits[module]?.contains(item.event.unitID) != true {
                results[item.index] = BatchResult(index: item.index, id: item.event.id.description, outcome: "rejected",
                                                  errors: [.init(field: "events[\(item.index)].type", rule: Self.moduleOffRule(module))])
                return true
            }
            if item.event.type.changesTheHierarchy, unmanaged.contains(item.event.unitID) {
                results[item.index] = BatchResult(index: item.index, id: item.event.id.description, outcome: "rejected",
                                                  errors: [.init(field: "events[\(item.index)].type", rule: Self.villagesRule)])
                return true
            }
            return false
        }
        let outcomes = events.isEmpty ? [] : try await log.append(
            events.map(\.event), recordedBy: Array(repeating: Self.recorder(caller), count: events.count),
            authorities: Array(repeating: Self.authority(caller), count: events.count))
        for ((index, event), outcome) in zip(events, outcomes) {
            results[index] = BatchResult(index: index, id: event.id.description, outcome: outcome)
        }
        let all = results.compactMap { $0 }
        return BatchResponse(
            accepted: all.count { $0.outcome == "accepted" }, duplicates: all.count { $0.outcome == "duplicate" },
            conflicts: all.count { $0.outcome == "conflict" }, rejected: all.count { $0.outcome == "rejected" },
            results: all)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> PageResponse<EventResponse> {
        var parameters = QueryParameters(request)
        var filter = EventFilter(
            underUnitID: parameters.id("under", of: AdministrativeUnit.self),
            types: parameters.eventTypes("type"),
            occurredFrom: parameters.optionalDate("from"),
            occurredUntil: parameters.optionalDate("until"))
        let page = parameters.page(cursor: [.integer])
        try parameters.validate()
        let caller = try context.requireCaller()
        filter.within = caller.access.scope(for: .view)
        let result = try await log.events(matching: filter, page: page)
        let disclosure = try await MemberDisclosure.of(result.items, to: caller, store: work)
        return PageResponse(items: result.items.map { EventResponse(event: disclosure.shown($0)) }, nextCursor: result.next?.token)
    }

    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> EventResponse {
        let id = try PathID.parse(context, as: DomainEvent.self, name: "event")
        guard let event = try await log.event(id) else { throw ProblemDetails(status: .notFound, detail: "No event has id \(id).") }
        let caller = try context.requireCaller()
        try await visibility.requireVisible(event.unitID, to: caller, notFound: "No event has id \(id).")
        return EventResponse(event: try await MemberDisclosure.of([event], to: caller, store: work).shown(event))
    }

    static let outsideRule = "must name a unit where you may record work"
    static let villagesRule = "village events are recorded by the province's administrators"
    static func moduleOffRule(_ module: String) -> String { "is an event of the module '\(module)', which is not enabled in the unit's province" }

    /// What the caller may name in the events they record (see ``EventAuthority``).
    static func authority(_ caller: Caller) -> EventAuthority {
        EventAuthority(accountID: caller.account.id.rawValue, access: caller.access)
    }

    /// Who records the events, for the audit log.
    static func recorder(_ caller: Caller) -> AuditEntry {
        AuditEntry(accountID: caller.account.id, clientAddress: caller.clientAddress, action: "event.recorded")
    }

    /// The events of a batch body, each with what ``JSONScan`` found in it, or a 400 naming what is wrong
    /// with the batch as a whole (malformed JSON among them: an event's bytes that do not parse refuse the
    /// batch, not the event). A body of the plain shape `{"events": [ … ]}` is scanned once and each event
    /// decoded from its own bytes; any other is parsed whole, which says what is wrong or decodes it.
    private func batchItems(_ body: Data) throws -> [BatchItem] {
        if let scanned = JSONScan.onlyArray("events", in: body) {
            try Self.requireBatchSize(scanned.elements.count)
            // Each event's own refusals (a key given twice, NUL) and its being JSON at all are its decoding's.
            return scanned.elements.map { BatchItem(bytes: body.subdata(in: $0)) }
        }
        return try parsedBatchItems(body)
    }

    /// ``batchItems(_:)`` for a body parsed whole: the refusals of its shape, or its events as parsed values.
    private func parsedBatchItems(_ body: Data) throws -> [BatchItem] {
        let parsed: Any, found: [Violation]
        do {
            let scanned = try JSONInput.parseKeepingProblems(body)
            parsed = scanned.value
            found = scanned.problems
        } catch {
            throw ProblemDetails(status: .badRequest, detail: "The batch is malformed.", errors: error.violations.map(ProblemDetails.FieldError.init))
        }
        guard let object = parsed as? [String: Any], let items = object["events"] as? [Any] else {
            throw ProblemDetails(status: .badRequest, detail: "The batch is malformed.", errors: [.init(field: "events", rule: "must be an array of events")])
        }
        if let unknown = object.keys.sorted().first(where: { $0 != "events" }) {
            throw ProblemDetails(status: .badRequest, detail: "The batch is malformed.", errors: [.init(field: unknown, rule: "is not a known field")])
        }
        try Self.requireBatchSize(items.count)
        let (problems, outside) = Self.byEvent(found, count: items.count)
        if !outside.isEmpty {
            throw ProblemDetails(status: .badRequest, detail: "The batch is malformed.", errors: outside.map(ProblemDetails.FieldError.init))
        }
        return items.enumerated().map { index, item in BatchItem(parsed: item, problems: problems[index] ?? []) }
    }

    private static func requireBatchSize(_ count: Int) throws {
        guard (1...batchLimit).contains(count) else {
            throw ProblemDetails(status: .badRequest, detail: "The batch holds \(count) events.",
                                 errors: [.init(field: "events", rule: "must hold from 1 to \(batchLimit) events")])
        }
    }

    /// `3` for a field under `events[3]`.
    /// `problems` by the event they are in (`events[3]…` under 3), and those under no event of the `count`.
    private static func byEvent(_ problems: [Violation], count: Int) -> (events: [Int: [Violation]], outside: [Violation]) {
        var events: [Int: [Violation]] = [:], outside: [Violation] = []
        for problem in problems {
            if let index = eventIndex(of: problem.field), index < count { events[index, default: []].append(problem) } else { outside.append(problem) }
        }
        return (events, outside)
    }

    private static func eventIndex(of field: String) -> Int? {
        guard field.hasPrefix("events["), let close = field.firstIndex(of: "]") else { return nil }
        return Int(field[field.index(field.startIndex, offsetBy: 7)..<close])
    }
}

extension BatchResult {
    init(index: Int, id: String, outcome: AppendOutcome) {
        switch outcome {
        case .accepted(let recordedAt): self.init(index: index, id: id, outcome: "accepted", recordedAt: recordedAt)
        case .duplicate(let recordedAt): self.init(index: index, id: id, outcome: "duplicate", recordedAt: recordedAt)
        case .conflict:
            self.init(index: index, id: id, outcome: "conflict", errors: [.init(field: "events[\(index)].id", rule: "must not reuse the id of a different event")])
        case .rejected(let failure), .forbidden(let failure):
            self.init(index: index, id: id, outcome: "rejected",
                      errors: failure.violations.map { .init($0.nested(under: "events[\(index)]")) })
        }
    }
}

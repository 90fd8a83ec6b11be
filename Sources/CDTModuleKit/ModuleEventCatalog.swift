/// The kinds of event the installed modules declare, by type: the server reads each submitted event of a
/// module's kind through it before anything is stored.
public struct ModuleEventCatalog: Sendable {
    private let declarations: [EventType: ModuleEventDeclaration]

    public init(_ manifests: [ModuleManifest]) {
        var declarations: [EventType: ModuleEventDeclaration] = [:]
        for declaration in manifests.flatMap(\.events) {
            declarations[declaration.type] = declaration
            for former in declaration.formerNames.compactMap(EventType.init(rawValue:)) { declarations[former] = declaration }
        }
        self.declarations = declarations
    }

    /// The catalog of the modules `registry` holds.
    public init(_ registry: ModuleRegistry) {
        self.init(registry.modules.map(\.manifest))
    }

    /// The module that declares `type` (by its name or a former name): `nil` for the core's kinds.
    public func moduleID(of type: EventType) -> String? {
        type.isCore ? nil : declarations[type]?.type.moduleID ?? type.moduleID
    }

    /// The declaration of `type` (by its name or a former name), if an installed module declares it.
    public func declaration(of type: EventType) -> ModuleEventDeclaration? { declarations[type] }

    /// `event` as it is stored: a core event as it came; a module's event checked by its declaration
    /// (the version, the payload read strictly as the module's type and its own rules), under the name it
    /// was sent with (a former name too), with the teams and members it names.
    /// - Parameter prefix: where the event sits in the request (`events[3]` in a batch), for field paths.
    /// - Throws: ``ValidationFailure`` naming `type` for a kind no installed module declares or that clients
    ///   may not submit, and the payload's fields for a payload the module refuses.
    public func submitted(_ event: DomainEvent, prefix: String = "") throws(ValidationFailure) -> DomainEvent {
        guard case .module(let body) = event.payload else { return event }
        let path = { (field: String) in prefix.isEmpty ? field : "\(prefix).\(field)" }
        guard let declaration = declarations[body.type] else {
            throw ValidationFailure(field: path("type"), rule: "must be one of the core's event types or one an installed module declares")
        }
        guard declaration.submittedByClients else {
            throw ValidationFailure(field: path("type"), rule: "is recorded by the module '\(declaration.type.moduleID ?? "")' itself, not submitted")
        }
        return try checked(event, body: body, declaration: declaration, prefix: prefix)
    }

    /// `event`, of a module's kind, checked as ``submitted(_:prefix:)`` does but for the module itself to
    /// record (a kind clients may not submit is fine).
    public func recorded(_ event: DomainEvent) throws(ValidationFailure) -> DomainEvent {
        guard case .module(let body) = event.payload else { return event }
        guard let declaration = declarations[body.type] else {
            throw ValidationFailure(field: "type", rule: "must be declared in the recording module's manifest")
        }
        return try checked(event, body: body, declaration: declaration, prefix: "")
    }

    private func checked(_ event: DomainEvent, body: ModuleEventPayload, declaration: ModuleEventDeclaration, prefix: String) throws(ValidationFailure) -> DomainEvent {
        let path = { (field: String) in prefix.isEmpty ? field : "\(prefix).\(field)" }
        guard declaration.versions.contains(event.version) else {
            throw ValidationFailure(field: path("version"), rule: "must be from \(declaration.versions.lowerBound) to \(declaration.versions.upperBound) for \(declaration.type)")
        }
        let checked: ModuleEventPayload
        do {
            checked = try declaration.check(body.json)
        } catch {
            throw ValidationFailure(error.violations.map { $0.nested(under: prefix) })
        }
        // Kept under the name it was sent with: an offline client resending an event it made before the kind
        // was renamed finds it stored once, and the module reads both names.
        let payload = ModuleEventPayload(type: body.type, json: checked.json, references: checked.references)
        return DomainEvent(id: event.id, unitID: event.unitID, authorID: event.authorID, occurredAt: event.occurredAt,
                           recordedAt: event.recordedAt, version: event.version, payload: .module(payload))
    }
}

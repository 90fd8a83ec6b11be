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

    /// The declaration of `type` (by its name or a former name), if an installed module declares it.
    public func declaration(of type: EventType) -> ModuleEventDeclaration? { declarations[type] }

    /// `event` as it is stored: a core event as it came; a module's event checked by its declaration
    /// (the version, the payload read strictly as the module's type and its own rules) and under the type's
    /// current name, with the teams and members it names.
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
        let payload: ModuleEventPayload
        do {
            payload = try declaration.check(body.json)
        } catch {
            throw ValidationFailure(error.violations.map { $0.nested(under: prefix) })
        }
        return DomainEvent(id: event.id, unitID: event.unitID, authorID: event.authorID, occurredAt: event.occurredAt,
                           recordedAt: event.recordedAt, version: event.version, payload: .module(payload))
    }
}

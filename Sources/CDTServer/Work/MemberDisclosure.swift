import CDTDomain

/// What of members' personal data a caller is shown: one rule for `/members` and for the event log.
///
/// - A member's details (name, gender, birth year, affiliations) go to callers who view a team the
///   member is or was on.
/// - Their phone number in full goes to callers who may see phone numbers where such a team works;
///   everyone else sees it masked (`091*****78`).
///
/// A `member.joined` event carries the details the member joined with: the log shows them under the same
/// rule, so paging the log tells nobody more than `/members` would (and an erased member's details are
/// placeholders in both).
struct MemberDisclosure: Sendable {
    /// The members whose details the caller is shown.
    let visible: Set<ID<Member>>
    /// The members whose phone number the caller is shown in full.
    let phones: Set<ID<Member>>

    /// What `caller` is shown of the members `ids`.
    static func of(_ ids: [ID<Member>], to caller: Caller, store: any WorkStore) async throws -> MemberDisclosure {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return MemberDisclosure(visible: [], phones: []) }
        let view = caller.access.scope(for: .view), phone = caller.access.scope(for: .seePhoneNumbers)
        let visible = view.isEmpty ? [] : try await store.members(unique, within: view)
        let phones = phone.isEmpty ? [] : try await store.members(unique, within: phone)
        return MemberDisclosure(visible: visible, phones: phones.intersection(visible))
    }

    /// What `caller` is shown of the members named in `events`' personal data.
    static func of(_ events: [DomainEvent], to caller: Caller, store: any WorkStore) async throws -> MemberDisclosure {
        try await of(events.compactMap(\.personalDataSubject), to: caller, store: store)
    }

    /// The member as the caller is shown them (`nil`: not at all).
    func shown(_ member: Member) -> MemberResponse? {
        guard visible.contains(member.id) else { return nil }
        return MemberResponse(member, showPhone: phones.contains(member.id))
    }

    /// The event as the caller is shown it: a member's details it carries are masked as ``shown(_:)``
    /// masks them, and left out for a member the caller is not shown.
    func shown(_ event: DomainEvent) -> DomainEvent {
        guard case .memberJoined(var body) = event.payload, var person = body.person else { return event }
        if !visible.contains(body.memberId) {
            body.person = nil
        } else {
            if !phones.contains(body.memberId) { person.phone = PhoneMask.mask(Member.normalizedPhone(person.phone) ?? person.phone) }
            body.person = person
        }
        return DomainEvent(id: event.id, unitID: event.unitID, authorID: event.authorID, occurredAt: event.occurredAt,
                           recordedAt: event.recordedAt, version: event.version, payload: .memberJoined(body))
    }
}

extension DomainEvent {
    /// The member whose personal data the event carries, if any (`member.joined` with `person`).
    var personalDataSubject: ID<Member>? {
        if case .memberJoined(let body) = payload, body.person != nil { body.memberId } else { nil }
    }
}

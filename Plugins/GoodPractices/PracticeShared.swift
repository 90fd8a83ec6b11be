public import CDTModuleKit
public import Foundation

/// The payload of `good-practices.practice_shared`: a good practice shared with other localities.
public struct PracticeShared: EventBody {
    public var title: String
    public var summary: String
    public var link: String?

    public init(title: String, summary: String, link: String? = nil) {
        self.title = title
        self.summary = summary
        self.link = link
    }

    public func validate(into check: inout Validator) {
        check.text(title, "title")
        check.text(summary, "summary", maximumLength: 5000)
        if let link { check.require(link.hasPrefix("https://") || link.hasPrefix("http://"), "link", "must be an http(s) link") }
        check.storable(link, "link")
    }
}

/// The payload of `good-practices.practice_endorsed`: a curator endorsed a practice, recorded by the
/// module's endorsement route in the transaction that stores the endorsement.
public struct PracticeEndorsed: EventBody {
    public var practiceId: ID<DomainEvent>
    public var note: String

    public init(practiceId: ID<DomainEvent>, note: String) {
        self.practiceId = practiceId
        self.note = note
    }

    public func validate(into check: inout Validator) {
        check.text(note, "note", maximumLength: 500)
    }
}

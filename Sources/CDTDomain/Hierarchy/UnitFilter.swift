/// Which units a list returns: those in force on a date, optionally narrowed by name, level and place.
public struct UnitFilter: Hashable, Sendable {
    /// The day the units must be in force.
    public var asOf: CalendarDate
    /// Text the name must contain, compared without diacritics or case (`ha noi` finds Hà Nội).
    public var text: String?
    public var level: UnitLevel?
    /// Only the direct children of this unit.
    public var parentID: ID<AdministrativeUnit>?
    /// Only units anywhere below this unit.
    public var underID: ID<AdministrativeUnit>?

    public init(asOf: CalendarDate, text: String? = nil, level: UnitLevel? = nil, parentID: ID<AdministrativeUnit>? = nil, underID: ID<AdministrativeUnit>? = nil) {
        self.asOf = asOf
        self.text = text
        self.level = level
        self.parentID = parentID
        self.underID = underID
    }
}

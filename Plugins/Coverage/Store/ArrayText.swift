import CDTModuleKit
import Foundation

/// PostgreSQL array literals (`{a,b,c}`) written as one text value, for columns whose Swift types are not
/// bound as arrays directly (epochs' starts that may be `-infinity`, the drill-down's day list kept literal
/// for its plan): the statement casts the text (`::text[]`, `::date[]`). Ids, numbers, dates and states are
/// bound as `[UUID]`, `[Double]`, `[CalendarDate]` and `[Data]`, which the client sends in binary form.
enum ArrayText {
    /// `{a,b,…}` of elements that need no quoting (dates, `-infinity`, digits): their text as given.
    static func plain<Element: CustomStringConvertible>(_ elements: [Element]) -> String {
        "{" + elements.map(\.description).joined(separator: ",") + "}"
    }
}

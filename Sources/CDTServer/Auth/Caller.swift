public import CDTDomain
public import CDTPostgres
public import Foundation

/// Who is calling: the signed-in account and what it may do where.
public struct Caller: Sendable {
    public let account: Account
    public let access: CallerAccess
    /// The hash of the session token the request carried.
    public let sessionTokenHash: Data
    /// The session may only turn on two-factor sign-in (an administrator who has not yet).
    public let isEnrollmentOnly: Bool
    public let clientAddress: String?

    /// The provinces whose rows the database lets this caller's requests read (those they may view) and
    /// change (those where they record work or manage accounts), and their own account.
    public var rowScope: RowScope {
        let view = access.scope(for: .view)
        let change = access.scope(for: .change).union(access.scope(for: .manageAccounts))
        return RowScope(allProvinces: view.isNationwide, provinceIDs: view.provinceIDs.map(\.rawValue),
                        changesAllProvinces: change.isNationwide, changeProvinceIDs: change.provinceIDs.map(\.rawValue),
                        accountID: account.id.rawValue)
    }
}

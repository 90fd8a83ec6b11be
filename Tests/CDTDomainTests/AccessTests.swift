import CDTDomain
import Testing

@Suite struct AccessTests {
    let province = ID<AdministrativeUnit>(), otherProvince = ID<AdministrativeUnit>()
    let p = "/p/", c = "/p/c/", v = "/p/c/v/", q = "/q/"

    func placed(_ role: Role, _ path: String?, parent: String? = nil, commune: String? = nil, provincePath: String? = "/p/") -> PlacedAssignment {
        PlacedAssignment(role: role, unitID: path == nil ? nil : ID(), unitPath: path, parentPath: parent, communePath: commune,
                         provincePath: path == nil ? nil : provincePath,
                         provinceID: path == nil ? nil : province)
    }

    @Test func aCommuneOfficerChangesTheCommuneAndViewsTheProvince() {
        let access = CallerAccess(assignments: [placed(.communeOfficer, c, parent: p)])
        #expect(access.scope(for: .change).contains(path: v))
        #expect(!access.scope(for: .change).contains(path: "/p/d/"))
        #expect(access.scope(for: .view).contains(path: "/p/d/x/"))
        #expect(!access.scope(for: .view).contains(path: q))
        #expect(access.scope(for: .manageAccounts).isEmpty)
        #expect(access.scope(for: .view).provinceIDs == [province])
    }

    @Test func nationalRolesReachEverywhereAndViewersChangeNothing() {
        let viewer = CallerAccess(assignments: [placed(.nationalViewer, nil)])
        #expect(viewer.scope(for: .view).isNationwide && viewer.scope(for: .view).contains(path: q))
        #expect(viewer.scope(for: .change).isEmpty)
        let auditor = CallerAccess(assignments: [placed(.auditor, p)])
        #expect(auditor.scope(for: .change).isEmpty && auditor.scope(for: .readAudit).contains(path: v))
    }

    @Test func administratorsGrantOnlyInsideTheirSubtreeAndNoMoreThanTheyHold() {
        let admin = CallerAccess(assignments: [placed(.provinceAdministrator, p)])
        #expect(admin.mayGrant(.communeOfficer, at: placed(.communeOfficer, c, parent: p)))
        #expect(admin.mayGrant(.provinceAdministrator, at: placed(.provinceAdministrator, p)))
        #expect(!admin.mayGrant(.communeOfficer, at: placed(.communeOfficer, "/q/c/", parent: q, provincePath: q)))
        #expect(!admin.mayGrant(.nationalViewer, at: placed(.nationalViewer, nil)))
        let officer = CallerAccess(assignments: [placed(.communeOfficer, c, parent: p)])
        #expect(!officer.mayGrant(.member, at: placed(.member, v, parent: c)))
        let national = CallerAccess(assignments: [placed(.nationalAdministrator, nil)])
        #expect(national.mayGrant(.nationalAdministrator, at: placed(.nationalAdministrator, nil)))
        #expect(national.requiresTwoFactor && admin.requiresTwoFactor && !officer.requiresTwoFactor)
    }

    @Test func scopesMergeNestedPaths() {
        let scope = AccessScope(paths: [p, c, q])
        #expect(scope.paths == [p, q])
        #expect(AccessScope.nowhere.union(.nationwide).isNationwide)
    }
}

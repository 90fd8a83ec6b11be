import CDTDomain
import CDTModuleKit
import CDTPostgres
import CDTTesting
import Foundation
import HTTPTypes
import Testing
@testable import CDTCoverage

/// Work in both test provinces: a team and two households in village A1 (one visited, mastering
/// cashless payment), one in village B1, visited.
func recordWork(_ harness: ModuleTestHarness) async throws {
    let units = harness.units, events = harness.events
    var work: [DomainEvent] = []
    for (village, commune, phone) in [(units.villageA1, units.communeA, "0912000001"), (units.villageB1, units.communeB, "0912000002")] {
        let team = ID<Team>(), member = ID<Member>()
        work.append(events.event(village, minute: 0, .teamEstablished(TeamEstablished(
            teamId: team, name: "Tổ CNSCĐ", decision: EstablishmentDecision(number: "1/QĐ-UBND", date: CalendarDate("2025-07-20")!, signer: "Trần Thị Bình", issuingUnitID: commune)))))
        work.append(events.event(village, minute: 1, .memberJoined(MemberJoined(
            teamId: team, memberId: member, role: .head, person: PersonDetails(name: "Lò Văn Cường", phone: phone, gender: .male, birthYear: 1990)))))
        let household = ID<Household>()
        work.append(events.event(village, minute: 2, .householdRegistered(HouseholdDetails(householdId: household, size: 4))))
        work.append(events.event(village, minute: 3, .householdVisited(HouseholdVisited(
            householdId: household, memberIds: [member], skills: SkillOutcomes(onlinePayment: .mastered)))))
        if village == units.villageA1 {
            work.append(events.event(village, minute: 4, .householdRegistered(HouseholdDetails(householdId: ID(), size: 1, notApplicable: .movedAway))))
        }
    }
    let outcomes = try await harness.append(work)
    #expect(outcomes.allSatisfy { if case .accepted = $0 { true } else { false } })
    try await harness.catchUp()
}

/// A harness with the module enabled in `provinces` and ``recordWork(_:)`` delivered.
func harnessWithWork(enabledIn provinces: KeyPath<TestUnits, ID<AdministrativeUnit>>...) async throws -> ModuleTestHarness {
    let harness = try await ModuleTestHarness.make([CoverageModule()])
    for province in provinces { try await harness.enable("coverage", in: harness.units[keyPath: province]) }
    try await recordWork(harness)
    return harness
}

func figure(_ answer: TestAnswer, _ metric: String) -> Double? {
    (answer.json["figures"] as? [[String: Any]] ?? []).first { $0["metric"] as? String == metric }?["value"] as? Double
}

@Suite struct CoverageAccessTests {
    /// A province's people see their province's figures only; a national viewer sees the country, summed
    /// over the provinces where the module is enabled; a province that turns it off drops out.
    @Test func aProvinceSeesOnlyItsOwnFigures() async throws {
        let harness = try await harnessWithWork(enabledIn: \.provinceA, \.provinceB)
        let units = harness.units
        let base = "/api/v1/modules/coverage"
        try await harness.withClient(as: [RoleAssignment(role: .provinceAdministrator, unitID: units.provinceA)]) { admin in
            let own = try await admin.get("\(base)/figures")
            #expect(own.status == .ok)
            #expect((own.json["unit"] as? [String: Any])?["id"] as? String == units.provinceA.description)
            #expect(figure(own, "households") == 2)
            #expect(figure(own, "householdsEligible") == 1)
            #expect(figure(own, "householdsVisited.share") == 1)
            #expect(figure(own, "skill.onlinePayment.share") == 1)
            #expect(figure(own, "villages") == 2)
            #expect(figure(own, "villagesWithTeam.share") == 0.5)
            #expect((own.json["children"] as? [[String: Any]])?.count == 1)
            for path in ["figures?unit=\(units.provinceB)", "figures?unit=\(units.villageB1)", "figures?unit=nation", "ranking?unit=\(units.communeB)",
                         "series?unit=\(units.provinceB)", "export?unit=\(units.provinceB)", "dashboard?unit=\(units.provinceB)", "targets?unit=\(units.provinceB)",
                         "campaigns?unit=\(units.provinceB)"] {
                let answer = try await admin.get("\(base)/\(path)")
                #expect(answer.status == .notFound, "\(path): \(answer.status)")
                #expect(!answer.text.contains("Sài Gòn"))
            }
        }
        try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: units.communeB)]) { officer in
            let own = try await officer.get("\(base)/figures")
            #expect((own.json["unit"] as? [String: Any])?["id"] as? String == units.provinceB.description)
            #expect(figure(own, "households") == 1)
        }
        try await harness.withClient(as: [RoleAssignment(role: .nationalViewer, unitID: nil)]) { viewer in
            let nation = try await viewer.get("\(base)/figures")
            #expect((nation.json["unit"] as? [String: Any])?["id"] as? String == "nation")
            #expect(figure(nation, "households") == 3)
            #expect(figure(nation, "teams") == 2)
            #expect(figure(nation, "villages") == 3)
            #expect((nation.json["children"] as? [[String: Any]])?.count == 2)
            let ranking = try await viewer.get("\(base)/ranking?metric=households")
            #expect(ranking.items.map { $0["rank"] as? Int } == [1, 2])
            #expect(ranking.items.first.flatMap { ($0["unit"] as? [String: Any])?["name"] as? String } == "Thành phố Hà Nội")
            try await harness.disable("coverage", in: units.provinceB)
            let without = try await viewer.get("\(base)/figures")
            #expect(figure(without, "households") == 2)
            #expect(try await viewer.get("\(base)/figures?unit=\(units.provinceB)").status == .notFound)
        }
    }

    /// National administrators set targets anywhere, a province's administrators in their province;
    /// others cannot; the answer says the progress, the gap and whether the pace gets there.
    @Test func administratorsSetTargetsAndSeeThePace() async throws {
        let harness = try await harnessWithWork(enabledIn: \.provinceA, \.provinceB)
        let units = harness.units
        let base = "/api/v1/modules/coverage"
        let target = #"{"unitId": "\#(units.communeA)", "metric": "householdsVisited.share", "value": 0.8, "deadline": "2030-12-31"}"#
        try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: units.communeA)]) { officer in
            let refused = try await officer.post("\(base)/targets", target)
            #expect(refused.status == .forbidden)
        }
        try await harness.withClient(as: [RoleAssignment(role: .provinceAdministrator, unitID: units.provinceA)]) { admin in
            let set = try await admin.post("\(base)/targets", target)
            #expect(set.status == .ok, "\(set.text)")
            let elsewhere = #"{"unitId": "\#(units.communeB)", "metric": "households", "value": 10, "deadline": "2030-12-31"}"#
            #expect(try await admin.post("\(base)/targets", elsewhere).status == .notFound)
            let wrong = try await admin.post("\(base)/targets", #"{"unitId": "\#(units.communeA)", "metric": "households.share", "value": 0, "deadline": "2020-01-01"}"#)
            #expect(wrong.status == .unprocessableContent)
            #expect(Set(wrong.fields) == ["metric", "value", "deadline"])
            let tooMuch = try await admin.post("\(base)/targets", #"{"unitId": "\#(units.communeA)", "metric": "skill.onlinePayment.share", "value": 1.5, "deadline": "2030-12-31"}"#)
            #expect(tooMuch.fields == ["value"])
            let malformed = try await admin.post("\(base)/targets", #"{"unitId": "x"}"#)
            #expect(malformed.status == .badRequest)
            let listed = try await admin.get("\(base)/targets").items
            #expect(listed.count == 1)
            let assessment = listed.first?["assessment"] as? [String: Any]
            // One of the commune's households is out of scope; the other was visited: 100% against 80%.
            #expect(assessment?["current"] as? Double == 1)
            #expect(assessment?["gap"] as? Double == 0)
            #expect(assessment?["status"] as? String == "reached")
            let id = (listed.first?["assessment"] as? [String: Any]).flatMap { ($0["target"] as? [String: Any])?["id"] as? String } ?? ""
            try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: units.communeA)]) { officer in
                let refused = try await officer.send(.delete, "\(base)/targets/\(id)", body: nil)
                #expect(refused.status == .forbidden)
            }
            #expect(try await admin.send(.delete, "\(base)/targets/\(id)", body: nil).status == .noContent)
            #expect(try await admin.get("\(base)/targets").items.isEmpty)
        }
        try await harness.withClient(as: [RoleAssignment(role: .nationalAdministrator, unitID: nil)]) { admin in
            let set = try await admin.post("\(base)/targets", #"{"unitId": "\#(units.provinceB)", "metric": "households", "value": 10, "deadline": "2030-12-31"}"#)
            #expect(set.status == .ok)
            let listed = try await admin.get("\(base)/targets?unit=\(units.provinceB)").items
            let assessment = listed.first?["assessment"] as? [String: Any]
            #expect(assessment?["current"] as? Double == 1)
            #expect(assessment?["gap"] as? Double == 9)
            // No household was added in the last four weeks: the pace does not get there.
            #expect(assessment?["status"] as? String == "behind")
        }
    }

    /// A campaign named like a formula that starts with a minus and a digit stays text in the export.
    @Test func aCampaignNamedMinusOnePlusHyperlinkIsNoFormulaInTheExport() async throws {
        let harness = try await ModuleTestHarness.make([CoverageModule()])
        let units = harness.units
        try await harness.enable("coverage", in: units.provinceA)
        let name = "-1+HYPERLINK(A1)"
        let outcomes = try await harness.append([harness.events.event(units.communeA, minute: 0, .campaignLaunched(CampaignLaunched(
            campaignId: ID(), name: name, startsOn: CalendarDate("2025-08-01")!, endsOn: CalendarDate("2025-12-31")!, targetSkills: [.onlinePayment])))])
        #expect(outcomes.allSatisfy { if case .accepted = $0 { true } else { false } }, "\(outcomes)")
        try await harness.catchUp()
        try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: units.communeA)]) { officer in
            let csv = try await officer.get("/api/v1/modules/coverage/export?table=campaigns&lang=en")
            #expect(csv.status == .ok)
            #expect(csv.text.contains("\r\n'\(name),2025-08-01,"), "\(csv.text)")
            #expect(!csv.text.contains("\r\n\(name)"))
        }
        await harness.close()
    }

    /// Exports are CSV in UTF-8 with a byte-order mark, headers in Vietnamese or English; bad queries
    /// name the field.
    @Test func exportsAndQueries() async throws {
        let harness = try await ModuleTestHarness.make([CoverageModule()])
        let units = harness.units
        try await harness.enable("coverage", in: units.provinceA, settings: ["defaultPeriod": .string("all"), "seriesInterval": .string("month")])
        try await recordWork(harness)
        let base = "/api/v1/modules/coverage"
        try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: units.communeA)]) { officer in
            let csv = try await officer.get("\(base)/export?table=figures")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.text.hasPrefix("\u{FEFF}Đơn vị,Cấp,"))
            #expect(csv.text.contains("\r\nThành phố Hà Nội,province,"))
            #expect(csv.text.contains("\r\nPhường Ba Đình,commune,"))
            let english = try await officer.get("\(base)/export?table=ranking&lang=en&metric=households")
            #expect(english.text.hasPrefix("\u{FEFF}Rank,Unit,Households registered\r\n1,Phường Ba Đình,2\r\n"))
            let series = try await officer.get("\(base)/export?table=series&metric=households&from=2025-06-01&at=2025-09-30&lang=en")
            #expect(series.text == "\u{FEFF}From,Households registered\r\n2025-06-01,0\r\n2025-07-01,0\r\n2025-08-01,2\r\n2025-09-01,2\r\n")
            #expect(try await officer.get("\(base)/export?table=everything").fields == ["table"])
            #expect(try await officer.get("\(base)/export?lang=fr").fields == ["lang"])
            #expect(try await officer.get("\(base)/figures?at=2025-13-01").fields == ["at"])
            #expect(try await officer.get("\(base)/figures?from=2025-09-01&at=2025-08-01").fields == ["from"])
            #expect(try await officer.get("\(base)/figures?hierarchy=then").fields == ["hierarchy"])
            #expect(try await officer.get("\(base)/series?interval=year").fields == ["interval"])
            #expect(try await officer.get("\(base)/ranking?metric=happiness").fields == ["metric"])
            // The province's default period is "all": no change is worked out.
            let figures = try await officer.get("\(base)/figures")
            #expect(figures.json["from"] == nil || figures.json["from"] is NSNull)
            let month = try await officer.get("\(base)/figures?from=2025-08-01&at=2025-08-31")
            let visited = (month.json["figures"] as? [[String: Any]] ?? []).first { $0["metric"] as? String == "householdsVisited" }
            #expect(visited?["change"] as? Double == 1)
        }
    }

    /// The page: Vietnamese by default, English on request, the picker finds units typed without
    /// diacritics, charts carry accessible labels and every figure links to its drill-down; no script.
    @Test func dashboardPage() async throws {
        let harness = try await harnessWithWork(enabledIn: \.provinceA)
        let units = harness.units
        try await harness.withClient(as: [RoleAssignment(role: .communeOfficer, unitID: units.communeA)]) { officer in
            let page = try await officer.get("/api/v1/modules/coverage/dashboard")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(!page.text.contains("<script"))
            #expect(page.text.contains("<html lang=\"vi\">"))
            #expect(page.text.contains("Độ phủ chuyển đổi số cộng đồng"))
            #expect(page.text.contains("data-metric=\"householdsVisited.share\">100,0%</strong>"))
            #expect(page.text.contains("role=\"img\" aria-labelledby=\"bar-chart-title bar-chart-desc\""))
            #expect(page.text.contains("role=\"img\" aria-labelledby=\"line-chart-title line-chart-desc\""))
            #expect(page.text.contains("<a href=\"dashboard?unit=\(units.communeA)\">Phường Ba Đình</a>"))
            let found = try await officer.get("/api/v1/modules/coverage/dashboard?q=ba+dinh")
            #expect(found.text.contains("<ul class=\"matches\"><li><a href=\"dashboard?unit=\(units.communeA)\">Phường Ba Đình</a>"))
            let english = try await officer.get("/api/v1/modules/coverage/dashboard?unit=\(units.communeA)&lang=en")
            #expect(english.text.contains("<html lang=\"en\">"))
            #expect(english.text.contains("Community digital coverage"))
            #expect(english.text.contains("data-metric=\"householdsVisited.share\">100.0%</strong>"))
        }
    }
}

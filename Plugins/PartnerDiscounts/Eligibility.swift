import CDTModuleKit
import Foundation

/// Whether a member may have an offer in its province on a day, checked when they claim it and again when
/// the code is redeemed: on a team active that day (not left, not ended), at a unit in the offer's area;
/// for a leaders-only offer as head or deputy head; for a trained-only offer having attended a training.
enum Eligibility {
    /// Where an eligible member claims from: their team, its unit and commune.
    struct Place: Sendable, Equatable {
        var teamID: ID<Team>
        var unitID: ID<AdministrativeUnit>
        var communeID: ID<AdministrativeUnit>
    }

    enum Verdict: Sendable, Equatable {
        case eligible(Place)
        /// The rule the member does not meet, as a problem's rule text.
        case ineligible(String)

        var place: Place? {
            if case .eligible(let place) = self { return place }
            return nil
        }

        var rule: String? {
            if case .ineligible(let rule) = self { return rule }
            return nil
        }
    }

    static let notOnTeam = "must be open to you: you are not on an active team in the province"
    static let outsideArea = "must be open to you: your team is outside the communes of the offer"
    static let leadersOnly = "must be open to you: it is for team leaders (head or deputy head) only"
    static let trainedOnly = "must be open to you: it is for members who attended a training"

    static func check(_ member: ID<Member>, for offer: OfferRow, on day: CalendarDate,
                      _ run: @Sendable (PostgresQuery) async throws -> PostgresRows, core: CoreReads) async throws -> Verdict {
        let places = try await run("""
            SELECT s.team_id, s.role, t.unit_id,
                   (SELECT a.ancestor_id FROM core_v1.unit_ancestors a JOIN core_v1.units c ON c.id = a.ancestor_id
                    WHERE a.unit_id = t.unit_id AND c.level = 'commune' LIMIT 1)
            FROM core_v1.memberships s JOIN core_v1.teams t ON t.id = s.team_id
            WHERE s.member_id = \(member) AND s.province_id = \(offer.provinceId) AND s.joined_on <= \(day) AND (s.left_on IS NULL OR s.left_on > \(day))
              AND t.established_on <= \(day) AND (t.ended_on IS NULL OR t.ended_on > \(day))
            ORDER BY s.joined_on, s.team_id
            """).decode((ID<Team>, String, ID<AdministrativeUnit>, ID<AdministrativeUnit>?).self)
        guard !places.isEmpty else { return .ineligible(notOnTeam) }
        let inArea = places.filter { offer.communeIds.isEmpty || ($0.3.map(offer.communeIds.contains) ?? false) }
        guard !inArea.isEmpty else { return .ineligible(outsideArea) }
        let leading = offer.leadersOnly ? inArea.filter { $0.1 == "head" || $0.1 == "deputyHead" } : inArea
        guard let chosen = leading.first else { return .ineligible(leadersOnly) }
        if offer.trainedOnly {
            let attended = try await core.trainings(attendedBy: member, from: CalendarDate("2000-01-01")!, until: day)
            guard !attended.isEmpty else { return .ineligible(trainedOnly) }
        }
        return .eligible(Place(teamID: chosen.0, unitID: chosen.2, communeID: chosen.3 ?? chosen.2))
    }
}

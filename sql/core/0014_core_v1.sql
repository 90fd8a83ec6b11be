-- core_v1: the core's data as modules may read it (issue 19). docs/core-views.md is the reference.
--
-- A module's SQL names its own tables and these views, never a core table: the views are the contract,
-- versioned by the schema's name, so the core may change its tables as long as core_v1 keeps answering
-- the same columns. A change a module could notice (a column dropped or renamed, a meaning changed) goes
-- into core_v2 beside this schema, never into it; adding a column or a view is allowed.
--
-- Every view is read-only and `security_invoker`: row-level security of the tables below applies to
-- whoever reads the view (the application role under its cdt.provinces, as everywhere), not to the view's
-- owner. Nothing here widens what a reader sees; personal data (docs/personal-data.md) is left out:
-- no member's phone, gender, birth year or affiliations, no household's label, no team's decision signer
-- or chat link, and no `person` in member.joined events.
--
-- Module tables hold no foreign key to a core table (a module cannot reference a table it cannot name):
-- a module checks what it relies on in Swift when it takes an event in, and the core's tables never lose
-- rows (units close with valid_until, teams end with ended_on, events are append-only), so an id a module
-- kept stays resolvable through these views.

CREATE SCHEMA core_v1;
REVOKE ALL ON SCHEMA core_v1 FROM PUBLIC;

CREATE VIEW core_v1.units WITH (security_invoker = true) AS
    SELECT id, code, name, level, type, parent_id, province_id, path, valid_from, valid_until, search_key, sort_key
    FROM public.administrative_units;
COMMENT ON VIEW core_v1.units IS
    'Administrative units over time (nation, province, district, commune, village). id is the identity (a code is reused across periods); '
    'level is the rank, type the kind word of the name (Xã, Phường, …); parent_id is null for the nation and provinces; province_id is '
    'the tenancy key (a province''s own id for a province, null for the nation); path is ''/<province>/<district>/<commune>/'' of ids, '
    'so a subtree is path LIKE <path> || ''%'' (indexed); in force from valid_from until valid_until (exclusive, null: still in force); '
    'search_key is the name without diacritics, lower-cased; sort_key orders names in Vietnamese order.';

CREATE VIEW core_v1.unit_ancestors WITH (security_invoker = true) AS
    SELECT u.id AS unit_id, a.ancestor_id, a.depth::integer AS depth
    FROM public.administrative_units u
    CROSS JOIN LATERAL unnest(string_to_array(trim(BOTH '/' FROM u.path), '/')::uuid[]) WITH ORDINALITY AS a(ancestor_id, depth);
COMMENT ON VIEW core_v1.unit_ancestors IS
    'Each unit with every unit on its path, itself included: depth 1 is its province, the largest depth the unit itself. '
    'For one unit''s ancestors filter on unit_id; for a subtree prefer core_v1.units with a path prefix, which an index answers.';

CREATE VIEW core_v1.unit_lineage WITH (security_invoker = true) AS
    SELECT predecessor_id, successor_id, kind, share, effective AS effective_on
    FROM public.unit_lineage;
COMMENT ON VIEW core_v1.unit_lineage IS
    'Reorganizations: from effective_on the predecessor carries on as (part of) the successor. kind is merged, split, renamed or moved; '
    'share is the part of the predecessor a split carries over, when known (null otherwise).';

CREATE VIEW core_v1.unit_names WITH (security_invoker = true) AS
    SELECT unit_id, valid_from, valid_until, name, type
    FROM public.unit_name_versions;
COMMENT ON VIEW core_v1.unit_names IS
    'Earlier names and types of a unit whose identity survived a respelling or a change of type, each over the days it was in force '
    '(valid_until exclusive); core_v1.units holds the name in force today.';

CREATE VIEW core_v1.teams WITH (security_invoker = true) AS
    SELECT id, province_id, unit_id, level, name, established_on, ended_on, ending, merged_into AS merged_into_team_id
    FROM public.teams;
COMMENT ON VIEW core_v1.teams IS
    'Community digital technology teams: at a village or commune (level) unit, active from established_on until ended_on (exclusive, '
    'null: active); ending is dissolved or merged, merged_into_team_id the team a merged one went into. No decision signer or chat link.';

CREATE VIEW core_v1.members WITH (security_invoker = true) AS
    SELECT id, province_id, name
    FROM public.members;
COMMENT ON VIEW core_v1.members IS
    'Team members without personal data: id, province and name only (no phone, gender, birth year or affiliations; see '
    'docs/personal-data.md). An erased member keeps its id with a placeholder name.';

CREATE VIEW core_v1.memberships WITH (security_invoker = true) AS
    SELECT team_id, member_id, province_id, role, joined_on, left_on
    FROM public.memberships;
COMMENT ON VIEW core_v1.memberships IS
    'A member''s place on a team with one role (head, deputyHead, member) from joined_on until left_on (exclusive, null: still on it); '
    'a role change ends one row and starts another.';

CREATE VIEW core_v1.households WITH (security_invoker = true) AS
    SELECT id, province_id, unit_id, size, residents, not_applicable, registered_on
    FROM public.households;
COMMENT ON VIEW core_v1.households IS
    'Households as registered today (no names, and no label): size, residents by age band '
    '([{"ageBand", "count", "withSmartphone", "notApplicable", "notApplicableReason"}]), the reason the whole household is out of scope, '
    'if any, and the day it was registered.';

CREATE VIEW core_v1.campaigns WITH (security_invoker = true) AS
    SELECT id, province_id, scope_unit_id, name, starts_on, ends_on, closed_on, target_skills, target_services, targets
    FROM public.campaigns;
COMMENT ON VIEW core_v1.campaigns IS
    'Campaigns over a unit''s subtree (scope_unit_id) from starts_on to ends_on (inclusive), closed early on closed_on if set; '
    'targets is [{"metric", "value"}].';

CREATE VIEW core_v1.trainings WITH (security_invoker = true) AS
    SELECT id, province_id, unit_id, organiser, topic, format, held_on, attendee_count
    FROM public.trainings;
COMMENT ON VIEW core_v1.trainings IS 'Trainings held at a unit on held_on, onSite or online, with their number of attendees.';

CREATE VIEW core_v1.training_attendees WITH (security_invoker = true) AS
    SELECT training_id, member_id, province_id
    FROM public.training_attendees;
COMMENT ON VIEW core_v1.training_attendees IS 'Which members attended which training.';

CREATE VIEW core_v1.events WITH (security_invoker = true) AS
    SELECT position, id, province_id, unit_id, type, version, occurred_at, recorded_at,
           CASE WHEN type = 'member.joined' THEN payload - 'person' ELSE payload END AS payload
    FROM public.events;
COMMENT ON VIEW core_v1.events IS
    'The event log, append-only: position is the order recorded, type and version name the payload''s shape (docs/events.md), '
    'unit_id the unit where the work was recorded and province_id its province (an index serves province_id with occurred_at, '
    'another unit_id with occurred_at). member.joined events come without their person (name and phone): read a member through '
    'core_v1.members. A module following the log should take events from its delivery (FeedEvent), not from this view.';

GRANT USAGE ON SCHEMA core_v1 TO cdt_app;
GRANT SELECT ON ALL TABLES IN SCHEMA core_v1 TO cdt_app;
-- A view a later core migration adds to core_v1 is readable by the application role too, and only readable.
ALTER DEFAULT PRIVILEGES IN SCHEMA core_v1 GRANT SELECT ON TABLES TO cdt_app;

-- What a module's migration calls to have its delivery start again from the beginning of the log in every
-- province (after it emptied its tables for a new shape): its checkpoints and parked events go. Runs under
-- the caller's row scope, so a migration sets cdt.all_provinces first.
--     SELECT set_config('cdt.all_provinces', 'on', true);
--     SELECT cdt_module_restart_delivery('coverage');
CREATE FUNCTION cdt_module_restart_delivery(module text) RETURNS void LANGUAGE sql AS $$
    DELETE FROM module_checkpoints WHERE module_id = module;
    DELETE FROM module_parked_events WHERE module_id = module;
$$;

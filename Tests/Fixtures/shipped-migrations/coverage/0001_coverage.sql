-- Coverage analytics: live figures per unit and day, rolled up along the hierarchy.
--
-- How the figures are kept (docs/coverage.md has the whole story):
-- 1. Each subject (a household, a team, a member's training record) keeps its state and the contributions
--    it currently makes: (unit where recorded, metric, day, +/- value). An event changes a subject; the
--    module works out the subject's new contributions and writes only the difference.
-- 2. coverage_leaf_days sums contributions per unit where recorded, metric and day.
-- 3. coverage_unit_map says where a recorded unit's figures go in each hierarchy epoch (the periods
--    between reorganizations): to the unit itself while it is in force, to its successors through the
--    lineage afterwards (with a share below 1 for a split), and to every ancestor of those.
-- 4. coverage_days and coverage_totals hold the rolled-up figures per epoch, unit, metric (and day):
--    reading a unit's figures is a primary-key lookup, never a scan of the event log.
-- Every table but the hierarchy map carries province_id and goes under row-level security.

-- Built from the event log alone: emptied and replayed by `cdt modules rebuild coverage`.
CREATE TABLE coverage_subjects (
    province_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('household', 'team', 'trainee')),
    id uuid NOT NULL,
    state jsonb NOT NULL,
    -- [[unit, metric, day, value], …]: what the subject adds to coverage_leaf_days now.
    contributions jsonb NOT NULL,
    PRIMARY KEY (province_id, kind, id)
);

CREATE TABLE coverage_leaf_days (
    province_id uuid NOT NULL,
    unit_id uuid NOT NULL,
    metric text NOT NULL,
    day date NOT NULL,
    value double precision NOT NULL,
    PRIMARY KEY (unit_id, metric, day)
);
CREATE INDEX coverage_leaf_days_province ON coverage_leaf_days (province_id);

-- Not tenant data: derived from the hierarchy, which everyone may read (unit_province_id is the province
-- of unit_id, the roll-up rows' tenant).
CREATE TABLE coverage_unit_map (
    leaf_id uuid NOT NULL,
    epoch_start date NOT NULL,
    epoch_end date NOT NULL,
    unit_id uuid NOT NULL,
    unit_province_id uuid NOT NULL,
    share double precision NOT NULL CHECK (share > 0),
    PRIMARY KEY (leaf_id, epoch_start, unit_id)
);
GRANT SELECT, INSERT, DELETE ON coverage_unit_map TO cdt_app;

-- The lineage the map was made from, and the epochs it has (readers use these, so figures never point
-- at an epoch the map does not have yet); a reorganization that changes the lineage remaps everything.
CREATE TABLE coverage_map_state (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    lineage_signature text NOT NULL,
    epoch_starts date[] NOT NULL
);
GRANT SELECT, INSERT, UPDATE, DELETE ON coverage_map_state TO cdt_app;

CREATE TABLE coverage_days (
    province_id uuid NOT NULL,
    epoch_start date NOT NULL,
    unit_id uuid NOT NULL,
    metric text NOT NULL,
    day date NOT NULL,
    value double precision NOT NULL,
    -- Some of the value came through a split whose parts are not known village by village.
    apportioned boolean NOT NULL,
    PRIMARY KEY (unit_id, epoch_start, metric, day)
);

CREATE TABLE coverage_totals (
    province_id uuid NOT NULL,
    epoch_start date NOT NULL,
    unit_id uuid NOT NULL,
    metric text NOT NULL,
    value double precision NOT NULL,
    apportioned boolean NOT NULL,
    PRIMARY KEY (unit_id, epoch_start, metric)
);

CREATE TABLE coverage_campaigns (
    province_id uuid NOT NULL,
    id uuid NOT NULL,
    scope_unit_id uuid NOT NULL,
    scope_path text NOT NULL,
    name text NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    closed_on date,
    target_skills text[] NOT NULL,
    -- [{"metric": "householdsVisited", "value": 12000}]
    targets jsonb NOT NULL,
    households_visited bigint NOT NULL DEFAULT 0,
    households_with_target_skill bigint NOT NULL DEFAULT 0,
    members_trained bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (province_id, id)
);
CREATE INDEX coverage_campaigns_period ON coverage_campaigns (province_id, starts_on, ends_on);

-- Who a campaign reached: each household visited (and whether someone mastered a target skill) and each
-- member trained in its scope and period, once.
CREATE TABLE coverage_campaign_reach (
    province_id uuid NOT NULL,
    campaign_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('household', 'member')),
    subject_id uuid NOT NULL,
    mastered_target boolean NOT NULL,
    PRIMARY KEY (province_id, campaign_id, kind, subject_id)
);

-- Entered by administrators through the module's routes: kept by a rebuild.
CREATE TABLE coverage_targets (
    province_id uuid NOT NULL,
    id uuid NOT NULL,
    unit_id uuid NOT NULL,
    metric text NOT NULL,
    value double precision NOT NULL CHECK (value > 0),
    deadline date NOT NULL,
    set_by uuid NOT NULL,
    set_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (province_id, id),
    UNIQUE (unit_id, metric, deadline)
);

SELECT cdt_tenant_table('coverage_subjects');
SELECT cdt_tenant_table('coverage_leaf_days');
SELECT cdt_tenant_table('coverage_days');
SELECT cdt_tenant_table('coverage_totals');
SELECT cdt_tenant_table('coverage_campaigns');
SELECT cdt_tenant_table('coverage_campaign_reach');
SELECT cdt_tenant_table('coverage_targets');

-- The hierarchy epochs: from each reorganization's effective day to the next one's.
CREATE FUNCTION coverage_epochs() RETURNS TABLE (epoch_start date, epoch_end date) LANGUAGE sql STABLE AS $$
    SELECT s, coalesce(lead(s) OVER (ORDER BY s), 'infinity'::date)
    FROM (SELECT '-infinity'::date AS s UNION SELECT DISTINCT effective FROM unit_lineage) starts
$$;

-- The units in force on `at` that `leaf` carries on as, with the share of it each takes: itself while in
-- force, else its successors through the lineage (a split with no known share divides evenly), else,
-- when it has no successor, its parent's.
CREATE FUNCTION coverage_resolve(leaf uuid, at date) RETURNS TABLE (unit_id uuid, share double precision) LANGUAGE sql STABLE AS $$
    WITH RECURSIVE walk(id, share, depth) AS (
        SELECT leaf, 1.0::double precision, 0
        UNION ALL
        SELECT coalesce(l.successor_id, u.parent_id),
               w.share * CASE WHEN l.successor_id IS NULL THEN 1.0
                              ELSE coalesce(l.share::double precision,
                                            1.0 / (SELECT count(*) FROM unit_lineage x WHERE x.predecessor_id = w.id AND x.effective <= at)) END,
               w.depth + 1
        FROM walk w
        JOIN administrative_units u ON u.id = w.id
        LEFT JOIN unit_lineage l ON l.predecessor_id = w.id AND l.effective <= at
        WHERE NOT (u.valid_from <= at AND (u.valid_until IS NULL OR u.valid_until > at))
          AND (l.successor_id IS NOT NULL OR u.parent_id IS NOT NULL)
          AND w.depth < 12
    )
    SELECT w.id, sum(w.share) FROM walk w JOIN administrative_units u ON u.id = w.id
    WHERE u.valid_from <= at AND (u.valid_until IS NULL OR u.valid_until > at)
    GROUP BY w.id
$$;

-- Adds the map rows of the leaves that have none: for each epoch from the leaf's first day on, every
-- ancestor of every unit it resolves to.
CREATE FUNCTION coverage_map_leaves(leaves uuid[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO coverage_unit_map (leaf_id, epoch_start, epoch_end, unit_id, unit_province_id, share)
    SELECT lu.id, e.epoch_start, e.epoch_end, a.id, coalesce(au.province_id, au.id), sum(r.share)
    FROM administrative_units lu
    CROSS JOIN coverage_epochs() e
    CROSS JOIN LATERAL coverage_resolve(lu.id, greatest(e.epoch_start, lu.valid_from)) r
    JOIN administrative_units ru ON ru.id = r.unit_id
    CROSS JOIN LATERAL unnest(string_to_array(trim(BOTH '/' FROM ru.path), '/')::uuid[]) a(id)
    JOIN administrative_units au ON au.id = a.id
    WHERE lu.id = ANY(leaves) AND e.epoch_end > lu.valid_from
      AND NOT EXISTS (SELECT 1 FROM coverage_unit_map m WHERE m.leaf_id = lu.id)
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO NOTHING
$$;

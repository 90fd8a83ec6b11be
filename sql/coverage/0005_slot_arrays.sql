-- Figures as arrays by metric, for catching up with the log and for the drill-down (issue 23). Each base
-- metric has a slot: its position in the module's list of base metrics (Metric.base, 1-based here; new
-- metrics are only ever added at the end, and a missing slot reads as 0).
--
-- 1. coverage_leaf_days and coverage_days keep one row per unit (and epoch) and day, as before, with the
--    day's changes as float8[] by slot instead of a jsonb object: adding a batch's changes is arithmetic
--    the module writes into the statement, where merging jsonb objects cost ~40 µs a row while catching up.
--    A row whose changes all come to zero is removed (values within 1e-9 of zero are stored as 0).
-- 2. coverage_totals keeps one row per unit and epoch (not per metric): totals float8[] by slot, and
--    apportioned, a bit per slot (bit 0 is slot 1) set when part of that value came through a split whose
--    parts are not known village by village. A drill-down reads one row per unit instead of one per metric.
--
-- The module sums a batch's changes along the hierarchy itself, so each row is written once per batch.
-- The figures are built from the log alone: the tables are emptied and the checkpoints removed, so the
-- module replays the log into the new shapes (as `cdt modules rebuild coverage` does).

SELECT set_config('cdt.all_provinces', 'on', true);
SELECT cdt_module_restart_delivery('coverage');
TRUNCATE coverage_subjects, coverage_leaf_days, coverage_days, coverage_totals, coverage_campaigns, coverage_campaign_reach;

ALTER TABLE coverage_leaf_days DROP COLUMN changes, ADD COLUMN changes double precision[] NOT NULL;
ALTER TABLE coverage_days DROP COLUMN changes, ADD COLUMN changes double precision[] NOT NULL;

DROP TABLE coverage_totals;
CREATE TABLE coverage_totals (
    province_id uuid NOT NULL,
    epoch_start date NOT NULL,
    unit_id uuid NOT NULL,
    -- slot -> the rolled-up value (the sum of every day's changes in the epoch)
    totals double precision[] NOT NULL,
    -- bit (slot - 1) set: some of that slot's value came through an apportioned split
    apportioned bigint NOT NULL,
    PRIMARY KEY (unit_id, epoch_start)
);
SELECT cdt_tenant_table('coverage_totals');

DROP FUNCTION coverage_add(jsonb, jsonb);

-- The dense array of `width` slots holding `vals` at `slots` (1-based), 0 elsewhere; values within 1e-9 of
-- zero are stored as 0. Used when the roll-ups are summed again from the leaf days (a reorganization).
CREATE FUNCTION coverage_slots(slots bigint[], vals double precision[], width int) RETURNS double precision[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_agg(CASE WHEN abs(coalesce(v.val, 0)) < 1e-9 THEN 0 ELSE v.val END ORDER BY g)
    FROM generate_series(1, width) g LEFT JOIN unnest(slots, vals) AS v(slot, val) ON v.slot = g
$$;

-- Compact storage, for national scale (27 million households, tens of millions of visits): at province
-- scale the old shapes took 1.8 KB per household (JSON state with every visit, plus its contributions as
-- JSON) and a row per unit, metric and day (about 230 bytes each, 12 metrics moving on an average day).
--
-- 1. A subject's state is bytes (households in a binary form, ~45 bytes; teams and trainees as JSON);
--    its contributions are worked out from the state when it is loaded instead of stored beside it.
-- 2. coverage_leaf_days and coverage_days hold one row per unit (and epoch) and day, with the day's
--    changes of every metric that moved in one jsonb object, {"households": 12, "skill.onlinePayment": 3}.
--    Whether a roll-up went through an apportioned split is kept per metric in coverage_totals only.
--
-- The figures are built from the log alone: the tables are emptied and the checkpoints removed, so the
-- module replays the log into the new shapes (as `cdt modules rebuild coverage` does).

SELECT set_config('cdt.all_provinces', 'on', true);
DELETE FROM module_checkpoints WHERE module_id = 'coverage';
DELETE FROM module_parked_events WHERE module_id = 'coverage';
TRUNCATE coverage_subjects, coverage_totals, coverage_campaigns, coverage_campaign_reach;

ALTER TABLE coverage_subjects DROP COLUMN contributions, DROP COLUMN state, ADD COLUMN state bytea NOT NULL;

DROP TABLE coverage_leaf_days;
CREATE TABLE coverage_leaf_days (
    province_id uuid NOT NULL,
    unit_id uuid NOT NULL,
    day date NOT NULL,
    -- metric -> the change of its value on that day, in the unit where recorded
    changes jsonb NOT NULL,
    PRIMARY KEY (unit_id, day)
);
CREATE INDEX coverage_leaf_days_province ON coverage_leaf_days (province_id);

DROP TABLE coverage_days;
CREATE TABLE coverage_days (
    province_id uuid NOT NULL,
    epoch_start date NOT NULL,
    unit_id uuid NOT NULL,
    day date NOT NULL,
    -- metric -> the change of its rolled-up value on that day
    changes jsonb NOT NULL,
    PRIMARY KEY (unit_id, epoch_start, day)
);

SELECT cdt_tenant_table('coverage_leaf_days');
SELECT cdt_tenant_table('coverage_days');

-- Two objects of changes added key by key; keys whose sum is zero are left out ('{}' when none is left).
CREATE FUNCTION coverage_add(a jsonb, b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(jsonb_object_agg(key, total), '{}'::jsonb)
    FROM (SELECT key, sum(value::float8) AS total
          FROM (SELECT * FROM jsonb_each_text(a) UNION ALL SELECT * FROM jsonb_each_text(b)) e
          GROUP BY key) s
    WHERE abs(total) >= 1e-9
$$;

-- A leaf's own days are no longer written twice (issue 23). Where a unit recorded at is itself a unit of an
-- epoch, whole (share 1) and in the province it was recorded in, its rolled-up days in that epoch were the
-- same numbers as its rows in coverage_leaf_days: 2.9 million of a national replay's 6.1 million roll-up
-- rows. coverage_days now holds only what other leaves add to a unit; readers add the leaf's own rows to them
-- (SlotRollUp.unitDays in the module's code). coverage_totals is unchanged.
--
-- 1. coverage_leaf_days is keyed by unit, day and province: a leaf's row belongs to the province whose events
--    made it, so whether it is the unit's own (the unit's province is that province) is the same for its
--    writer, its readers and a remap. A unit that moved province keeps a row per province for a day both
--    recorded on.
-- 2. coverage_days keeps, for a unit with own days, only what the other leaves add to it.

SELECT set_config('cdt.all_provinces', 'on', true);

ALTER TABLE coverage_leaf_days DROP CONSTRAINT coverage_leaf_days_pkey, ADD PRIMARY KEY (unit_id, day, province_id);

-- A rolled-up day equal to its leaf's own row came from that leaf alone and goes; the few others (a unit that
-- other leaves add to as well) keep the difference, values within 1e-9 of zero as 0, and go when nothing is
-- left. The same numbers a remap would sum, found without summing every leaf again (minutes at national scale).
DELETE FROM coverage_days d USING coverage_unit_map m, coverage_leaf_days l
WHERE m.leaf_id = d.unit_id AND m.unit_id = d.unit_id AND m.epoch_start = d.epoch_start AND m.share = 1
  AND m.unit_province_id = d.province_id AND m.epoch_end > d.day
  AND l.unit_id = d.unit_id AND l.day = d.day AND l.province_id = d.province_id AND l.changes = d.changes;
UPDATE coverage_days d
SET changes = ARRAY(SELECT CASE WHEN abs(coalesce(z.a, 0) - coalesce(z.b, 0)) < 1e-9 THEN 0 ELSE coalesce(z.a, 0) - coalesce(z.b, 0) END
                    FROM unnest(d.changes, l.changes) WITH ORDINALITY AS z(a, b, slot) ORDER BY z.slot)
FROM coverage_unit_map m, coverage_leaf_days l
WHERE m.leaf_id = d.unit_id AND m.unit_id = d.unit_id AND m.epoch_start = d.epoch_start AND m.share = 1
  AND m.unit_province_id = d.province_id AND m.epoch_end > d.day
  AND l.unit_id = d.unit_id AND l.day = d.day AND l.province_id = d.province_id;
DELETE FROM coverage_days WHERE 0 = ALL(changes);

-- The module reads the core through core_v1 only (issue 19). 0001 and 0002 were rewritten so; a database
-- migrated by their earlier texts has functions reading the core's tables, which this file replaces with
-- the same functions over core_v1 (on a fresh database it replaces them with themselves).
--
-- The module's tables never had a foreign key to a core table, and none is added: units, lineage and
-- events are kept for ever by the core (a unit closes, it is not deleted), so every id the module holds
-- stays resolvable through core_v1.units and core_v1.events.

CREATE OR REPLACE FUNCTION coverage_epochs() RETURNS TABLE (epoch_start date, epoch_end date) LANGUAGE sql STABLE AS $$
    SELECT s, coalesce(lead(s) OVER (ORDER BY s), 'infinity'::date)
    FROM (SELECT '-infinity'::date AS s UNION SELECT DISTINCT effective_on FROM core_v1.unit_lineage) starts
$$;

CREATE OR REPLACE FUNCTION coverage_resolve(leaf uuid, at date) RETURNS TABLE (unit_id uuid, share double precision) LANGUAGE sql STABLE AS $$
    WITH RECURSIVE walk(id, share, depth) AS (
        SELECT leaf, 1.0::double precision, 0
        UNION ALL
        SELECT coalesce(l.successor_id, u.parent_id),
               w.share * CASE WHEN l.successor_id IS NULL THEN 1.0
                              ELSE coalesce(l.share::double precision,
                                            1.0 / (SELECT count(*) FROM core_v1.unit_lineage x WHERE x.predecessor_id = w.id AND x.effective_on <= at)) END,
               w.depth + 1
        FROM walk w
        JOIN core_v1.units u ON u.id = w.id
        LEFT JOIN core_v1.unit_lineage l ON l.predecessor_id = w.id AND l.effective_on <= at
        WHERE NOT (u.valid_from <= at AND (u.valid_until IS NULL OR u.valid_until > at))
          AND (l.successor_id IS NOT NULL OR u.parent_id IS NOT NULL)
          AND w.depth < 12
    )
    SELECT w.id, sum(w.share) FROM walk w JOIN core_v1.units u ON u.id = w.id
    WHERE u.valid_from <= at AND (u.valid_until IS NULL OR u.valid_until > at)
    GROUP BY w.id
$$;

CREATE OR REPLACE FUNCTION coverage_map_leaves(leaves uuid[]) RETURNS void LANGUAGE sql AS $$
    WITH missing AS MATERIALIZED (
        SELECT DISTINCT l.id FROM unnest(leaves) AS l(id)
        WHERE NOT EXISTS (SELECT 1 FROM coverage_unit_map m WHERE m.leaf_id = l.id)
    )
    INSERT INTO coverage_unit_map (leaf_id, epoch_start, epoch_end, unit_id, unit_province_id, share)
    SELECT lu.id, e.epoch_start, e.epoch_end, a.id, coalesce(au.province_id, au.id), sum(r.share)
    FROM missing
    JOIN core_v1.units lu ON lu.id = missing.id
    CROSS JOIN coverage_epochs() e
    CROSS JOIN LATERAL coverage_resolve(lu.id, greatest(e.epoch_start, lu.valid_from)) r
    JOIN core_v1.units ru ON ru.id = r.unit_id
    CROSS JOIN LATERAL unnest(string_to_array(trim(BOTH '/' FROM ru.path), '/')::uuid[]) a(id)
    JOIN core_v1.units au ON au.id = a.id
    WHERE e.epoch_end > lu.valid_from
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT DO NOTHING
$$;

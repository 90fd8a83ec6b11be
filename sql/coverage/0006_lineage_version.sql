-- The map's signature becomes the version the core keeps of the lineage (core_v1.lineage_version, issue 23)
-- instead of a hash over every link, which each batch worked out anew (6–9 ms). A map made under the hash of
-- the lineage as it is now is current: it takes the version's signature here, so the upgrade does not map
-- everything again (minutes at national scale). Any other map (the lineage changed since, or no map yet)
-- keeps what it has, which differs from every version, and is made again by the next batch as before.
UPDATE coverage_map_state
SET lineage_signature = (SELECT database_id::text || ':' || version::text FROM core_v1.lineage_version)
WHERE lineage_signature = (
    SELECT count(*)::text || ':' || coalesce(sum(hashtextextended(
               predecessor_id::text || successor_id::text || kind || coalesce(share::text, '') || effective_on::text, 0)::numeric), 0)::text
    FROM core_v1.unit_lineage);

-- The lineage's version (issue 23): a number that grows whenever the reorganizations in unit_lineage change,
-- so that a module that keeps something worked out from the lineage (coverage's map of which units each
-- village counts under) can tell in one row whether it is still current, instead of hashing every link.
--
-- One row per database. database_id tells databases apart (two databases may reach the same version with
-- different lineages); version starts at 0 and grows by one in every statement that changes unit_lineage,
-- inside that statement's transaction, so a reader sees the new version exactly when it sees the new links.
-- A statement that changes no row (an INSERT … ON CONFLICT DO NOTHING that inserted nothing) leaves it alone.

CREATE TABLE lineage_version (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    database_id uuid NOT NULL DEFAULT gen_random_uuid(),
    version bigint NOT NULL DEFAULT 0
);
-- Existing links count as one change: a module that kept a signature of its own sees a new one.
INSERT INTO lineage_version (version) SELECT CASE WHEN EXISTS (SELECT 1 FROM unit_lineage) THEN 1 ELSE 0 END;

ALTER TABLE lineage_version ENABLE ROW LEVEL SECURITY;
CREATE POLICY lineage_version_read ON lineage_version FOR SELECT USING (true);
GRANT SELECT ON lineage_version TO cdt_app;

-- Runs as the migrations' owner: the application role may read the version, never set it.
CREATE FUNCTION cdt_count_lineage_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed_links) THEN
        UPDATE lineage_version SET version = version + 1;
    END IF;
    RETURN NULL;
END;
$$;
-- A TRUNCATE has no transition table: its own function, which never names one.
CREATE FUNCTION cdt_count_lineage_truncate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE lineage_version SET version = version + 1;
    RETURN NULL;
END;
$$;
REVOKE ALL ON FUNCTION cdt_count_lineage_change(), cdt_count_lineage_truncate() FROM PUBLIC;

CREATE TRIGGER unit_lineage_inserted AFTER INSERT ON unit_lineage REFERENCING NEW TABLE AS changed_links
    FOR EACH STATEMENT EXECUTE FUNCTION cdt_count_lineage_change();
CREATE TRIGGER unit_lineage_updated AFTER UPDATE ON unit_lineage REFERENCING NEW TABLE AS changed_links
    FOR EACH STATEMENT EXECUTE FUNCTION cdt_count_lineage_change();
CREATE TRIGGER unit_lineage_deleted AFTER DELETE ON unit_lineage REFERENCING OLD TABLE AS changed_links
    FOR EACH STATEMENT EXECUTE FUNCTION cdt_count_lineage_change();
CREATE TRIGGER unit_lineage_truncated AFTER TRUNCATE ON unit_lineage
    FOR EACH STATEMENT EXECUTE FUNCTION cdt_count_lineage_truncate();

CREATE VIEW core_v1.lineage_version WITH (security_invoker = true) AS
    SELECT database_id, version FROM public.lineage_version;
COMMENT ON VIEW core_v1.lineage_version IS
    'One row: the version of core_v1.unit_lineage in this database. version grows in every transaction that changes the lineage and is '
    'seen together with the change; database_id tells databases apart. Keep both with what you work out from the lineage, and work it '
    'out again when they differ.';
GRANT SELECT ON core_v1.lineage_version TO cdt_app;

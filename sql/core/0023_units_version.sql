-- The units' version (issue 23): a number that grows whenever administrative_units change, so that a module
-- that keeps something worked out from the units (coverage's count of the villages in force under each
-- unit) can tell in one row whether it is still current, instead of counting again on every request.
--
-- As core_v1.lineage_version (0021): one row per database. database_id tells databases apart; version grows
-- by one in every statement that changes a row of administrative_units, inside that statement's transaction,
-- so a reader sees the new version exactly when it sees the changed units. Units change on imports, on
-- reorganizations and when a commune adds or changes a village, never on the work recorded in them, so the
-- row's lock orders only those writes.

CREATE TABLE units_version (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    database_id uuid NOT NULL DEFAULT gen_random_uuid(),
    version bigint NOT NULL DEFAULT 0
);
-- Existing units count as one change.
INSERT INTO units_version (version) VALUES (1);

ALTER TABLE units_version ENABLE ROW LEVEL SECURITY;
CREATE POLICY units_version_read ON units_version FOR SELECT USING (true);
GRANT SELECT ON units_version TO cdt_app;

-- Runs as the migrations' owner: the application role may read the version, never set it.
CREATE FUNCTION cdt_count_units_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed_units) THEN
        UPDATE units_version SET version = version + 1;
    END IF;
    RETURN NULL;
END;
$$;
-- A TRUNCATE has no transition table: its own function, which never names one.
CREATE FUNCTION cdt_count_units_truncate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE units_version SET version = version + 1;
    RETURN NULL;
END;
$$;
REVOKE ALL ON FUNCTION cdt_count_units_change(), cdt_count_units_truncate() FROM PUBLIC;

CREATE TRIGGER administrative_units_inserted AFTER INSERT ON administrative_units REFERENCING NEW TABLE AS changed_units
    FOR EACH STATEMENT EXECUTE FUNCTION cdt_count_units_change();
CREATE TRIGGER administrative_units_updated AFTER UPDATE ON administrative_units REFERENCING NEW TABLE AS changed_units
    FOR EACH STATEMENT EXECUTE FUNCTION cdt_count_units_change();
CREATE TRIGGER administrative_units_deleted AFTER DELETE ON administrative_units REFERENCING OLD TABLE AS changed_units
    FOR EACH STATEMENT EXECUTE FUNCTION cdt_count_units_change();
CREATE TRIGGER administrative_units_truncated AFTER TRUNCATE ON administrative_units
    FOR EACH STATEMENT EXECUTE FUNCTION cdt_count_units_truncate();

CREATE VIEW core_v1.units_version WITH (security_invoker = true) AS
    SELECT database_id, version FROM public.units_version;
COMMENT ON VIEW core_v1.units_version IS
    'One row: the version of core_v1.units in this database. version grows in every transaction that changes a unit and is seen '
    'together with the change; database_id tells databases apart. Keep both with what you work out from the units, and work it out '
    'again when they differ.';
GRANT SELECT ON core_v1.units_version TO cdt_app;

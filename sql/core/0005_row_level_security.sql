-- Row-level security: the second wall behind the checks in Swift.
--
-- The server works as `cdt_app`, which owns no table and has no BYPASSRLS; migrations, imports and the
-- demo run as the owner. Every transaction of the server says which provinces it may touch:
--   cdt.provinces      comma-separated province ids, or
--   cdt.all_provinces  'on' for national roles.
-- A query that sets neither sees no row of a tenant table and can write none.

-- Roles belong to the whole cluster: another database of it may have made the role already, or be
-- making it at this moment.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cdt_app') THEN
        CREATE ROLE cdt_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;

-- Whether the current transaction may touch rows of `province`.
CREATE FUNCTION cdt_province_allowed(province uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(current_setting('cdt.all_provinces', true), '') = 'on'
        OR province = ANY (string_to_array(nullif(current_setting('cdt.provinces', true), ''), ',')::uuid[])
$$;

DO $$
DECLARE
    tenant_table text;
BEGIN
    FOREACH tenant_table IN ARRAY ARRAY['teams', 'members', 'memberships', 'households', 'campaigns', 'trainings',
                                        'training_attendees', 'events', 'event_ids'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format('CREATE POLICY %I ON %I USING (cdt_province_allowed(province_id)) WITH CHECK (cdt_province_allowed(province_id))',
                       tenant_table || '_by_province', tenant_table);
    END LOOP;
END
$$;

-- What the application role may do: read the hierarchy; read and write tenant rows (through the
-- policies above); append to the event log and the audit log, never change or delete them.
GRANT USAGE ON SCHEMA public TO cdt_app;
GRANT SELECT ON administrative_units, unit_lineage, cdt_schema_migrations TO cdt_app;
GRANT SELECT, INSERT, UPDATE ON teams, members, memberships, households, campaigns, trainings, training_attendees TO cdt_app;
GRANT SELECT, INSERT ON events, event_ids, audit_log TO cdt_app;
GRANT SELECT, INSERT, UPDATE ON accounts, role_assignments, sessions TO cdt_app;
GRANT DELETE ON role_assignments TO cdt_app;
GRANT USAGE ON SEQUENCE events_position_seq, audit_log_id_seq TO cdt_app;

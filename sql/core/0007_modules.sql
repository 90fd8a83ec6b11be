-- The module kit's tables: which modules each province has turned on and with what settings, where each
-- module's delivery of the event log has reached, the events a module could not apply, and the roles
-- modules add. See docs/modules.md.

-- Delivery order. A position is taken from a sequence before its transaction commits, so transactions can
-- commit out of position order and a reader that followed positions alone could step past an event that
-- commits later. Each event also records the transaction that wrote it; a reader takes only events of
-- transactions older than every transaction still running (pg_snapshot_xmin), in (transaction, position)
-- order, and so never sees a later event before an earlier one commits. Existing rows share the id of the
-- transaction that runs this migration, which keeps them in position order among themselves.
ALTER TABLE events ADD COLUMN transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX events_delivery ON events (province_id, transaction_id, position);

-- New events wake the dispatcher at once: one notification per inserting statement (and PostgreSQL folds
-- identical notifications of one transaction into one).
CREATE FUNCTION events_notify_dispatcher() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cdt_events', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER events_notify_dispatcher AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION events_notify_dispatcher();

-- A module's state in one province. A row exists once the module was enabled there; disabling keeps the
-- row (and the module's data) with enabled = false.
CREATE TABLE module_enablements (
    module_id text NOT NULL,
    province_id uuid NOT NULL REFERENCES administrative_units (id),
    enabled boolean NOT NULL,
    settings jsonb NOT NULL DEFAULT '{}',
    -- Whether the province's own administrators may enable, disable and configure it (national
    -- administrators decide).
    province_may_manage boolean NOT NULL DEFAULT false,
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by uuid,
    PRIMARY KEY (module_id, province_id)
);

-- How far a module's delivery has reached in one province: the last event applied, in delivery order.
-- It is advanced in the same transaction as the module's own writes for those events.
CREATE TABLE module_checkpoints (
    module_id text NOT NULL,
    province_id uuid NOT NULL,
    transaction_id xid8 NOT NULL DEFAULT '0',
    position bigint NOT NULL DEFAULT 0,
    delivered bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (module_id, province_id)
);

-- Events a module failed to apply after its retries, set aside with the error so the others go on.
CREATE TABLE module_parked_events (
    module_id text NOT NULL,
    province_id uuid NOT NULL,
    event_id uuid NOT NULL,
    position bigint NOT NULL,
    event_type text NOT NULL,
    attempts integer NOT NULL,
    error text NOT NULL,
    parked_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (module_id, event_id)
);

-- Roles modules add (a rewards reviewer at a province), assigned like the core's roles at a unit whose
-- subtree they cover.
CREATE TABLE module_role_assignments (
    account_id uuid NOT NULL REFERENCES accounts (id),
    role text NOT NULL CHECK (role ~ '^[a-z][a-z0-9-]*\.[a-z][a-zA-Z0-9.-]*$'),
    unit_id uuid NOT NULL REFERENCES administrative_units (id),
    assigned_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, role, unit_id)
);

-- API keys of actors outside the hierarchy (an enterprise partner organisation), issued by a module for
-- its own routes. Only a SHA-256 hash of the key is kept.
CREATE TABLE module_api_keys (
    id uuid PRIMARY KEY,
    module_id text NOT NULL,
    actor_id text NOT NULL,
    label text NOT NULL,
    key_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX module_api_keys_actor ON module_api_keys (module_id, actor_id);

DO $$
DECLARE
    tenant_table text;
BEGIN
    FOREACH tenant_table IN ARRAY ARRAY['module_enablements', 'module_checkpoints', 'module_parked_events'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format('CREATE POLICY %I ON %I USING (cdt_province_allowed(province_id)) WITH CHECK (cdt_province_allowed(province_id))',
                       tenant_table || '_by_province', tenant_table);
    END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE ON module_enablements, module_checkpoints TO cdt_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON module_parked_events TO cdt_app;
GRANT SELECT, INSERT, DELETE ON module_role_assignments TO cdt_app;
GRANT SELECT, INSERT, UPDATE ON module_api_keys TO cdt_app;

-- What a module's migration calls for each table holding provinces' data (a province_id uuid column):
-- row-level security as on the core's tenant tables, and the application role may read and write it.
--     SELECT cdt_tenant_table('good_practices_practices');
CREATE FUNCTION cdt_tenant_table(tenant_table regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format('CREATE POLICY by_province ON %s USING (cdt_province_allowed(province_id)) WITH CHECK (cdt_province_allowed(province_id))',
                   tenant_table);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO cdt_app', tenant_table);
END
$$;

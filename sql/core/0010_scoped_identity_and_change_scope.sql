-- Row-level security, completed (issue 18, finding 8).
--
-- 1. Reading and writing have scopes of their own. A transaction now says, besides the provinces it may
--    read (cdt.provinces, cdt.all_provinces), the provinces it may change:
--      cdt.change_provinces      comma-separated province ids, or
--      cdt.all_change_provinces  'on' for national roles that change.
--    A tenant row is read under the first and inserted, updated or deleted only under the second, so an
--    auditor's or a viewer's request cannot write even where the Swift checks would have let it.
-- 2. The identity tables (accounts, role_assignments, sessions, module_role_assignments, module_api_keys)
--    and the audit log are under policies too. Besides the provinces, a transaction may say
--      cdt.account_id      the signed-in account (its own account, sessions and roles), and
--      cdt.authenticating  'on' while a request is being signed in (a login looked up, a session token
--                          or an API key checked), before any account is known.
--    The application role can no longer read password hashes or TOTP secrets at all: it gets them only
--    through cdt_account_credentials and cdt_account_totp_secret below, for one account at a time.
-- 3. Nobody but the owner may create objects in the public schema.
--
-- As everywhere, a transaction that sets nothing sees no row and writes none. The owner, which runs
-- migrations and the command line, is not held by the policies of the identity tables (they are not
-- FORCEd); the server refuses to serve as it unless told to (docs/configuration.md).

REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- Whether the current transaction may change rows of `province`.
CREATE FUNCTION cdt_province_changeable(province uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(current_setting('cdt.all_change_provinces', true), '') = 'on'
        OR province = ANY (string_to_array(nullif(current_setting('cdt.change_provinces', true), ''), ',')::uuid[])
$$;

-- The signed-in account of the current transaction, if it named one.
CREATE FUNCTION cdt_scope_account() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT nullif(current_setting('cdt.account_id', true), '')::uuid
$$;

-- Whether the current transaction signs a request in.
CREATE FUNCTION cdt_authenticating() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(current_setting('cdt.authenticating', true), '') = 'on'
$$;

-- The province of a unit (a province is its own).
CREATE FUNCTION cdt_unit_province(unit uuid) RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(province_id, id) FROM administrative_units WHERE id = unit
$$;

-- Puts a table with a province_id column under the read and change scopes: rows are read where the
-- transaction may read, and inserted, updated and deleted where it may change. Replaces the table's
-- policies, so it can be run again.
CREATE FUNCTION cdt_scope_table(tenant_table regclass) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    old_policy name;
BEGIN
    FOR old_policy IN SELECT polname FROM pg_policy WHERE polrelid = tenant_table LOOP
        EXECUTE format('DROP POLICY %I ON %s', old_policy, tenant_table);
    END LOOP;
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format('CREATE POLICY read_by_province ON %s FOR SELECT USING (cdt_province_allowed(province_id))', tenant_table);
    EXECUTE format('CREATE POLICY insert_by_province ON %s FOR INSERT WITH CHECK (cdt_province_changeable(province_id))', tenant_table);
    EXECUTE format('CREATE POLICY update_by_province ON %s FOR UPDATE USING (cdt_province_changeable(province_id)) WITH CHECK (cdt_province_changeable(province_id))',
                   tenant_table);
    EXECUTE format('CREATE POLICY delete_by_province ON %s FOR DELETE USING (cdt_province_changeable(province_id))', tenant_table);
END
$$;

-- What a module's migration calls for each table holding provinces' data, as before, now with the two
-- scopes.
CREATE OR REPLACE FUNCTION cdt_tenant_table(tenant_table regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM cdt_scope_table(tenant_table);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO cdt_app', tenant_table);
END
$$;

-- Every table already under the one-scope policies (the core's, and those of modules migrated before
-- this file) moves to the two scopes.
DO $$
DECLARE
    tenant_table regclass;
BEGIN
    FOR tenant_table IN
        SELECT DISTINCT p.polrelid::regclass FROM pg_policy p
        WHERE pg_get_expr(p.polqual, p.polrelid) LIKE '%cdt_province_allowed(province_id)%'
    LOOP
        PERFORM cdt_scope_table(tenant_table);
    END LOOP;
END
$$;

-- Accounts: an account is read where one of its roles lies in the provinces the transaction reads (every
-- account nationally), and changed where one lies in the provinces it changes. Its own account the
-- signed-in caller reads and changes (its password, its two-factor sign-in); sign-in reads any.
CREATE FUNCTION cdt_account_visible(account uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT cdt_authenticating() OR account = cdt_scope_account()
        OR coalesce(current_setting('cdt.all_provinces', true), '') = 'on'
        OR EXISTS (SELECT 1 FROM role_assignments r WHERE r.account_id = account AND cdt_province_allowed(r.province_id))
$$;

CREATE FUNCTION cdt_account_changeable(account uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT cdt_authenticating() OR account = cdt_scope_account()
        OR coalesce(current_setting('cdt.all_change_provinces', true), '') = 'on'
        OR EXISTS (SELECT 1 FROM role_assignments r WHERE r.account_id = account AND cdt_province_changeable(r.province_id))
$$;

-- Whether the transaction may change anything anywhere (a new account gets its roles in the same
-- transaction; those are checked one by one).
CREATE FUNCTION cdt_changes_somewhere() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(current_setting('cdt.all_change_provinces', true), '') = 'on'
        OR coalesce(current_setting('cdt.change_provinces', true), '') <> ''
$$;

ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY accounts_read ON accounts FOR SELECT USING (cdt_account_visible(id));
CREATE POLICY accounts_insert ON accounts FOR INSERT WITH CHECK (cdt_changes_somewhere());
CREATE POLICY accounts_update ON accounts FOR UPDATE USING (cdt_account_changeable(id)) WITH CHECK (cdt_account_changeable(id));

-- Role assignments: read where their province is read (national roles: nationally), the caller's own, and
-- at sign-in; given and taken only where their province is changed.
ALTER TABLE role_assignments ENABLE ROW LEVEL SECURITY;
CREATE POLICY role_assignments_read ON role_assignments FOR SELECT
    USING (cdt_authenticating() OR account_id = cdt_scope_account() OR cdt_province_allowed(province_id));
CREATE POLICY role_assignments_insert ON role_assignments FOR INSERT WITH CHECK (cdt_province_changeable(province_id));
CREATE POLICY role_assignments_update ON role_assignments FOR UPDATE
    USING (cdt_province_changeable(province_id)) WITH CHECK (cdt_province_changeable(province_id));
CREATE POLICY role_assignments_delete ON role_assignments FOR DELETE USING (cdt_province_changeable(province_id));

-- Module roles: the same, by the province of their unit.
ALTER TABLE module_role_assignments ENABLE ROW LEVEL SECURITY;
CREATE POLICY module_role_assignments_read ON module_role_assignments FOR SELECT
    USING (cdt_authenticating() OR account_id = cdt_scope_account() OR cdt_province_allowed(cdt_unit_province(unit_id)));
CREATE POLICY module_role_assignments_insert ON module_role_assignments FOR INSERT WITH CHECK (cdt_province_changeable(cdt_unit_province(unit_id)));
CREATE POLICY module_role_assignments_delete ON module_role_assignments FOR DELETE USING (cdt_province_changeable(cdt_unit_province(unit_id)));

-- Sessions: the caller's own, those of accounts it changes (disabling one ends its sessions), and sign-in's.
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY sessions_by_account ON sessions USING (cdt_account_changeable(account_id)) WITH CHECK (cdt_account_changeable(account_id));

-- Module API keys belong to no province: checked at sign-in, issued and revoked nationally (the module
-- kit's ModuleActorKeys does both in a national scope).
ALTER TABLE module_api_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY module_api_keys_read ON module_api_keys FOR SELECT
    USING (cdt_authenticating() OR coalesce(current_setting('cdt.all_provinces', true), '') = 'on');
CREATE POLICY module_api_keys_insert ON module_api_keys FOR INSERT
    WITH CHECK (coalesce(current_setting('cdt.all_change_provinces', true), '') = 'on');
CREATE POLICY module_api_keys_update ON module_api_keys FOR UPDATE
    USING (coalesce(current_setting('cdt.all_change_provinces', true), '') = 'on')
    WITH CHECK (coalesce(current_setting('cdt.all_change_provinces', true), '') = 'on');

-- The audit log: an entry is read where its province is read (national entries, without a province,
-- nationally). Anyone the server serves may append (a failed sign-in has no scope yet); no one may
-- change or delete (0004's triggers, and no grant).
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_log_read ON audit_log FOR SELECT USING (cdt_province_allowed(province_id));
CREATE POLICY audit_log_append ON audit_log FOR INSERT WITH CHECK (true);

-- Secrets out of reach: the application role reads every column of accounts but the password hash and
-- the TOTP secret. It may still set them.
REVOKE SELECT ON accounts FROM cdt_app;
GRANT SELECT (id, username, phone, display_name, totp_enabled_at, disabled_at, created_at, created_by) ON accounts TO cdt_app;

-- The credentials of the enabled or disabled account signing in as `login_name` (a username) or
-- `login_phone` (a normalised phone number): for checking a password at sign-in only.
CREATE FUNCTION cdt_account_credentials(login_name text, login_phone text)
RETURNS TABLE (account_id uuid, password_hash text, totp_secret text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT a.id, a.password_hash, a.totp_secret FROM accounts a
    WHERE cdt_authenticating() AND (a.username = login_name OR a.phone = login_phone)
    LIMIT 1
$$;

-- The TOTP secret of the signed-in account itself, for setting up two-factor sign-in.
CREATE FUNCTION cdt_account_totp_secret(account uuid) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT a.totp_secret FROM accounts a WHERE a.id = account AND (account = cdt_scope_account() OR cdt_authenticating())
$$;

REVOKE ALL ON FUNCTION cdt_account_credentials(text, text), cdt_account_totp_secret(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cdt_account_credentials(text, text), cdt_account_totp_secret(uuid) TO cdt_app;

-- The audit log (issue 18, finding 9): a sign-in's entry names the account it resolved to, never the
-- text typed as the login (a password typed into the login field would otherwise be stored); an
-- unknown login is kept as an HMAC-SHA256 of its normalised form under a key only the owner reads, so
-- repeated attempts at one login still show as one. A sign-in's entry is placed at the account's first
-- unit, so its province's auditors see it.

-- HMAC-SHA256 (RFC 2104) from the built-in sha256().
CREATE FUNCTION cdt_hmac_sha256(key bytea, message bytea) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    block bytea := CASE WHEN length(key) > 64 THEN sha256(key) ELSE key END;
    inner_pad bytea;
    outer_pad bytea;
BEGIN
    block := block || decode(repeat('00', 64 - length(block)), 'hex');
    inner_pad := block;
    outer_pad := block;
    FOR i IN 0..63 LOOP
        inner_pad := set_byte(inner_pad, i, get_byte(block, i) # 54);   -- 0x36
        outer_pad := set_byte(outer_pad, i, get_byte(block, i) # 92);   -- 0x5c
    END LOOP;
    RETURN sha256(outer_pad || sha256(inner_pad || message));
END
$$;

CREATE TABLE audit_login_key (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    key bytea NOT NULL
);
INSERT INTO audit_login_key (key)
SELECT sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text || clock_timestamp()::text, 'UTF8'));
REVOKE ALL ON audit_login_key FROM PUBLIC;

-- The keyed hash of a normalised login, as hex.
CREATE FUNCTION cdt_login_digest(login text) RETURNS text
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT encode(cdt_hmac_sha256(k.key, convert_to(login, 'UTF8')), 'hex') FROM audit_login_key k
$$;

-- The unit of an account's first role in the hierarchy (none for national roles only).
CREATE FUNCTION cdt_account_home_unit(account uuid) RETURNS uuid
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT r.unit_id FROM role_assignments r WHERE r.account_id = account AND r.unit_id IS NOT NULL
    ORDER BY r.granted_at, r.role LIMIT 1
$$;

REVOKE ALL ON FUNCTION cdt_login_digest(text), cdt_account_home_unit(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cdt_login_digest(text), cdt_account_home_unit(uuid) TO cdt_app;

-- Entries already stored with a typed login that matched no account lose it.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
UPDATE audit_log SET target = CASE WHEN account_id IS NOT NULL THEN account_id::text
                                   ELSE 'login-hmac:' || cdt_login_digest(lower(target)) END
WHERE action LIKE 'login.%' AND target IS NOT NULL;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;

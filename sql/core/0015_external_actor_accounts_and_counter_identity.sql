-- What the enterprise partner module (issue 21) needs of the core, and nothing more; usable by any module
-- with external actors. docs/modules.md "External actors", docs/core-views.md and docs/personal-data.md
-- describe each part.
--
-- 1. An API key a module issues may expire: past expires_at it opens nothing, as a revoked one.
ALTER TABLE module_api_keys ADD COLUMN expires_at timestamptz;

-- 2. Signed-in accounts a module bound to one of its external actors (an enterprise partner's staff): on
--    that module's externalActor routes such an account acts as the actor, and the audit log still names
--    the account. An account is bound to at most one actor of a module. National data, like the keys:
--    read while a request is admitted (cdt_authenticating) or nationally, written nationally (the kit's
--    ModuleActorAccounts does it in a national scope).
CREATE TABLE module_actor_accounts (
    module_id text NOT NULL,
    account_id uuid NOT NULL REFERENCES accounts (id),
    actor_id text NOT NULL,
    bound_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (module_id, account_id)
);
CREATE INDEX module_actor_accounts_actor ON module_actor_accounts (module_id, actor_id);
ALTER TABLE module_actor_accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE module_actor_accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY module_actor_accounts_read ON module_actor_accounts FOR SELECT
    USING (cdt_authenticating() OR coalesce(current_setting('cdt.all_provinces', true), '') = 'on');
CREATE POLICY module_actor_accounts_insert ON module_actor_accounts FOR INSERT
    WITH CHECK (coalesce(current_setting('cdt.all_change_provinces', true), '') = 'on');
CREATE POLICY module_actor_accounts_update ON module_actor_accounts FOR UPDATE
    USING (coalesce(current_setting('cdt.all_change_provinces', true), '') = 'on')
    WITH CHECK (coalesce(current_setting('cdt.all_change_provinces', true), '') = 'on');
CREATE POLICY module_actor_accounts_delete ON module_actor_accounts FOR DELETE
    USING (coalesce(current_setting('cdt.all_change_provinces', true), '') = 'on');
GRANT SELECT, INSERT, UPDATE, DELETE ON module_actor_accounts TO cdt_app;

-- 3. What a counter needs to check the person holding a code, and no more: the member's given name (the
--    last word of the name, as Vietnamese names are written) and the last three digits of the phone. Never
--    the full phone, birth year, gender, address or household. An erased member shows its placeholder.
CREATE VIEW core_v1.member_counter_identity WITH (security_invoker = true) AS
    SELECT id AS member_id, province_id,
           coalesce(substring(btrim(name) FROM '([^[:space:]]+)$'), btrim(name)) AS given_name,
           right(phone, 3) AS phone_last3
    FROM public.members;
COMMENT ON VIEW core_v1.member_counter_identity IS
    'What a counter (an enterprise partner redeeming a member''s code) may see to check the person in front of it: the given name '
    '(the last word of the name) and the last three digits of the phone. Nothing else about the member; see docs/personal-data.md.';
GRANT SELECT ON core_v1.member_counter_identity TO cdt_app;

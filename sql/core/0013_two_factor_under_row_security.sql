-- Two-factor sign-in (0011) under the row-level security of accounts (0010): the application role never
-- reads a secret column; what sign-in and set-up need of them goes through these functions, each answering
-- only for the signed-in account itself or for sign-in.

-- A username wins over a phone number when a login matches both, so the answer never depends on row order.
CREATE OR REPLACE FUNCTION cdt_account_credentials(login_name text, login_phone text)
RETURNS TABLE (account_id uuid, password_hash text, totp_secret text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT a.id, a.password_hash, a.totp_secret FROM accounts a
    WHERE cdt_authenticating() AND (a.username = login_name OR a.phone = login_phone)
    ORDER BY (a.username = login_name) IS TRUE DESC
    LIMIT 1
$$;

-- The password hash of the signed-in account, to check the current password before changing it.
CREATE FUNCTION cdt_account_password_hash(account uuid) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT a.password_hash FROM accounts a WHERE a.id = account AND (account = cdt_scope_account() OR cdt_authenticating())
$$;

-- The secret being set up (sealed), of the signed-in account.
CREATE FUNCTION cdt_account_pending_totp_secret(account uuid) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT a.totp_pending_secret FROM accounts a WHERE a.id = account AND (account = cdt_scope_account() OR cdt_authenticating())
$$;

-- Makes the pending secret the account's if it is still `pending` (a concurrent set-up loses); whether it was.
CREATE FUNCTION cdt_account_confirm_totp(account uuid, pending text, step bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT (account = cdt_scope_account() OR cdt_authenticating()) THEN RETURN false; END IF;
    UPDATE accounts SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_enabled_at = now(), totp_last_step = step
    WHERE id = account AND totp_pending_secret = pending;
    RETURN FOUND;
END
$$;

-- Replaces a secret stored in clear by older releases with its sealed form, at sign-in.
CREATE FUNCTION cdt_account_reseal_totp_secret(account uuid, old text, sealed text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    UPDATE accounts SET totp_secret = sealed
    WHERE id = account AND totp_secret = old AND (account = cdt_scope_account() OR cdt_authenticating())
$$;

REVOKE ALL ON FUNCTION cdt_account_password_hash(uuid), cdt_account_pending_totp_secret(uuid),
    cdt_account_confirm_totp(uuid, text, bigint), cdt_account_reseal_totp_secret(uuid, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cdt_account_password_hash(uuid), cdt_account_pending_totp_secret(uuid),
    cdt_account_confirm_totp(uuid, text, bigint), cdt_account_reseal_totp_secret(uuid, text, text) TO cdt_app;

-- The last step used is no secret: the replay guard compares against it.
GRANT SELECT (totp_last_step) ON accounts TO cdt_app;

-- Recovery codes (hashes) belong to their account: read and used by it or at sign-in, replaced by whoever
-- may change the account (an administrator's reset).
ALTER TABLE two_factor_recovery_codes ENABLE ROW LEVEL SECURITY;
CREATE POLICY two_factor_recovery_codes_by_account ON two_factor_recovery_codes
    USING (cdt_account_changeable(account_id)) WITH CHECK (cdt_account_changeable(account_id));

-- Every role of an account, wherever it lies: an administrator may change an account only when all of them
-- lie where they manage accounts, so the check must see the ones row-level security hides from them. It
-- answers transactions that change somewhere (and sign-in, and the account itself); lists still show only
-- the roles in the caller's scope.
CREATE FUNCTION cdt_account_roles(account uuid) RETURNS TABLE (account_id uuid, role text, unit_id uuid, province_id uuid, granted_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT r.account_id, r.role, r.unit_id, r.province_id, r.granted_at FROM role_assignments r
    WHERE r.account_id = account AND (cdt_changes_somewhere() OR cdt_authenticating() OR account = cdt_scope_account())
$$;
REVOKE ALL ON FUNCTION cdt_account_roles(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cdt_account_roles(uuid) TO cdt_app;

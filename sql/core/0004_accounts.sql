-- Accounts, their roles in the hierarchy, sessions, and the audit log.
--
-- An account holds one or more role assignments; each covers its unit's whole subtree (a national role
-- has no unit). What each role allows is decided in the domain (CDTDomain/Access/Role.swift).
-- Passwords are stored only as bcrypt hashes (cost 12); session tokens only as SHA-256 hashes.

CREATE TABLE accounts (
    id uuid PRIMARY KEY,
    -- Lower case, 3 to 40 of a-z 0-9 . _ -; or none when the account signs in by phone.
    username text UNIQUE CHECK (username ~ '^[a-z0-9._-]{3,40}$'),
    phone text UNIQUE CHECK (phone ~ '^0[0-9]{9}$'),
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    password_hash text NOT NULL,
    -- Base32 TOTP secret (RFC 6238); two-factor sign-in is on once totp_enabled_at is set.
    totp_secret text,
    totp_enabled_at timestamptz,
    disabled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by uuid REFERENCES accounts (id),
    CHECK (username IS NOT NULL OR phone IS NOT NULL),
    CHECK (totp_enabled_at IS NULL OR totp_secret IS NOT NULL)
);

CREATE TABLE role_assignments (
    account_id uuid NOT NULL REFERENCES accounts (id),
    role text NOT NULL CHECK (role IN ('nationalAdministrator', 'nationalViewer', 'provinceAdministrator', 'communeOfficer',
                                        'teamLeader', 'member', 'auditor', 'enterprisePartner')),
    -- NULL for the national roles, else the unit whose subtree the assignment covers.
    unit_id uuid REFERENCES administrative_units (id),
    province_id uuid REFERENCES administrative_units (id),
    granted_by uuid REFERENCES accounts (id),
    granted_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((role IN ('nationalAdministrator', 'nationalViewer')) = (unit_id IS NULL)),
    CHECK ((unit_id IS NULL) = (province_id IS NULL))
);
CREATE UNIQUE INDEX role_assignments_once ON role_assignments (account_id, role, coalesce(unit_id, '00000000-0000-0000-0000-000000000000'));
CREATE INDEX role_assignments_unit ON role_assignments (unit_id);

CREATE TABLE sessions (
    -- SHA-256 of the opaque token the client holds; the token itself is never stored.
    token_hash bytea PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    -- A session of an account that must use two-factor sign-in and has not set it up yet: it may only
    -- set it up.
    enrollment_only boolean NOT NULL DEFAULT false,
    client_address text
);
CREATE INDEX sessions_account ON sessions (account_id);

-- Who did what, when, from where: every mutation, sign-in, failed sign-in, permission change and export.
CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    account_id uuid,
    client_address text,
    action text NOT NULL,
    -- What it concerned: an event id, an account id, a login name.
    target text,
    -- Where in the hierarchy (NULL: national), so administrators read it within their scope.
    province_id uuid,
    unit_path text,
    details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_province ON audit_log (province_id, id);
CREATE INDEX audit_log_path ON audit_log (unit_path text_pattern_ops);

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION events_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();

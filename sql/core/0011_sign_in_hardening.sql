-- Sign-in hardening: two-factor secrets sealed at rest with a replay guard and recovery codes, and
-- sessions that end after a configurable idle time.
--
-- accounts.totp_secret now holds the secret sealed with AES-GCM under the server's secret key
-- (`v1:` and base64 of nonce, ciphertext and tag; see TwoFactorSecrets.swift). A value without the
-- prefix is a secret stored in clear before this migration; the server seals it at the next sign-in.
COMMENT ON COLUMN accounts.totp_secret IS 'TOTP key sealed with AES-GCM (v1:<base64>); legacy rows in clear until the next sign-in';

-- A secret being set up, sealed too: it replaces totp_secret only once a code from it is confirmed, so
-- starting set-up again never overwrites the secret in use.
ALTER TABLE accounts ADD COLUMN totp_pending_secret text;
-- The last 30-second step whose code was accepted: a code is good once (RFC 6238 section 5.2).
ALTER TABLE accounts ADD COLUMN totp_last_step bigint;

-- Single-use recovery codes for two-factor sign-in, stored only as SHA-256 hashes.
CREATE TABLE two_factor_recovery_codes (
    account_id uuid NOT NULL REFERENCES accounts (id),
    code_hash bytea NOT NULL,
    used_at timestamptz,
    PRIMARY KEY (account_id, code_hash)
);

-- When the session was last used, for the idle timeout.
ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();

GRANT SELECT, INSERT, UPDATE, DELETE ON two_factor_recovery_codes TO cdt_app;

-- Servers keep the sessions they looked up in memory for a few seconds (CDTPostgres SessionCache); each
-- listens on the channel 'cdt_sessions' and forgets every session it holds on a notice. These triggers send
-- that notice, when the transaction commits, on every change that can end or narrow a live session:
-- a session revoked, expired, moved back in its last use or otherwise changed, or deleted; an account
-- disabled, or its password, two-factor state or names changed, or deleted; any change of role
-- assignments; a unit's place in the hierarchy changed (assignments are read with their unit's path).
-- Not on what only adds or moves time forward: a new session, the once-a-minute touch of last_seen_at,
-- a two-factor code or recovery code used.
-- PostgreSQL folds identical notices of one transaction into one; the payload is empty (forget all).

CREATE FUNCTION cdt_notify_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cdt_sessions', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER sessions_change_notice AFTER UPDATE ON sessions FOR EACH ROW
    WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
          OR OLD.enrollment_only IS DISTINCT FROM NEW.enrollment_only OR OLD.field_day IS DISTINCT FROM NEW.field_day
          OR OLD.account_id IS DISTINCT FROM NEW.account_id OR OLD.token_hash IS DISTINCT FROM NEW.token_hash
          OR NEW.last_seen_at < OLD.last_seen_at)
    EXECUTE FUNCTION cdt_notify_session_change();
CREATE TRIGGER sessions_removal_notice AFTER DELETE OR TRUNCATE ON sessions FOR EACH STATEMENT
    EXECUTE FUNCTION cdt_notify_session_change();

CREATE TRIGGER accounts_change_notice AFTER UPDATE ON accounts FOR EACH ROW
    WHEN (OLD.disabled_at IS DISTINCT FROM NEW.disabled_at OR OLD.password_hash IS DISTINCT FROM NEW.password_hash
          OR OLD.totp_secret IS DISTINCT FROM NEW.totp_secret OR OLD.totp_enabled_at IS DISTINCT FROM NEW.totp_enabled_at
          OR OLD.username IS DISTINCT FROM NEW.username OR OLD.phone IS DISTINCT FROM NEW.phone
          OR OLD.display_name IS DISTINCT FROM NEW.display_name OR OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION cdt_notify_session_change();
CREATE TRIGGER accounts_removal_notice AFTER DELETE OR TRUNCATE ON accounts FOR EACH STATEMENT
    EXECUTE FUNCTION cdt_notify_session_change();

CREATE TRIGGER role_assignments_change_notice AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON role_assignments FOR EACH STATEMENT
    EXECUTE FUNCTION cdt_notify_session_change();

CREATE TRIGGER administrative_units_placement_notice
    AFTER UPDATE OF path, parent_id, level, province_id OR DELETE OR TRUNCATE ON administrative_units FOR EACH STATEMENT
    EXECUTE FUNCTION cdt_notify_session_change();

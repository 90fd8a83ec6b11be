-- A session opened by the field app for a member, team leader or commune officer lasts the field day: it ends
-- at its expiry (12 hours after sign-in) or when revoked, not after the idle timeout, since a member may walk
-- for hours where there is no signal. Accounts that must use two-factor sign-in never get one.
ALTER TABLE sessions ADD COLUMN field_day boolean NOT NULL DEFAULT false;

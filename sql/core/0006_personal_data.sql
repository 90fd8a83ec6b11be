-- Erasing a person on request (Law 91/2025/QH15 on personal data protection): the member's details are
-- replaced by placeholders and the copies of them in the log's member.joined events are redacted, while
-- the ids stay, so every count their work produced stays the same.

ALTER TABLE members ADD COLUMN erased_at timestamptz;

-- The log stays append-only, except for this one redaction, done only by cdt_erase_member below.
CREATE OR REPLACE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (TG_TABLE_NAME = 'events' OR TG_TABLE_NAME LIKE 'events\_p%') AND current_setting('cdt.erasing', true) = 'on'
       AND NEW.id = OLD.id AND NEW.type = OLD.type AND NEW.type = 'member.joined' AND NEW.unit_id = OLD.unit_id
       AND NEW.province_id = OLD.province_id AND NEW.occurred_at = OLD.occurred_at AND NEW.recorded_at = OLD.recorded_at
       AND NEW.author_id = OLD.author_id AND NEW.version = OLD.version AND NEW.position = OLD.position THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the event log is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$;

-- Replaces a member's details with placeholders everywhere they are stored. Runs as the owner, so the
-- application role, which may not change the log, can ask for it and for nothing else.
CREATE FUNCTION cdt_erase_member(member uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    placeholder constant jsonb := '{"name": "(đã xoá)", "phone": "0000000000", "gender": "other", "birthYear": 1920, "affiliations": []}';
    province uuid;
BEGIN
    SELECT province_id INTO province FROM members WHERE id = member;
    IF province IS NULL OR NOT cdt_province_allowed(province) THEN
        RAISE EXCEPTION 'no member % in the provinces of this transaction', member USING ERRCODE = 'no_data_found';
    END IF;
    PERFORM set_config('cdt.erasing', 'on', true);
    UPDATE members SET name = '(đã xoá)', search_key = '(da xoa)', sort_key = '\x'::bytea, phone = '0000000000',
                       gender = 'other', birth_year = 1920, affiliations = '{}', erased_at = now()
    WHERE id = member;
    UPDATE events SET payload = jsonb_set(payload, '{person}', placeholder)
    WHERE province_id = province AND type = 'member.joined' AND payload->>'memberId' = member::text AND payload ? 'person';
    PERFORM set_config('cdt.erasing', 'off', true);
END
$$;

REVOKE ALL ON FUNCTION cdt_erase_member(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cdt_erase_member(uuid) TO cdt_app;

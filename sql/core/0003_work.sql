-- Teams, members, households, campaigns, trainings, and the event log they are built from.
--
-- Every tenant-owned row carries province_id, the province of the unit it belongs to: the key that
-- authorization checks, that row-level security will check again, and that partitions the event log.
-- Every change arrives as an event; the tables other than `events` are projections the same
-- transaction keeps up to date.

CREATE TABLE teams (
    id uuid PRIMARY KEY,
    province_id uuid NOT NULL REFERENCES administrative_units (id),
    unit_id uuid NOT NULL REFERENCES administrative_units (id),
    level text NOT NULL CHECK (level IN ('village', 'commune')),
    name text NOT NULL,
    search_key text NOT NULL,
    sort_key bytea NOT NULL,
    decision_number text NOT NULL,
    decision_date date NOT NULL,
    decision_signer text NOT NULL,
    issuing_unit_id uuid NOT NULL REFERENCES administrative_units (id),
    chat_link text,
    established_on date NOT NULL,
    ended_on date,
    ending text CHECK (ending IN ('dissolved', 'merged')),
    merged_into uuid REFERENCES teams (id),
    CHECK (ended_on IS NULL OR ended_on > established_on),
    CHECK ((ended_on IS NULL) = (ending IS NULL)),
    CHECK ((ending = 'merged') = (merged_into IS NOT NULL)),
    -- One active village-level team per village at a time.
    CONSTRAINT teams_one_per_village EXCLUDE USING gist (unit_id WITH =, daterange(established_on, ended_on) WITH &&)
        WHERE (level = 'village')
);
CREATE INDEX teams_unit ON teams (unit_id);
CREATE INDEX teams_order ON teams (province_id, sort_key, id);

CREATE TABLE members (
    id uuid PRIMARY KEY,
    province_id uuid NOT NULL REFERENCES administrative_units (id),
    name text NOT NULL,
    search_key text NOT NULL,
    sort_key bytea NOT NULL,
    phone text NOT NULL CHECK (phone ~ '^0[0-9]{9}$'),
    gender text NOT NULL CHECK (gender IN ('female', 'male', 'other')),
    birth_year integer NOT NULL CHECK (birth_year BETWEEN 1900 AND 2100),
    affiliations text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX members_order ON members (province_id, sort_key, id);
CREATE INDEX members_search ON members USING gin (search_key gin_trgm_ops);

-- A member's place on a team with one role over a period; a role change ends one row and starts another.
CREATE TABLE memberships (
    team_id uuid NOT NULL REFERENCES teams (id),
    member_id uuid NOT NULL REFERENCES members (id),
    province_id uuid NOT NULL REFERENCES administrative_units (id),
    role text NOT NULL CHECK (role IN ('head', 'deputyHead', 'member')),
    joined_on date NOT NULL,
    left_on date,
    PRIMARY KEY (team_id, member_id, joined_on),
    CHECK (left_on IS NULL OR left_on > joined_on),
    CONSTRAINT memberships_once_at_a_time EXCLUDE USING gist (team_id WITH =, member_id WITH =, daterange(joined_on, left_on) WITH &&),
    -- One head per team at a time.
    CONSTRAINT memberships_one_head EXCLUDE USING gist (team_id WITH =, daterange(joined_on, left_on) WITH &&) WHERE (role = 'head')
);
CREATE INDEX memberships_member ON memberships (member_id);

CREATE TABLE households (
    id uuid PRIMARY KEY,
    province_id uuid NOT NULL REFERENCES administrative_units (id),
    unit_id uuid NOT NULL REFERENCES administrative_units (id),
    label text,
    size integer NOT NULL CHECK (size BETWEEN 1 AND 60),
    -- [{"ageBand": "60+", "count": 2, "withSmartphone": 1, "notApplicable": 1, "notApplicableReason": "elderly"}]
    residents jsonb NOT NULL DEFAULT '[]',
    not_applicable text CHECK (not_applicable IN ('elderly', 'noDevice', 'refused', 'movedAway')),
    registered_on date NOT NULL
);
CREATE INDEX households_unit ON households (unit_id, id);
CREATE INDEX households_province ON households (province_id, id);

CREATE TABLE campaigns (
    id uuid PRIMARY KEY,
    province_id uuid NOT NULL REFERENCES administrative_units (id),
    scope_unit_id uuid NOT NULL REFERENCES administrative_units (id),
    name text NOT NULL,
    search_key text NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL CHECK (ends_on >= starts_on),
    target_skills text[] NOT NULL,
    target_services text[] NOT NULL,
    -- [{"metric": "householdsVisited", "value": 12000}]
    targets jsonb NOT NULL,
    closed_on date
);
CREATE INDEX campaigns_province ON campaigns (province_id, starts_on DESC, id);

CREATE TABLE trainings (
    id uuid PRIMARY KEY,
    province_id uuid NOT NULL REFERENCES administrative_units (id),
    unit_id uuid NOT NULL REFERENCES administrative_units (id),
    organiser text NOT NULL,
    topic text NOT NULL,
    format text NOT NULL CHECK (format IN ('onSite', 'online')),
    held_on date NOT NULL,
    attendee_count integer NOT NULL
);
CREATE INDEX trainings_province ON trainings (province_id, held_on DESC, id);

CREATE TABLE training_attendees (
    training_id uuid NOT NULL REFERENCES trainings (id),
    member_id uuid NOT NULL REFERENCES members (id),
    province_id uuid NOT NULL REFERENCES administrative_units (id),
    PRIMARY KEY (training_id, member_id)
);
CREATE INDEX training_attendees_member ON training_attendees (member_id);

-- The event log: append-only, one row per event, partitioned by province.
--
-- Idempotency is on the client-made id across all provinces, which a partitioned table cannot enforce
-- on its own (its keys must include the partition key), so `event_ids` is the ledger of ids: inserting
-- into it first makes a resent event a no-op and a reused id with another body a conflict.
-- Partitions are by hash of the province, fixed at 16, so no province needs a partition created
-- for it; time is covered by the (province_id, occurred_at) index and a BRIN index on recorded_at,
-- and a deployment that wants to drop old months can sub-partition each by range of recorded_at.
CREATE TABLE event_ids (
    id uuid PRIMARY KEY,
    province_id uuid NOT NULL
);

CREATE SEQUENCE events_position_seq AS bigint;

CREATE TABLE events (
    -- The order events were recorded in, for readers that follow the log.
    position bigint NOT NULL DEFAULT nextval('events_position_seq'),
    id uuid NOT NULL,
    province_id uuid NOT NULL,
    unit_id uuid NOT NULL,
    type text NOT NULL,
    version integer NOT NULL,
    author_id uuid NOT NULL,
    occurred_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL,
    payload jsonb NOT NULL,
    PRIMARY KEY (province_id, id)
) PARTITION BY HASH (province_id);

DO $$
BEGIN
    FOR remainder IN 0..15 LOOP
        EXECUTE format('CREATE TABLE events_p%s PARTITION OF events FOR VALUES WITH (MODULUS 16, REMAINDER %s)', remainder, remainder);
    END LOOP;
END
$$;

CREATE INDEX events_position ON events (position);
CREATE INDEX events_province_time ON events (province_id, occurred_at, position);
CREATE INDEX events_unit_time ON events (unit_id, occurred_at);
CREATE INDEX events_recorded ON events USING brin (recorded_at);

-- Append-only: the log is never changed or trimmed by the application.
CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_refuse_change();
CREATE TRIGGER event_ids_append_only BEFORE UPDATE OR DELETE ON event_ids
    FOR EACH ROW EXECUTE FUNCTION events_refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();

-- Rewards nomination (thi đua, khen thưởng): rounds, nominations and each nomination's history. All three
-- tables are projections of the module's own events (rewards.round_opened, rewards.nomination_…), kept
-- by the routes in the transaction that records the event and by delivery, idempotently on the event's
-- id; `cdt modules rebuild rewards` empties them and replays the log to the same state.

-- A round, keyed by the id of the rewards.round_opened event that opened it.
CREATE TABLE rewards_rounds (
    province_id uuid NOT NULL,
    id uuid NOT NULL,
    scope_unit_id uuid NOT NULL,      -- the province whose localities nominate
    title_vi text NOT NULL,
    title_en text NOT NULL,
    period_from date NOT NULL,        -- the work that counts as evidence: from this day
    period_until date NOT NULL,       -- to this day, inclusive
    categories jsonb NOT NULL,        -- [{"key", "nameVi", "nameEn", "subject": team|member|practice}]
    quotas jsonb NOT NULL,            -- [{"category", "level", "limit"}]
    deadlines jsonb NOT NULL,         -- [{"level", "date"}]: the last day a nomination may reach that level
    chain jsonb NOT NULL,             -- the levels that review, bottom-up: ["commune", "province"]
    state text NOT NULL CHECK (state IN ('open', 'closed')),
    opened_at timestamptz NOT NULL,
    opened_by uuid NOT NULL,
    closed_at timestamptz,
    PRIMARY KEY (province_id, id)
);

-- A nomination, keyed by the id of the rewards.nomination_drafted event.
CREATE TABLE rewards_nominations (
    province_id uuid NOT NULL,
    id uuid NOT NULL,
    round_id uuid NOT NULL,
    category text NOT NULL,
    subject_kind text NOT NULL CHECK (subject_kind IN ('team', 'member', 'practice')),
    subject_id uuid NOT NULL,
    subject_name text NOT NULL,
    subject_role text,                -- a member's role on the team (head, deputyHead, member)
    team_id uuid,                     -- the team nominated, or the nominated member's team
    team_name text,
    unit_id uuid NOT NULL,            -- the nominating commune (the first reviewing unit)
    subject_unit_id uuid NOT NULL,    -- where the nominee's work is recorded (a team's village): the events' unit
    review_units jsonb NOT NULL,      -- the reviewing unit at each level of the round's chain
    citation text NOT NULL,
    state text NOT NULL CHECK (state IN ('draft', 'under_review', 'endorsed', 'returned', 'approved', 'rejected', 'awarded', 'withdrawn')),
    level_index int,                  -- the level reviewing it now (index into the round's chain)
    reached int NOT NULL DEFAULT 0,   -- how many levels have endorsed it since it was last submitted
    evidence jsonb,                   -- frozen when submitted: [{"key", "labelVi", "labelEn", "value"}]
    submitted_at timestamptz,
    return_reason text,
    decision jsonb,                   -- when awarded: {"decisionNumber", "decisionDate", "signer", "awardTitle"}
    nominated_by uuid NOT NULL,
    version int NOT NULL DEFAULT 1,   -- one more with each event: optimistic concurrency for reviewers
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (province_id, id)
);
CREATE INDEX rewards_nominations_round ON rewards_nominations (round_id, state, category);
CREATE INDEX rewards_nominations_unit ON rewards_nominations (unit_id);

-- Every event that changed a nomination, in order: its history, and the ledger that makes applying an
-- event twice a no-op.
CREATE TABLE rewards_history (
    province_id uuid NOT NULL,
    event_id uuid NOT NULL,
    nomination_id uuid NOT NULL,
    version int NOT NULL,             -- the nomination's version this step made: the history's order
    action text NOT NULL,
    level text,
    note text NOT NULL DEFAULT '',
    actor uuid NOT NULL,
    occurred_at timestamptz NOT NULL,
    PRIMARY KEY (province_id, event_id)
);
CREATE INDEX rewards_history_nomination ON rewards_history (nomination_id, version);

SELECT cdt_tenant_table('rewards_rounds');
SELECT cdt_tenant_table('rewards_nominations');
SELECT cdt_tenant_table('rewards_history');

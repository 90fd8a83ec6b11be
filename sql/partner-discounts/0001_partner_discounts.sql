-- Enterprise partner discounts (issue 21): partners, their offers in each province, the members' claims
-- and their redemptions. The first three tables are projections of the module's own events (listed in
-- projectionTables; `cdt modules rebuild partner-discounts` replays them); the routes write the same rows
-- in the transaction that records each event, and the handler's writes are idempotent. The codes in clear
-- and the counter's lookups are what the routes keep, outside the projections. docs/partner-discounts.md.

-- A partner organisation (telecom, postal, IT), registered in its home province: nationally by a national
-- administrator (reach 'national': it may offer in every province), or by a province administrator for
-- that province alone (reach 'province').
CREATE TABLE partner_discounts_partners (
    province_id uuid NOT NULL,
    id uuid NOT NULL UNIQUE,
    name text NOT NULL,
    tax_code text NOT NULL,
    contact text NOT NULL,
    reach text NOT NULL CHECK (reach IN ('national', 'province')),
    registered_at timestamptz NOT NULL,
    registered_by uuid NOT NULL,
    PRIMARY KEY (province_id, id)
);
SELECT cdt_tenant_table('partner_discounts_partners');

-- An offer's part in one province: drafted by the partner, live there once that province's administrator
-- approves it (with the province's co-funding, if any), until its end or a withdrawal. An offer drafted for
-- several provinces has one row in each, under the same id; quantity and limits count within the province.
CREATE TABLE partner_discounts_offers (
    province_id uuid NOT NULL,
    id uuid NOT NULL,
    partner_id uuid NOT NULL,
    partner_name text NOT NULL,
    title_vi text NOT NULL,
    title_en text NOT NULL,
    terms_vi text NOT NULL,
    terms_en text NOT NULL,
    benefit_kind text NOT NULL CHECK (benefit_kind IN ('percentage', 'fixedPrice', 'freeQuantity')),
    benefit_amount bigint NOT NULL,
    benefit_unit text NOT NULL,
    commune_ids uuid[] NOT NULL,
    leaders_only boolean NOT NULL,
    trained_only boolean NOT NULL,
    valid_from date NOT NULL,
    valid_until date NOT NULL,
    quantity integer NOT NULL CHECK (quantity > 0),
    per_member_limit integer NOT NULL CHECK (per_member_limit > 0),
    code_valid_days integer NOT NULL CHECK (code_valid_days > 0),
    drafted_at timestamptz NOT NULL,
    status text NOT NULL CHECK (status IN ('awaitingApproval', 'approved', 'withdrawn')),
    approved_at timestamptz,
    approved_by uuid,
    subsidy_per_redemption bigint NOT NULL DEFAULT 0,
    budget_cap bigint NOT NULL DEFAULT 0,
    withdrawn_at timestamptz,
    withdrawal_reason text,
    PRIMARY KEY (province_id, id)
);
SELECT cdt_tenant_table('partner_discounts_offers');
CREATE INDEX partner_discounts_offers_partner ON partner_discounts_offers (partner_id, province_id);

-- A member's claim of an offer: a one-time code (only its SHA-256 is kept here) valid until expires_at,
-- redeemed once.
CREATE TABLE partner_discounts_claims (
    province_id uuid NOT NULL,
    id uuid NOT NULL,
    offer_id uuid NOT NULL,
    partner_id uuid NOT NULL,
    member_id uuid NOT NULL,
    team_id uuid NOT NULL,
    unit_id uuid NOT NULL,
    commune_id uuid NOT NULL,
    code_hash bytea NOT NULL UNIQUE,
    claimed_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    redeemed_at timestamptz,
    PRIMARY KEY (province_id, id)
);
SELECT cdt_tenant_table('partner_discounts_claims');
CREATE INDEX partner_discounts_claims_offer ON partner_discounts_claims (province_id, offer_id);
CREATE INDEX partner_discounts_claims_member ON partner_discounts_claims (member_id, offer_id);

-- The code in clear, for the member's own "my codes" page: written by the claim route only (the event
-- carries the hash, so the log never holds a code anyone could use).
CREATE TABLE partner_discounts_codes (
    province_id uuid NOT NULL,
    claim_id uuid NOT NULL,
    code text NOT NULL,
    PRIMARY KEY (province_id, claim_id)
);
SELECT cdt_tenant_table('partner_discounts_codes');

-- Every code a counter looked up, in the partner's home province: the rate limit and the lock-out after
-- repeated misses read it (a module keeps no state in memory).
CREATE TABLE partner_discounts_lookups (
    province_id uuid NOT NULL,
    id uuid NOT NULL,
    partner_id uuid NOT NULL,
    caller text NOT NULL,
    looked_up_at timestamptz NOT NULL,
    found boolean NOT NULL,
    PRIMARY KEY (province_id, id)
);
SELECT cdt_tenant_table('partner_discounts_lookups');
CREATE INDEX partner_discounts_lookups_caller ON partner_discounts_lookups (partner_id, caller, looked_up_at);

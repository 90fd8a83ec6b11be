-- The administrative hierarchy over time.
-- A unit is one code over one validity period: codes are reused across reorganizations, so identity is the
-- id (code plus period), never the code alone. Depth varies by branch and by date: a commune's parent was
-- a district until 30 June 2025 and is its province since.

-- Lets the exclusion constraint below compare codes (=) and periods (&&) in one GiST index.
CREATE EXTENSION IF NOT EXISTS btree_gist;
-- Trigram indexes make accent-free substring search on names fast.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE administrative_units (
    id uuid PRIMARY KEY,
    code text NOT NULL,
    name text NOT NULL,
    -- The name lower-cased without diacritics ('phuong phuc xa'), computed by the domain (VietnameseText).
    search_key text NOT NULL,
    -- Bytes whose order is Vietnamese order of the name without its type word (AdministrativeUnit.sortKey).
    sort_key bytea NOT NULL,
    level text NOT NULL CHECK (level IN ('nation', 'province', 'district', 'commune', 'village')),
    type text NOT NULL,
    parent_id uuid REFERENCES administrative_units (id),
    -- The province the unit belongs to (itself for a province): the tenancy key.
    province_id uuid REFERENCES administrative_units (id),
    -- Ids from the top down, '/<province>/<district>/<commune>/': a subtree is a prefix match on an index.
    path text NOT NULL,
    valid_from date NOT NULL,
    valid_until date,
    CHECK (valid_until IS NULL OR valid_until > valid_from),
    CHECK ((level IN ('nation', 'province')) = (parent_id IS NULL)),
    -- An official code names one unit of a level at a time.
    EXCLUDE USING gist (level WITH =, code WITH =, daterange(valid_from, valid_until) WITH &&) WHERE (level <> 'village')
);

CREATE INDEX administrative_units_parent ON administrative_units (parent_id);
CREATE INDEX administrative_units_path ON administrative_units (path text_pattern_ops);
CREATE INDEX administrative_units_code ON administrative_units (code, level);
CREATE INDEX administrative_units_search ON administrative_units USING gin (search_key gin_trgm_ops);
CREATE INDEX administrative_units_province ON administrative_units (province_id);
CREATE INDEX administrative_units_order ON administrative_units (sort_key, id);
-- Village codes are local: unique under their commune.
CREATE UNIQUE INDEX administrative_units_village_code ON administrative_units (parent_id, code, valid_from) WHERE level = 'village';

-- Lineage: the predecessor carries on as (part of) the successor from `effective` on.
CREATE TABLE unit_lineage (
    predecessor_id uuid NOT NULL REFERENCES administrative_units (id),
    successor_id uuid NOT NULL REFERENCES administrative_units (id),
    kind text NOT NULL CHECK (kind IN ('merged', 'split', 'renamed', 'moved')),
    -- The part of the predecessor a split carries over, when known.
    share numeric CHECK (share > 0 AND share <= 1),
    effective date NOT NULL,
    PRIMARY KEY (predecessor_id, successor_id),
    CHECK (predecessor_id <> successor_id),
    CHECK (kind = 'split' OR share IS NULL)
);

CREATE INDEX unit_lineage_successor ON unit_lineage (successor_id);

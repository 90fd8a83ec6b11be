-- Good practices ("mô hình hay"): what localities share with the event practice.shared, and which ones a
-- province's curators endorsed. Every table carries province_id and goes under row-level security.

-- Built from the event log alone: emptied and replayed by `cdt modules rebuild good-practices`.
CREATE TABLE good_practices_practices (
    province_id uuid NOT NULL,
    id uuid NOT NULL,              -- the practice.shared event's id
    unit_id uuid NOT NULL,
    title text NOT NULL,
    summary text NOT NULL,
    link text,
    search_key text NOT NULL,      -- title and summary without diacritics, lower-cased (VietnameseText)
    shared_at timestamptz NOT NULL,
    shared_by uuid NOT NULL,
    PRIMARY KEY (province_id, id)
);
CREATE INDEX good_practices_practices_unit ON good_practices_practices (unit_id, shared_at);

-- Entered by curators through the module's route: kept by a rebuild.
CREATE TABLE good_practices_endorsements (
    province_id uuid NOT NULL,
    practice_id uuid NOT NULL,
    endorsed_by uuid NOT NULL,
    endorsed_at timestamptz NOT NULL DEFAULT now(),
    note text NOT NULL DEFAULT '',
    PRIMARY KEY (province_id, practice_id)
);

SELECT cdt_tenant_table('good_practices_practices');
SELECT cdt_tenant_table('good_practices_endorsements');

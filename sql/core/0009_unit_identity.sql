-- A unit keeps its identity through what does not change its territory.
--
-- A respelling (`Xã Thuận Hòa` → `Xã Thuận Hoà`), a corrected letter or a change of type (`Xã Lộc Ninh` →
-- `Phường Lộc Ninh`, `Tỉnh Đồng Nai` → `Thành phố Đồng Nai`) keeps the unit's id: administrative_units holds
-- the name and type in force today, and this table the ones it had before, each over the days they were in
-- force, so a list "as of" a past day shows the name of that day. Nothing under a renamed unit changes.
CREATE TABLE unit_name_versions (
    unit_id uuid NOT NULL REFERENCES administrative_units (id),
    valid_from date NOT NULL,
    valid_until date NOT NULL,
    name text NOT NULL,
    type text NOT NULL,
    search_key text NOT NULL,
    sort_key bytea NOT NULL,
    PRIMARY KEY (unit_id, valid_from),
    CHECK (valid_until > valid_from)
);
CREATE INDEX unit_name_versions_until ON unit_name_versions (valid_until);

-- Every applied import of a tree or a reorganization map: the file's checksum and what it changed. Each is
-- also an event in the log of every province it changed and a line in the audit log.
CREATE TABLE hierarchy_imports (
    id uuid PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('tree', 'reorganization')),
    effective date NOT NULL,
    -- SHA-256 of the files, hex.
    checksum text NOT NULL,
    source text NOT NULL,
    counts jsonb NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT ON unit_name_versions, hierarchy_imports TO cdt_app;

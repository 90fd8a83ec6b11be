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

-- A province's villages are its own: its administrators add, rename, move and close them as events
-- (village.added, …), which the server appends as the application role. Row-level security lets that role
-- read the whole hierarchy and write villages of the provinces the transaction may change, and nothing
-- else: official units come from imports, which run as the owner.
CREATE FUNCTION cdt_village_writable(unit uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM administrative_units u WHERE u.id = unit AND u.level = 'village' AND cdt_province_changeable(u.province_id))
$$;

ALTER TABLE administrative_units ENABLE ROW LEVEL SECURITY;
CREATE POLICY administrative_units_read ON administrative_units FOR SELECT USING (true);
CREATE POLICY administrative_units_add_village ON administrative_units FOR INSERT
    WITH CHECK (level = 'village' AND cdt_province_changeable(province_id) AND province_id = cdt_unit_province(parent_id));
CREATE POLICY administrative_units_change_village ON administrative_units FOR UPDATE
    USING (level = 'village' AND cdt_province_changeable(province_id))
    WITH CHECK (level = 'village' AND cdt_province_changeable(province_id) AND province_id = cdt_unit_province(parent_id));

ALTER TABLE unit_lineage ENABLE ROW LEVEL SECURITY;
CREATE POLICY unit_lineage_read ON unit_lineage FOR SELECT USING (true);
CREATE POLICY unit_lineage_link_villages ON unit_lineage FOR INSERT
    WITH CHECK (cdt_village_writable(predecessor_id) AND cdt_village_writable(successor_id));
CREATE POLICY unit_lineage_relink_villages ON unit_lineage FOR UPDATE
    USING (cdt_village_writable(predecessor_id) AND cdt_village_writable(successor_id))
    WITH CHECK (cdt_village_writable(predecessor_id) AND cdt_village_writable(successor_id));

ALTER TABLE unit_name_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY unit_name_versions_read ON unit_name_versions FOR SELECT USING (true);
CREATE POLICY unit_name_versions_rename_village ON unit_name_versions FOR INSERT WITH CHECK (cdt_village_writable(unit_id));

GRANT INSERT, UPDATE ON administrative_units TO cdt_app;
GRANT INSERT, UPDATE ON unit_lineage TO cdt_app;
GRANT INSERT ON unit_name_versions TO cdt_app;
GRANT SELECT, UPDATE, DELETE ON module_role_assignments TO cdt_app;  -- a village's module roles move with it
CREATE POLICY module_role_assignments_follow_village ON module_role_assignments FOR UPDATE
    USING (cdt_province_changeable(cdt_unit_province(unit_id))) WITH CHECK (cdt_province_changeable(cdt_unit_province(unit_id)));

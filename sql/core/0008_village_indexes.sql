-- The villages in force under a province or a commune, counted from the index alone: the coverage
-- figures divide by them on every drill-down (a province holds up to 5,000 villages, the nation about
-- 67,000), and reading their rows cost 30 ms a request at national scale.
CREATE INDEX administrative_units_villages_by_province ON administrative_units (province_id, valid_from, valid_until) WHERE level = 'village';
CREATE INDEX administrative_units_villages_by_parent ON administrative_units (parent_id, valid_from, valid_until) WHERE level = 'village';

-- coverage_leaf_days loses its index on province_id (issue 23). No statement reads through it: a leaf row is
-- found by its unit and day (the primary key), a rebuild empties the table with TRUNCATE, and row-level
-- security filters rows, it does not look them up. Every leaf row a replay inserts paid an entry in it (4.7
-- million in a replay of national's units, where pg_stat_user_indexes counted no scan of it).
DROP INDEX IF EXISTS coverage_leaf_days_province;

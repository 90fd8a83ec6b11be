-- The province checks of row-level security (0005, 0010) find a row's province in the transaction's list
-- without parsing the list into uuids (issue 23).
--
-- A policy's check runs for every row a statement reads or writes. Before, each run split `cdt.provinces`
-- (or `cdt.change_provinces`) and cast every id in it to uuid: with the 34 provinces of a national reader,
-- 34 uuids parsed per row read. A province's drill-down reads about 4,000 rows of coverage's tables: its
-- values' read took 2.8 ms with the list parsed and 1.7 ms with this check (pgbench, the small data set,
-- prepared, 34 provinces in the list; 1.5 against 1.4 ms with one), and parsing was a quarter of
-- PostgreSQL's time in drill-downs (`perf`).
--
-- The server writes each list as lower-case ids joined by commas (RowScope). An id's text is 36 characters
-- with no comma in them, so it is found in such a list only where it is one of its entries: the same rows
-- as before. An id written into a list by hand in capitals lets no row through (the cast read it).
CREATE OR REPLACE FUNCTION cdt_province_allowed(province uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(current_setting('cdt.all_provinces', true), '') = 'on'
        OR strpos(current_setting('cdt.provinces', true), province::text) > 0
$$;

CREATE OR REPLACE FUNCTION cdt_province_changeable(province uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(current_setting('cdt.all_change_provinces', true), '') = 'on'
        OR strpos(current_setting('cdt.change_provinces', true), province::text) > 0
$$;

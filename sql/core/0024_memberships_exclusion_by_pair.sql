-- A membership's exclusion constraint keyed by the pair of ids (issue 23), no longer by each id as a column.
--
-- The constraint's GiST index had team_id and member_id as columns of their own. PostgreSQL prices a GiST probe
-- on any of its columns alike, so it probed that index for `member_id = ANY(...)` as readily as the index made
-- for it (memberships_member), and GiST finds a value of its second column only by reading most of the index.
-- With the 300,000 memberships of the national scale, the members' places for a batch of 1,000 visits took 12 s
-- and a shared commit's eight members 184 ms; through memberships_member, 14 ms and 1.5 ms
-- (docs/benchmarks.md, "Thirteenth round"). Keyed by one expression of both ids, the index serves the constraint
-- alone, and every probe by a team or a member goes to a B-tree (memberships_pkey, memberships_member).
--
-- A uuid's text is 36 characters, so the concatenation of two tells every pair apart. The name stays: the
-- server names the rule behind it (ConstraintViolations).
ALTER TABLE memberships DROP CONSTRAINT memberships_once_at_a_time;
ALTER TABLE memberships ADD CONSTRAINT memberships_once_at_a_time
    EXCLUDE USING gist ((team_id::text || member_id::text) WITH =, daterange(joined_on, left_on) WITH &&);

-- Extensions the core schema relies on.
-- unaccent folds Vietnamese diacritics for accent-insensitive search of unit, team and member names
-- ("Phuc Xa" finds "Phường Phúc Xá"). It ships with PostgreSQL (contrib) and is trusted since PostgreSQL 13,
-- so a database owner may create it without superuser rights.
CREATE EXTENSION IF NOT EXISTS unaccent;

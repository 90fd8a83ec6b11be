-- What the field app shows of a household: found by its label without diacritics, and when it was last
-- visited, how often, what it still lacks and when it last changed, read from the log.

-- The label as people search it (VietnameseText.searchKey: lower-case, no diacritics, `đ` as `d`, single
-- spaces); null when the household has no label. The event log's projection writes it from Swift; the
-- households already stored get it here, folded by unaccent the same way.
ALTER TABLE households ADD COLUMN search_key text;
UPDATE households
SET search_key = lower(regexp_replace(btrim(translate(unaccent(normalize(label, NFC)), 'đĐ', 'dD')), '\s+', ' ', 'g'))
WHERE label IS NOT NULL;

-- The events about one household, by its id: its visits (last visit, how many, what is mastered or not
-- applicable) and its registration and updates (when it last changed), for a village's list in one query.
-- Only household events enter the index, and the id is the one in the payload, which stays the same when
-- the household moves with its village in a reorganization.
CREATE INDEX events_household ON events ((payload ->> 'householdId'), position)
    WHERE type IN ('household.registered', 'household.updated', 'household.visited');

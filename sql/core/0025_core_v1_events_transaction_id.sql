-- core_v1.events gains the transaction id of each event (issue 23), so a module can read the log up to an event
-- it is being delivered: a feed position is (transaction_id, position), in that order (FeedPosition), and the
-- position alone does not tell which events come first, as an older transaction may write after a younger one.
--
-- Coverage recounts a campaign's reach from the log when the campaign is launched or closed. Bounded by the
-- event's feed position, the recount reads only the visits and trainings delivered before it (those after it
-- come through the delivery); unbounded, it read every visit of the province, at every launch. A replay of
-- national's units spent 39 s of its 4.8 minutes there (34 campaigns launched before the work they cover,
-- 1.2 s each; docs/benchmarks.md, "Fourteenth round").
--
-- Adding a column at the end keeps core_v1's promise (docs/core-views.md): every column before it stays.
CREATE OR REPLACE VIEW core_v1.events WITH (security_invoker = true) AS
    SELECT position, id, province_id, unit_id, type, version, occurred_at, recorded_at,
           CASE WHEN type = 'member.joined' THEN payload - 'person' ELSE payload END AS payload,
           transaction_id
    FROM public.events;
COMMENT ON VIEW core_v1.events IS
    'The event log, append-only: position is the order recorded, type and version name the payload''s shape (docs/events.md), '
    'unit_id the unit where the work was recorded and province_id its province (an index serves province_id with occurred_at, '
    'another unit_id with occurred_at, a third province_id with transaction_id and position). The feed delivers events in '
    'the order of (transaction_id, position): the events delivered before one at FeedPosition (t, p) are those with '
    '(transaction_id, position) < (t, p). member.joined events come without their person (name and phone): read a member '
    'through core_v1.members. A module following the log should take events from its delivery (FeedEvent), not from this view.';

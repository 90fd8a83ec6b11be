-- National rounds: a round whose scope is the nation is one row per province where rewards was enabled when
-- it opened (the same round id in each province's row), each the projection of that province's own
-- rewards.round_opened event; its chain is the province's chain with `nation` on top. A province's rows
-- stay its own, as row-level security needs.
ALTER TABLE rewards_rounds
    ADD COLUMN scope text NOT NULL DEFAULT 'province' CHECK (scope IN ('province', 'nation'));

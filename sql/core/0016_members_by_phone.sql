-- A signed-in account is found on the teams by its phone number (modules' "who is the caller as a member":
-- conflict of interest in rewards, eligibility in partner discounts). One lookup per request that asks.
CREATE INDEX members_phone ON members (phone) WHERE erased_at IS NULL;

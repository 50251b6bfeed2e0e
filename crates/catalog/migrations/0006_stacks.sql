-- 0006: stacks (issue 5, R2.9). Every asset of a stack, its cover included, holds the cover's
-- seq in `stack`; NULL when not stacked. Members other than the cover are in the `StackMember`
-- posting, which the grid's queries leave out (one card per stack).

ALTER TABLE asset ADD COLUMN stack INTEGER;
CREATE INDEX asset_stack ON asset(stack) WHERE stack IS NOT NULL;

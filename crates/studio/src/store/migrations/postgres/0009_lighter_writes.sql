-- Since 0007 every reader of sync_row by seq reads one scope's range of (scope, seq); the index
-- on seq alone is read by nothing, yet every row a push writes (a new seq each time) moved its
-- entry: one index fewer to keep for each row of every push.
DROP INDEX sync_row_by_seq;

-- Each answer a push keeps checked its account against `account` (PostgreSQL checks a foreign
-- key with a query per row: a tenth of a storm's writing time). The answer's account is the
-- signed-in caller, and accounts are never deleted (a removed person keeps their row, marked).
ALTER TABLE applied_intent DROP CONSTRAINT applied_intent_account_id_fkey;

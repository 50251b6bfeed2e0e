-- Since 0007 every reader of sync_row by seq reads one scope's range of (scope, seq); the index
-- on seq alone is read by nothing, yet every row a push writes (a new seq each time) moved its
-- entry: one index fewer to keep for each row of every push.
DROP INDEX sync_row_by_seq;

-- A pull reads each of the caller's scopes from its cursor on: (scope, seq) makes that a
-- range of the index. With the seq index alone, a scope holding few rows (the studio's, the
-- caller's own) was found by walking every later row of every scope, page after page — a
-- first sync of 100,000 assets spent most of the studio's time there.
CREATE INDEX sync_row_by_scope ON sync_row (scope, seq);

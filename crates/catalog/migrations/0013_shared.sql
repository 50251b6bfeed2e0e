-- 0013: shared projects and other members' assets (issue 12, STUDIO.md §3–§4). Each row this
-- library holds because the studio sent it is remembered with the seq that made it what it is
-- and the scope it came in: a Gone row older than the copy is ignored, and losing a scope
-- purges what came in it. `scopes` is the list the last pull reported (gaining one starts a
-- backfill). Other members' assets arrive without their original: presence 3 (remote).

CREATE TABLE replicated (
    kind   TEXT NOT NULL,                 -- 'asset', 'project'
    key    BLOB NOT NULL,                 -- the row's public id
    scope  TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE INDEX replicated_by_scope ON replicated (scope);

ALTER TABLE sync_state ADD COLUMN scopes TEXT NOT NULL DEFAULT '[]';

-- Builds before this one skipped these rows: pull everything again.
UPDATE sync_state SET rebuild = 1;

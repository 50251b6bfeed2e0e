-- 0010: the sync client's state (issue 11, STUDIO.md §4). `replica` names this library to the
-- studio (the key of at-most-once with each outbox id; it survives signing in again); the
-- cursor and epoch say how far the pull got; refusals are the Couldn't sync list (R14.2).

ALTER TABLE studio_binding ADD COLUMN replica BLOB;

CREATE TABLE sync_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    epoch         TEXT,                 -- the studio's, as of the last pull; NULL: never pulled
    cursor        INTEGER NOT NULL DEFAULT 0,
    last_sync_at  INTEGER,
    -- Set when the local view must be rebuilt from the studio's (a refusal was undone, the
    -- epoch changed): the next pull starts from 0 and replaces what it covers.
    rebuild       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sync_refusal (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    intent    TEXT NOT NULL,            -- the intent's name (brand.member), or 'bind'
    what      TEXT NOT NULL,            -- for people: what was tried
    code      TEXT NOT NULL,
    message   TEXT NOT NULL,
    at        INTEGER NOT NULL
);

-- Libraries bound before this migration get their replica id now.
UPDATE studio_binding SET replica = randomblob(16) WHERE replica IS NULL;

-- 0025: saved searches (issue 14, feature 4) — Lightroom's smart collections: a person's own
-- filters, saved by name, that the rail shows with a live count. The query is kept as the JSON
-- the search takes (without brand scope, page size or cursor), read again at every use.

CREATE TABLE saved_search (
    id          INTEGER PRIMARY KEY,
    uid         BLOB NOT NULL UNIQUE,
    owner       INTEGER NOT NULL REFERENCES user (id),
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    query       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (owner, name_key)
);

-- Sync (STUDIO.md §3–§4): brands with their kits and members, the studio's limits, and what
-- every library replicates — one current row per (kind, key) with the seq of the change that
-- made it so, in the scope that decides who sees it.

-- One row: the studio's epoch (a new one after a restore makes clients start over), the last
-- seq handed out, and the plan limits (R9.5; NULL: none).
CREATE TABLE sync_meta (
    id                   INTEGER PRIMARY KEY CHECK (id = 1),
    epoch                BLOB NOT NULL,
    seq                  INTEGER NOT NULL,
    projects_per_member  INTEGER,
    storage_per_project  INTEGER
) STRICT;
INSERT INTO sync_meta (id, epoch, seq) VALUES (1, randomblob(16), 0);

CREATE TABLE brand (
    id           BLOB PRIMARY KEY,          -- a Personal brand's id is its person's
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    personal_of  BLOB REFERENCES account (id),
    kit          TEXT NOT NULL,             -- JSON (atelier-protocol Kit)
    created_at   INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX brand_team_name ON brand (name_key) WHERE personal_of IS NULL;

CREATE TABLE brand_member (
    brand       BLOB NOT NULL REFERENCES brand (id) ON DELETE CASCADE,
    account_id  BLOB NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    role        INTEGER NOT NULL CHECK (role IN (0, 1, 2)),   -- manager, creator, viewer
    PRIMARY KEY (brand, account_id)
) STRICT;
CREATE INDEX brand_member_by_account ON brand_member (account_id);

-- What libraries replicate: the current row per (kind, key), as atelier-protocol SyncData JSON.
CREATE TABLE sync_row (
    kind   TEXT NOT NULL,
    key    TEXT NOT NULL,
    scope  TEXT NOT NULL,                   -- 'studio', 'user:<uuid>', later 'brand:<uuid>'
    seq    INTEGER NOT NULL,
    body   TEXT NOT NULL,
    PRIMARY KEY (kind, key)
) STRICT;
CREATE INDEX sync_row_by_seq ON sync_row (seq);

-- Intents already applied or refused, per library (replica) and intent id: a repeated push
-- gets the same answer and changes nothing (at most once).
CREATE TABLE applied_intent (
    replica     BLOB NOT NULL,
    intent_id   INTEGER NOT NULL,
    account_id  BLOB NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    result      TEXT NOT NULL,              -- JSON (atelier-protocol PushOutcome)
    at          INTEGER NOT NULL,
    PRIMARY KEY (replica, intent_id)
) STRICT;

-- Sync (STUDIO.md §3–§4), as migrations/sqlite/0004 has it. The sync_meta row is also the
-- lock every replicated change takes until it commits: seq N+1 can't be handed out before N
-- is committed, so a reader never sees a later seq while an earlier one is in flight.

CREATE TABLE sync_meta (
    id                   BIGINT PRIMARY KEY CHECK (id = 1),
    epoch                BYTEA NOT NULL,
    seq                  BIGINT NOT NULL,
    projects_per_member  BIGINT,
    storage_per_project  BIGINT
);
INSERT INTO sync_meta (id, epoch, seq)
VALUES (1, decode(md5(random()::text || clock_timestamp()::text), 'hex'), 0);

CREATE TABLE brand (
    id           BYTEA PRIMARY KEY,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    personal_of  BYTEA REFERENCES account (id),
    kit          TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX brand_team_name ON brand (name_key) WHERE personal_of IS NULL;

CREATE TABLE brand_member (
    brand       BYTEA NOT NULL REFERENCES brand (id) ON DELETE CASCADE,
    account_id  BYTEA NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    role        BIGINT NOT NULL CHECK (role IN (0, 1, 2)),
    PRIMARY KEY (brand, account_id)
);
CREATE INDEX brand_member_by_account ON brand_member (account_id);

CREATE TABLE sync_row (
    kind   TEXT NOT NULL,
    key    TEXT NOT NULL,
    scope  TEXT NOT NULL,
    seq    BIGINT NOT NULL,
    body   TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX sync_row_by_seq ON sync_row (seq);

CREATE TABLE applied_intent (
    replica     BYTEA NOT NULL,
    intent_id   BIGINT NOT NULL,
    account_id  BYTEA NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    result      TEXT NOT NULL,
    at          BIGINT NOT NULL,
    PRIMARY KEY (replica, intent_id)
);

-- The studio, its people and their devices (STUDIO.md §2), as migrations/sqlite/0001 has them.
-- Ids are UUIDv7 as 16-byte BYTEA; times are milliseconds since the Unix epoch, UTC (BIGINT);
-- role codes are BIGINT so that both backends read them as i64. Secrets are stored only as
-- SHA-256.

CREATE TABLE studio (
    id          BIGINT PRIMARY KEY CHECK (id = 1),    -- one studio per database; its row is
    name        TEXT NOT NULL,                        -- also the lock role changes take
    created_at  BIGINT NOT NULL
);

CREATE TABLE account (
    id            BYTEA PRIMARY KEY,
    email         TEXT NOT NULL,              -- as typed, for display
    email_key     TEXT NOT NULL UNIQUE,       -- case-folded: one account per address
    display_name  TEXT NOT NULL,
    password_hash TEXT,                       -- Argon2id PHC string; NULL: no password sign-in
    studio_role   BIGINT NOT NULL CHECK (studio_role IN (0, 1, 2)),  -- owner, admin, member
    created_at    BIGINT NOT NULL
);

CREATE INDEX account_by_role ON account (studio_role);

CREATE TABLE device (
    id            BYTEA PRIMARY KEY,
    account_id    BYTEA NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    refresh_hash  BYTEA NOT NULL UNIQUE,      -- SHA-256 of the current refresh secret
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    revoked_at    BIGINT                      -- set once; a revoked device never comes back
);

CREATE INDEX device_by_account ON device (account_id);

-- Refresh secrets already exchanged: presenting one again means it was copied, so the device
-- is revoked (theft detection).
CREATE TABLE spent_refresh (
    hash       BYTEA PRIMARY KEY,
    device_id  BYTEA NOT NULL REFERENCES device (id) ON DELETE CASCADE
);

CREATE INDEX spent_refresh_by_device ON spent_refresh (device_id);

-- Opaque access tokens, by SHA-256, so that every studio process sharing the database agrees
-- on them and revoking a device ends them at once.
CREATE TABLE access_token (
    hash        BYTEA PRIMARY KEY,
    device_id   BYTEA NOT NULL REFERENCES device (id) ON DELETE CASCADE,
    expires_at  BIGINT NOT NULL
);

CREATE INDEX access_token_by_device ON access_token (device_id);

-- Invitations (STUDIO.md §2, R10.1) and removing members, as migrations/sqlite/0002 has them.
-- Forward-only.

-- A removed member keeps their account row (their id may be referenced later), without a
-- role that counts, devices or sign-in; accepting a new invitation brings them back.
ALTER TABLE account ADD COLUMN removed_at BIGINT;

-- An invitation link carries a 256-bit secret; only its SHA-256 is kept, looked up by it.
-- Resending replaces the hash and the expiry (the old link dies). Times in ms since the epoch.
CREATE TABLE invitation (
    id           BYTEA PRIMARY KEY,
    email        TEXT NOT NULL,                  -- as typed, for display
    email_key    TEXT NOT NULL,                  -- case-folded: what accepting must match
    studio_role  BIGINT NOT NULL CHECK (studio_role IN (0, 1, 2)),
    token_hash   BYTEA NOT NULL UNIQUE,
    invited_by   BYTEA NOT NULL REFERENCES account (id),
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    accepted_at  BIGINT,                         -- set once: a link works once
    accepted_by  BYTEA REFERENCES account (id),
    revoked_at   BIGINT                          -- set once
);

CREATE INDEX invitation_by_email ON invitation (email_key);

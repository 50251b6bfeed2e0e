-- As migrations/sqlite/0003 has it.
-- Browser sign-in (STUDIO.md §2, after RFC 8628 / Nextcloud Login Flow v2). A desktop starts a
-- sign-in and gets two secrets of 256 bits: the login link's, for the person's browser, and the
-- poll token it keeps. Only their SHA-256 is stored, looked up by it. The person approves (or
-- denies) on the studio's page; the desktop's next poll then makes the device and receives its
-- credential, exactly once (`delivered_at`). Times in ms since the epoch. Forward-only.
CREATE TABLE browser_sign_in (
    login_hash    BYTEA PRIMARY KEY,             -- SHA-256 of the link's secret
    poll_hash     BYTEA NOT NULL UNIQUE,         -- SHA-256 of the poll token
    device_name   TEXT NOT NULL,                -- shown on the page before approving
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    approved_by   BYTEA REFERENCES account (id),
    approved_at   BIGINT,                      -- set once, with approved_by
    denied_at     BIGINT,                      -- set once; never with approved_at
    delivered_at  BIGINT                       -- set once: the credential went out
);

CREATE INDEX browser_sign_in_by_expiry ON browser_sign_in (expires_at);

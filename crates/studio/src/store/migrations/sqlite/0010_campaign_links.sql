-- Public campaign links (SPEC R8.4–R8.6, docs/decisions/0017). The token is never stored: it
-- is HMAC-SHA256 under the link key (kept in the blob store) of the campaign's id and `nonce`;
-- a request is found by the SHA-256 of the token it presents. One row per public campaign:
-- regenerating replaces it, making the campaign private deletes it.
CREATE TABLE campaign_link (
    campaign    BLOB PRIMARY KEY,
    nonce       BLOB NOT NULL,
    token_hash  BLOB NOT NULL UNIQUE,
    made_by     BLOB NOT NULL,
    made_at     INTEGER NOT NULL
) STRICT;

-- The studio's public sharing switch (an Owner or Admin turns it on; it also needs the
-- server's --public-url).
ALTER TABLE studio ADD COLUMN public_sharing INTEGER NOT NULL DEFAULT 0;

-- Files (STUDIO.md §5). An asset row names its original's content hash and its creator, so
-- that who may read a file is one indexed lookup: a member may read the bytes of hash H when
-- an asset of H is in a scope they read and its creator has shown they hold H (a grant) —
-- knowing a hash never grants a file.
ALTER TABLE sync_row ADD COLUMN hash TEXT;
ALTER TABLE sync_row ADD COLUMN creator BLOB;
CREATE INDEX sync_row_by_hash ON sync_row (hash) WHERE hash IS NOT NULL;

-- The originals stored (their bytes are in the blob store under the hash).
CREATE TABLE blob (
    hash       TEXT PRIMARY KEY,
    size       INTEGER NOT NULL,
    stored_at  INTEGER NOT NULL
) STRICT;

-- Who has shown they hold a file: they sent its bytes (verified whole), or could already read it.
CREATE TABLE blob_grant (
    hash        TEXT NOT NULL,
    account_id  BLOB NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    PRIMARY KEY (hash, account_id)
) STRICT;

-- Uploads in progress: one per content hash (two members sending the same file meet in one),
-- resumable part by part; the parts' bytes wait in the blob store under uploads/<id>/<n>.
CREATE TABLE upload_session (
    id          TEXT PRIMARY KEY,
    hash        TEXT NOT NULL UNIQUE,
    size        INTEGER NOT NULL,
    part_size   INTEGER NOT NULL,
    created_by  BLOB NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE upload_part (
    session  TEXT NOT NULL REFERENCES upload_session (id) ON DELETE CASCADE,
    n        INTEGER NOT NULL,
    size     INTEGER NOT NULL,
    hash     TEXT NOT NULL,
    PRIMARY KEY (session, n)
) STRICT;

-- Renditions (grid thumbnail, preview) of an original, sent by a member who holds it; their
-- bytes are a blob of their own.
CREATE TABLE rendition (
    hash       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    blob_hash  TEXT NOT NULL,
    mime       TEXT NOT NULL,
    PRIMARY KEY (hash, kind)
) STRICT;

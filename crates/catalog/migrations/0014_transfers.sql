-- 0014: files sent to the studio (STUDIO.md §5). A content hash is listed once the studio
-- holds it for this library's person (uploaded and verified whole, or found there already):
-- the uploader skips it from then on. A hash not listed whose asset is in a shared project,
-- with its file here, waits to be sent.

CREATE TABLE sent_file (
    hash     BLOB PRIMARY KEY,
    sent_at  INTEGER NOT NULL
) WITHOUT ROWID;

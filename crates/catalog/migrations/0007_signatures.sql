-- 0007: visual signatures (issue 6, R13). One row per asset whose grid rendition has been
-- analysed: a 64-bit perceptual hash and a 48-byte descriptor (atelier-similar defines both;
-- the catalog stores them as given). `id` only grows (AUTOINCREMENT), so a reader that has seen
-- ids up to N loads every signature added or replaced since with `id > N`.

CREATE TABLE asset_signature (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    asset   INTEGER NOT NULL UNIQUE REFERENCES asset(seq) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    phash   INTEGER NOT NULL,
    vector  BLOB NOT NULL
);

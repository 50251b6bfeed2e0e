-- 0001: the first catalog. Forward-only: later changes are new numbered files, never edits here.
--
-- Conventions: `seq`/`id` INTEGER PRIMARY KEYs are local row ids used for joins and postings;
-- `uid` BLOBs are the public UUIDv7 ids. Times are unix milliseconds (UTC) unless named
-- otherwise. Enumerations are the stable codes of atelier-domain. `*_key` columns hold the
-- case-folded spelling that uniqueness is checked on, while the display spelling keeps its case.

CREATE TABLE user (
    id            INTEGER PRIMARY KEY,
    uid           BLOB NOT NULL UNIQUE,
    handle        TEXT NOT NULL,
    handle_key    TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    studio_role   TEXT NOT NULL CHECK (studio_role IN ('owner', 'admin', 'member')),
    is_local      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

CREATE TABLE brand (
    id            INTEGER PRIMARY KEY,
    uid           BLOB NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL,
    personal_of   INTEGER REFERENCES user(id),
    created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX brand_team_name ON brand(name_key) WHERE personal_of IS NULL;
CREATE UNIQUE INDEX brand_personal ON brand(personal_of) WHERE personal_of IS NOT NULL;

CREATE TABLE project (
    id            INTEGER PRIMARY KEY,
    uid           BLOB NOT NULL UNIQUE,
    owner         INTEGER NOT NULL REFERENCES user(id),
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    UNIQUE (owner, name_key)
);

-- The hot table: narrow, one row per asset, everything the grid and the filters need.
CREATE TABLE asset (
    seq           INTEGER PRIMARY KEY,
    uid           BLOB NOT NULL UNIQUE,
    hash          BLOB NOT NULL,
    name          TEXT NOT NULL,
    kind          INTEGER NOT NULL,
    source        INTEGER NOT NULL,
    status        INTEGER NOT NULL DEFAULT 0,
    rating        INTEGER NOT NULL DEFAULT 0,
    flag          INTEGER NOT NULL DEFAULT 0,
    project       INTEGER NOT NULL REFERENCES project(id),
    brand         INTEGER NOT NULL REFERENCES brand(id),
    creator       INTEGER NOT NULL REFERENCES user(id),
    width         INTEGER NOT NULL DEFAULT 0,
    height        INTEGER NOT NULL DEFAULT 0,
    added_at      INTEGER NOT NULL,
    captured_at   TEXT,
    -- Wall-clock seconds of the capture time (or of the file time when the camera wrote
    -- none): the key of the Captured sort.
    sort_captured INTEGER NOT NULL,
    prompt        TEXT
);
CREATE INDEX asset_hash ON asset(hash);
CREATE INDEX asset_added ON asset(added_at);
CREATE INDEX asset_captured ON asset(sort_captured, seq);
CREATE INDEX asset_project ON asset(project);
CREATE INDEX asset_brand ON asset(brand);
CREATE INDEX asset_creator ON asset(creator);

-- Where an asset's bytes are and what they are; read for one asset at a time.
CREATE TABLE asset_file (
    asset         INTEGER PRIMARY KEY REFERENCES asset(seq) ON DELETE CASCADE,
    -- Absolute for files added in place; relative to the library folder when managed.
    path          TEXT NOT NULL,
    managed       INTEGER NOT NULL,
    bytes         INTEGER NOT NULL,
    mime          TEXT NOT NULL,
    format        TEXT NOT NULL,
    mtime_ms      INTEGER,
    orientation   INTEGER NOT NULL DEFAULT 1,
    -- File extension of the grid thumbnail in cache/, NULL until one exists.
    thumb         TEXT
);
CREATE INDEX asset_file_path ON asset_file(path);

-- Everything else read from the file: shown by `show`, never filtered on directly.
CREATE TABLE asset_meta (
    asset         INTEGER PRIMARY KEY REFERENCES asset(seq) ON DELETE CASCADE,
    title         TEXT,
    description   TEXT,
    exif          TEXT,      -- JSON object of display values
    generation    TEXT       -- JSON of atelier_media::Generation
);

CREATE TABLE tag (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    key           TEXT NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL
);
CREATE TABLE asset_tag (
    tag           INTEGER NOT NULL REFERENCES tag(id) ON DELETE CASCADE,
    asset         INTEGER NOT NULL REFERENCES asset(seq) ON DELETE CASCADE,
    PRIMARY KEY (tag, asset)
) WITHOUT ROWID;
CREATE INDEX asset_tag_asset ON asset_tag(asset);

CREATE TABLE collection (
    id            INTEGER PRIMARY KEY,
    uid           BLOB NOT NULL UNIQUE,
    brand         INTEGER NOT NULL REFERENCES brand(id) ON DELETE CASCADE,
    parent        INTEGER REFERENCES collection(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX collection_sibling ON collection(brand, ifnull(parent, 0), name_key);
CREATE INDEX collection_parent ON collection(parent);
CREATE TABLE collection_asset (
    collection    INTEGER NOT NULL REFERENCES collection(id) ON DELETE CASCADE,
    asset         INTEGER NOT NULL REFERENCES asset(seq) ON DELETE CASCADE,
    added_at      INTEGER NOT NULL,
    PRIMARY KEY (collection, asset)
) WITHOUT ROWID;
CREATE INDEX collection_asset_asset ON collection_asset(asset);

CREATE TABLE campaign (
    id            INTEGER PRIMARY KEY,
    uid           BLOB NOT NULL UNIQUE,
    brand         INTEGER NOT NULL REFERENCES brand(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    UNIQUE (brand, name_key)
);
CREATE TABLE campaign_asset (
    campaign      INTEGER NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
    asset         INTEGER NOT NULL REFERENCES asset(seq) ON DELETE CASCADE,
    added_at      INTEGER NOT NULL,
    PRIMARY KEY (campaign, asset)
) WITHOUT ROWID;
CREATE INDEX campaign_asset_asset ON campaign_asset(asset);

-- Postings: for each filterable value, the set of asset seqs that have it, as roaring bitmaps
-- cut into chunks of 65,536 seqs (seq >> 16), so that counting and combining filters over a
-- million assets costs microseconds and an edit rewrites at most a few kilobytes. Kept in the
-- same transaction as the rows they index; `key` packs the facet kind and value (see
-- postings.rs).
CREATE TABLE posting (
    key           INTEGER NOT NULL,
    chunk         INTEGER NOT NULL,
    bits          BLOB NOT NULL,
    PRIMARY KEY (key, chunk)
) WITHOUT ROWID;

-- Full-text search, one table per field so that a word's document list in one field never
-- has to be filtered out of another's (ranking is by field, see search.rs). Contentless: the
-- text lives in `asset`; detail=none: only which documents hold a word is needed. Prefix
-- indexes serve 2- and 3-letter prefixes; longer prefixes are expanded through `fts_term`.
-- Tags are indexed once per tag (`fts_tags`, rowid = tag id), not once per asset: a tag's
-- assets come from its posting, so tagging 100,000 assets touches no full-text row.
CREATE VIRTUAL TABLE fts_name USING fts5(text, content='', contentless_delete=1, detail=none, prefix='2 3', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE fts_tags USING fts5(text, content='', contentless_delete=1, detail=none, prefix='2 3', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE fts_prompt USING fts5(text, content='', contentless_delete=1, detail=none, prefix='2 3', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE fts_meta USING fts5(text, content='', contentless_delete=1, detail=none, prefix='2 3', tokenize='unicode61 remove_diacritics 2');

-- Every term each full-text field has ever indexed, as FTS5's own tokenizer produced it
-- (field: 0 name, 1 tags, 2 prompt, 3 meta). A prefix longer than the prefix indexes is
-- expanded into these exact terms, because FTS5 answers a long prefix by merging document
-- lists (~40 ms for a word in 40 % of a million rows) but an exact term at once. Terms are
-- never removed: a stale one simply matches nothing.
CREATE TABLE fts_term (
    field         INTEGER NOT NULL,
    term          TEXT NOT NULL,
    PRIMARY KEY (field, term)
) WITHOUT ROWID;

-- The change journal: every user-visible change, for the UI's live refresh and for sync.
CREATE TABLE change (
    seq           INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    actor         INTEGER REFERENCES user(id),
    entity        TEXT NOT NULL,
    entity_uid    BLOB,
    action        TEXT NOT NULL,
    before        TEXT,
    after         TEXT
);

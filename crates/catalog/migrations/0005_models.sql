-- 0005: AI models (issue 5, R9.7). Model files cataloged in a project with their hashes and
-- header facts, and the models each generated asset names (by hash prefix or by name), so that
-- both directions are an indexed lookup.

CREATE TABLE model (
    id            INTEGER PRIMARY KEY,
    uid           BLOB NOT NULL UNIQUE,
    project       INTEGER NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    path          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    key           TEXT NOT NULL,      -- file name without folder and extension, lowercase
    output_key    TEXT,               -- the name it was trained under, lowercase
    format        TEXT NOT NULL,
    bytes         INTEGER NOT NULL,
    mtime_ms      INTEGER,
    sha256        TEXT NOT NULL,      -- hex, whole file
    addnet        TEXT,               -- hex, safetensors data after the header
    info          TEXT NOT NULL,      -- JSON: base model, trigger words, details
    added_at      INTEGER NOT NULL
);
CREATE INDEX model_sha256 ON model(sha256);
CREATE INDEX model_key ON model(key);
CREATE INDEX model_project ON model(project);

-- hash = 1: `value` is a lowercase hex hash or prefix; hash = 0: a model key (see model.key).
CREATE TABLE asset_model_ref (
    value         TEXT NOT NULL,
    hash          INTEGER NOT NULL,
    asset         INTEGER NOT NULL REFERENCES asset(seq) ON DELETE CASCADE,
    PRIMARY KEY (value, hash, asset)
) WITHOUT ROWID;
CREATE INDEX asset_model_ref_asset ON asset_model_ref(asset);

-- Assets imported before this migration: their checkpoint hashes (names need the importer's
-- rules and come with the next import of the file).
INSERT OR IGNORE INTO asset_model_ref (value, hash, asset)
    SELECT lower(json_extract(generation, '$.model_hash')), 1, asset FROM asset_meta
    WHERE json_valid(generation) AND length(json_extract(generation, '$.model_hash')) >= 8;

-- 0003: living folders (issue 5): watched folders per project, whether an asset's file is
-- where the catalog says (0 ok, 1 missing: deleted on disk, 2 offline: its volume is gone), and
-- a video's duration.

CREATE TABLE watched_folder (
    id            INTEGER PRIMARY KEY,
    project       INTEGER NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    path          TEXT NOT NULL UNIQUE,
    added_at      INTEGER NOT NULL
);
CREATE INDEX watched_folder_project ON watched_folder(project);

ALTER TABLE asset_file ADD COLUMN presence INTEGER NOT NULL DEFAULT 0;
-- A video's running time in milliseconds (NULL for stills and when the container doesn't say).
ALTER TABLE asset_file ADD COLUMN duration_ms INTEGER;
CREATE INDEX asset_file_presence ON asset_file(presence) WHERE presence != 0;

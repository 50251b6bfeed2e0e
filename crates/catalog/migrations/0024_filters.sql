-- 0024: what the library's filters and sorts read besides the review fields (issue 14): the
-- camera, lens and file type an asset's file names (each name kept once, in facet_name), whether
-- it knows where it was taken, its colour label, and a name to sort by (numbers in order). Their
-- postings are filled by the fixup that follows (a rebuild), then kept with every change.

CREATE TABLE facet_name (
    id    INTEGER PRIMARY KEY,
    -- 1 camera, 2 lens, 3 file type
    kind  INTEGER NOT NULL,
    name  TEXT NOT NULL,
    UNIQUE (kind, name)
);

ALTER TABLE asset ADD COLUMN camera INTEGER REFERENCES facet_name (id);
ALTER TABLE asset ADD COLUMN lens INTEGER REFERENCES facet_name (id);
ALTER TABLE asset ADD COLUMN file_type INTEGER REFERENCES facet_name (id);
ALTER TABLE asset ADD COLUMN gps INTEGER NOT NULL DEFAULT 0;
ALTER TABLE asset ADD COLUMN label INTEGER NOT NULL DEFAULT 0;
ALTER TABLE asset ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';

-- The sorts walk these in order (a page of a million sorted by name reads a page of the index).
CREATE INDEX asset_by_sort_name ON asset (sort_name, seq);
CREATE INDEX asset_by_pixels ON asset ((width * height), seq);
CREATE INDEX asset_file_by_bytes ON asset_file (bytes, asset);
-- Files that need attention are few: "Missing or offline" reads them alone.
CREATE INDEX asset_file_attention ON asset_file (presence, asset) WHERE presence IN (1, 2);

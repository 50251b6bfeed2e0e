-- Links between assets that arrive from the studio before the asset they name: a stack member
-- whose cover, or a fork whose original, hasn't come (yet, or isn't this library's to see).
-- The asset waits unlinked, holding the id it names, and is linked when that asset arrives.
CREATE TABLE link_pending (
    asset   INTEGER NOT NULL REFERENCES asset(seq) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('stack', 'parent')),
    target  BLOB NOT NULL,
    PRIMARY KEY (asset, kind)
) STRICT;
CREATE INDEX link_pending_target ON link_pending(target);

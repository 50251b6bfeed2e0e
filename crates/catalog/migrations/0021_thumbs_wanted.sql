-- 0021: the thumbnails this library still wants from the studio — other members' assets
-- (presence 3) with no grid thumbnail here whose thumbnail the studio said it has — kept as a
-- table, newest first, by triggers on every way those three facts change. (A file row is
-- never inserted after its asset's `replicated` row: an arriving asset is inserted, then
-- remembered.) Finding them by
-- visiting every remote asset made each round of a 100,000-asset first sync cost more than
-- the last (quadratic over the sync).

CREATE TABLE thumb_wanted (
    asset     INTEGER PRIMARY KEY REFERENCES asset(seq) ON DELETE CASCADE,
    added_at  INTEGER NOT NULL
);
CREATE INDEX thumb_wanted_newest ON thumb_wanted (added_at DESC, asset DESC);

INSERT INTO thumb_wanted (asset, added_at)
    SELECT a.seq, a.added_at FROM asset a JOIN asset_file f ON f.asset = a.seq
    JOIN replicated r ON r.kind = 'asset' AND r.key = a.uid AND r.thumb = 1
    WHERE f.presence = 3 AND f.thumb IS NULL;

-- The studio says it has the thumbnail (a new row, or a known row republished).
CREATE TRIGGER thumb_wanted_on_replicated AFTER INSERT ON replicated
    WHEN NEW.kind = 'asset' AND NEW.thumb = 1
BEGIN
    INSERT OR IGNORE INTO thumb_wanted (asset, added_at)
        SELECT a.seq, a.added_at FROM asset a JOIN asset_file f ON f.asset = a.seq
        WHERE a.uid = NEW.key AND f.presence = 3 AND f.thumb IS NULL;
END;

CREATE TRIGGER thumb_wanted_on_replicated_thumb AFTER UPDATE OF thumb ON replicated
    WHEN NEW.kind = 'asset' AND NEW.thumb IS NOT OLD.thumb
BEGIN
    DELETE FROM thumb_wanted WHERE NEW.thumb = 0
        AND asset = (SELECT seq FROM asset WHERE uid = NEW.key);
    INSERT OR IGNORE INTO thumb_wanted (asset, added_at)
        SELECT a.seq, a.added_at FROM asset a JOIN asset_file f ON f.asset = a.seq
        WHERE NEW.thumb = 1 AND a.uid = NEW.key AND f.presence = 3 AND f.thumb IS NULL;
END;

CREATE TRIGGER thumb_wanted_on_unreplicated AFTER DELETE ON replicated
    WHEN OLD.kind = 'asset'
BEGIN
    DELETE FROM thumb_wanted WHERE asset = (SELECT seq FROM asset WHERE uid = OLD.key);
END;

-- A thumbnail stored here, the original downloaded, or a thumbnail lost.
CREATE TRIGGER thumb_wanted_on_file AFTER UPDATE OF thumb, presence ON asset_file
    WHEN NEW.thumb IS NOT OLD.thumb OR NEW.presence IS NOT OLD.presence
BEGIN
    DELETE FROM thumb_wanted WHERE asset = NEW.asset
        AND (NEW.presence != 3 OR NEW.thumb IS NOT NULL);
    INSERT OR IGNORE INTO thumb_wanted (asset, added_at)
        SELECT a.seq, a.added_at FROM asset a
        JOIN replicated r ON r.kind = 'asset' AND r.key = a.uid AND r.thumb = 1
        WHERE a.seq = NEW.asset AND NEW.presence = 3 AND NEW.thumb IS NULL;
END;

CREATE TRIGGER thumb_wanted_on_file_gone AFTER DELETE ON asset_file
BEGIN
    DELETE FROM thumb_wanted WHERE asset = OLD.asset;
END;

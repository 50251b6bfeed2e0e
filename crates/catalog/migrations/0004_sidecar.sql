-- 0004: XMP write-back (issue 5). Assets whose sidecar must be (re)written — queued by triggers,
-- so that every way of changing a rating, a tag, a title or a description (one asset, a bulk
-- edit, a tag rename or merge) is covered — and when Atelier last read or wrote each sidecar,
-- to tell a sidecar edited by another tool from its own writes. Only files added in place have
-- sidecars (managed copies are the library's own).

CREATE TABLE sidecar_pending (
    asset         INTEGER PRIMARY KEY REFERENCES asset(seq) ON DELETE CASCADE,
    queued_at     INTEGER NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    error         TEXT
);

ALTER TABLE asset_file ADD COLUMN sidecar_mtime_ms INTEGER;

CREATE VIEW sidecar_now AS SELECT CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) AS ms;

CREATE TRIGGER sidecar_on_rating AFTER UPDATE OF rating ON asset WHEN NEW.rating IS NOT OLD.rating
BEGIN
    INSERT INTO sidecar_pending (asset, queued_at)
        SELECT f.asset, (SELECT ms FROM sidecar_now) FROM asset_file f WHERE f.asset = NEW.seq AND f.managed = 0
        ON CONFLICT (asset) DO UPDATE SET queued_at = excluded.queued_at, attempts = 0, error = NULL;
END;

CREATE TRIGGER sidecar_on_tag_add AFTER INSERT ON asset_tag
BEGIN
    INSERT INTO sidecar_pending (asset, queued_at)
        SELECT f.asset, (SELECT ms FROM sidecar_now) FROM asset_file f
        WHERE f.asset = NEW.asset AND f.managed = 0
        ON CONFLICT (asset) DO UPDATE SET queued_at = excluded.queued_at, attempts = 0, error = NULL;
END;

CREATE TRIGGER sidecar_on_tag_remove AFTER DELETE ON asset_tag
BEGIN
    INSERT INTO sidecar_pending (asset, queued_at)
        SELECT f.asset, (SELECT ms FROM sidecar_now) FROM asset_file f
        WHERE f.asset = OLD.asset AND f.managed = 0 AND EXISTS (SELECT 1 FROM asset WHERE seq = OLD.asset)
        ON CONFLICT (asset) DO UPDATE SET queued_at = excluded.queued_at, attempts = 0, error = NULL;
END;

CREATE TRIGGER sidecar_on_tag_rename AFTER UPDATE OF name ON tag WHEN NEW.name IS NOT OLD.name
BEGIN
    INSERT INTO sidecar_pending (asset, queued_at)
        SELECT f.asset, (SELECT ms FROM sidecar_now) FROM asset_tag t JOIN asset_file f ON f.asset = t.asset
        WHERE t.tag = NEW.id AND f.managed = 0
        ON CONFLICT (asset) DO UPDATE SET queued_at = excluded.queued_at, attempts = 0, error = NULL;
END;

CREATE TRIGGER sidecar_on_text AFTER UPDATE OF title, description ON asset_meta
    WHEN NEW.title IS NOT OLD.title OR NEW.description IS NOT OLD.description
BEGIN
    INSERT INTO sidecar_pending (asset, queued_at)
        SELECT f.asset, (SELECT ms FROM sidecar_now) FROM asset_file f WHERE f.asset = NEW.asset AND f.managed = 0
        ON CONFLICT (asset) DO UPDATE SET queued_at = excluded.queued_at, attempts = 0, error = NULL;
END;

-- 0008: the Trash (issue 10). Deleting an asset moves it to the Trash: it keeps everything it had
-- (tags, collections, campaigns, files) and leaves every view but the Trash's until it is
-- restored, or purged when the Trash is emptied or 30 days have passed. Trashed assets are in
-- the `Trashed` posting, subtracted from every live query.

ALTER TABLE asset ADD COLUMN trashed_at INTEGER;
CREATE INDEX asset_trashed ON asset(trashed_at) WHERE trashed_at IS NOT NULL;

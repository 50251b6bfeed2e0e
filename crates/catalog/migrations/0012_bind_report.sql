-- 0012: whether the binding's first full sync reported (or created) the team brands the studio
-- lacks. Until it has, each sync pulls from cursor 0 and tries again, so a first sync cut off
-- midway still reports everything. Libraries that already synced did theirs.

ALTER TABLE sync_state ADD COLUMN reported INTEGER NOT NULL DEFAULT 0;
UPDATE sync_state SET reported = 1 WHERE epoch IS NOT NULL;

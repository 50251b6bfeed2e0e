-- 0009: a journal the sync can read (issue 10). Every entity has a public id (tags get theirs
-- here; the catalog gives the existing ones theirs after migrating); a bulk action is one journal
-- entry with the ids of the assets it touched; and the outbox, written in the same transaction as
-- each entry while the library is bound to a studio (`studio_binding` holds that binding: empty
-- while standalone, so the outbox stays empty too).

ALTER TABLE tag ADD COLUMN uid BLOB;
CREATE UNIQUE INDEX tag_uid ON tag(uid) WHERE uid IS NOT NULL;

-- The public ids (16 bytes each, concatenated) of the assets a bulk action touched.
ALTER TABLE change ADD COLUMN assets BLOB;

CREATE TABLE studio_binding (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    studio_url    TEXT NOT NULL,
    user_uid      BLOB NOT NULL,
    device_uid    BLOB NOT NULL,
    bound_at      INTEGER NOT NULL
);

-- Journal entries waiting to be pushed to the studio, in order (`id` only grows).
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    change        INTEGER NOT NULL UNIQUE REFERENCES change(seq),
    queued_at     INTEGER NOT NULL
);

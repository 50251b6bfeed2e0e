-- 0002: organising and review (issue 3): brand kits, members and anchors, project settings and
-- states, fork parents, the review audit log, campaign visibility.

ALTER TABLE brand ADD COLUMN color TEXT;
ALTER TABLE brand ADD COLUMN logo_asset INTEGER REFERENCES asset(seq) ON DELETE SET NULL;
ALTER TABLE brand ADD COLUMN prompt_prefix TEXT NOT NULL DEFAULT '';
ALTER TABLE brand ADD COLUMN prompt_suffix TEXT NOT NULL DEFAULT '';
ALTER TABLE brand ADD COLUMN banned_terms TEXT NOT NULL DEFAULT '[]';   -- JSON array of strings
ALTER TABLE brand ADD COLUMN self_approval INTEGER NOT NULL DEFAULT 0;
ALTER TABLE brand ADD COLUMN palette TEXT NOT NULL DEFAULT '[]';        -- JSON array of #RRGGBB

CREATE TABLE brand_member (
    brand         INTEGER NOT NULL REFERENCES brand(id) ON DELETE CASCADE,
    user          INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    role          TEXT NOT NULL CHECK (role IN ('manager', 'creator', 'viewer')),
    PRIMARY KEY (brand, user)
) WITHOUT ROWID;
CREATE INDEX brand_member_user ON brand_member(user);

-- Pinned anchor assets of a brand kit (at most 16, in order).
CREATE TABLE brand_anchor (
    brand         INTEGER NOT NULL REFERENCES brand(id) ON DELETE CASCADE,
    asset         INTEGER NOT NULL REFERENCES asset(seq) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    PRIMARY KEY (brand, asset)
) WITHOUT ROWID;

ALTER TABLE project ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
ALTER TABLE project ADD COLUMN shared INTEGER NOT NULL DEFAULT 0;
ALTER TABLE project ADD COLUMN default_brand INTEGER REFERENCES brand(id) ON DELETE SET NULL;
ALTER TABLE project ADD COLUMN import_mode TEXT NOT NULL DEFAULT 'in_place' CHECK (import_mode IN ('in_place', 'copy'));
ALTER TABLE project ADD COLUMN rename_template TEXT;
ALTER TABLE project ADD COLUMN default_tags TEXT NOT NULL DEFAULT '[]';   -- JSON array of tags

-- A fork points to the asset it was made from (R7.5).
ALTER TABLE asset ADD COLUMN parent INTEGER REFERENCES asset(seq) ON DELETE SET NULL;

-- The review audit log (R7.1): every transition, who, when, from, to, and the note.
CREATE TABLE review_event (
    id            INTEGER PRIMARY KEY,
    asset         INTEGER NOT NULL REFERENCES asset(seq) ON DELETE CASCADE,
    at            INTEGER NOT NULL,
    actor         INTEGER REFERENCES user(id),
    action        TEXT NOT NULL,
    from_status   INTEGER NOT NULL,
    to_status     INTEGER NOT NULL,
    note          TEXT
);
CREATE INDEX review_event_asset ON review_event(asset, id);

ALTER TABLE campaign ADD COLUMN visibility TEXT NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public'));
ALTER TABLE campaign ADD COLUMN token TEXT;

-- 0020: a team brand's anchors as the studio lists them (public asset ids, JSON), kept beside
-- `brand_anchor` so that an anchor whose asset hasn't arrived yet is pinned when it comes.
ALTER TABLE brand ADD COLUMN studio_anchors TEXT NOT NULL DEFAULT '[]';

-- 0019: "Make available offline" (STUDIO.md §5): a shared project whose originals this library
-- keeps; each sync downloads those it lacks, newest first.
ALTER TABLE project ADD COLUMN offline INTEGER NOT NULL DEFAULT 0;

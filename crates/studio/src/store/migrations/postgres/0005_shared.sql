-- Shared projects and their assets (STUDIO.md §3): their rows live in sync_row like every
-- replicated row (kinds 'project', 'asset', and 'gone' for a row that left a scope); an asset's
-- row also names its project, so that unsharing finds them all without reading bodies.
ALTER TABLE sync_row ADD COLUMN project BYTEA;
CREATE INDEX sync_row_by_project ON sync_row (project) WHERE project IS NOT NULL;

-- 0011: the studio's plan limits as the library last pulled them (R9.5; NULL: none), so that
-- an import, upload, move or new project that would pass one is refused here, before any work.

CREATE TABLE studio_limits (
    id                   INTEGER PRIMARY KEY CHECK (id = 1),
    projects_per_member  INTEGER,
    storage_per_project  INTEGER
);

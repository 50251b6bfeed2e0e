-- 0023: journal entries an Undo took back (issue 14). An undo is carried out as new changes,
-- journaled like any other; this records which entries it answered, so the same action can't
-- be undone twice (the toast's Undo and Ctrl+Z, or two windows).

CREATE TABLE undone (
    seq  INTEGER PRIMARY KEY,
    at   INTEGER NOT NULL
);

-- 0022: whether any original may wait to be sent to the studio, without looking. Finding the
-- originals to send visits every asset of the shared projects (those already sent are known by
-- hash), at every sync — and a library whose files are all sent finds none, again and again.
-- `gen` counts the changes that can make an original wait (a file of ours arriving, its asset's
-- project, content or Trash changing, its presence changing, a project shared, the record of a
-- sent file forgotten); `settled` is the `gen` at which a look found none waiting. While they
-- are equal, nothing waits. (Sending one removes it from the waiting: no change to count.)

CREATE TABLE unsent_generation (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    gen      INTEGER NOT NULL,
    settled  INTEGER NOT NULL
);
INSERT INTO unsent_generation (id, gen, settled) VALUES (1, 1, 0);

CREATE TRIGGER unsent_on_asset_change AFTER UPDATE OF project, hash, trashed_at ON asset
    WHEN NEW.project IS NOT OLD.project OR NEW.hash IS NOT OLD.hash
        OR NEW.trashed_at IS NOT OLD.trashed_at
BEGIN
    UPDATE unsent_generation SET gen = gen + 1;
END;

-- An asset waits only with its file here (presence 0): other members' arriving assets (presence
-- 3) change nothing.
CREATE TRIGGER unsent_on_file AFTER INSERT ON asset_file WHEN NEW.presence = 0
BEGIN
    UPDATE unsent_generation SET gen = gen + 1;
END;

CREATE TRIGGER unsent_on_presence AFTER UPDATE OF presence ON asset_file
    WHEN NEW.presence IS NOT OLD.presence
BEGIN
    UPDATE unsent_generation SET gen = gen + 1;
END;

CREATE TRIGGER unsent_on_share AFTER UPDATE OF shared ON project
    WHEN NEW.shared IS NOT OLD.shared
BEGIN
    UPDATE unsent_generation SET gen = gen + 1;
END;

CREATE TRIGGER unsent_on_forgotten AFTER DELETE ON sent_file
BEGIN
    UPDATE unsent_generation SET gen = gen + 1;
END;

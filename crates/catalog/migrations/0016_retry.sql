-- A refused intent as it was sent (JSON), so that *Couldn't sync* can send it again as a new
-- intent (Retry). NULL for entries no push made (the binding's report) and older entries.
ALTER TABLE sync_refusal ADD COLUMN body TEXT;

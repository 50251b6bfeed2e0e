-- After a studio restore (a new epoch) every held row is marked stale (seq = -1) until the pull
-- from 0 brings it again; each sync's end looks for what is still stale. This partial index
-- keeps that look free when nothing is (every other sync).
CREATE INDEX replicated_stale ON replicated (kind, key) WHERE seq < 0;

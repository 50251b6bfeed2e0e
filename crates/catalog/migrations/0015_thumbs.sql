-- 0015: whether the studio said it has an asset's grid thumbnail (it republishes the asset's
-- row when one arrives): only those are asked for, so a library never asks again and again for
-- thumbnails nobody sent yet.
ALTER TABLE replicated ADD COLUMN thumb INTEGER NOT NULL DEFAULT 0;

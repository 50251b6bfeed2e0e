-- A collection's cover chosen by hand: the public id of one of its assets (kept as the id, not
-- a row, so a cover that arrives from the studio before its asset still holds). None: the
-- automatic cover, its newest card. Shown only while that asset is filed in it or below.
ALTER TABLE collection ADD COLUMN cover BLOB;

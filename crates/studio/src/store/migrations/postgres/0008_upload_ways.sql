-- 0008: how an upload's parts are kept (STUDIO.md §5).
--   'parts'      each part an object of its own under uploads/<id>/<n>, streamed into the blob
--                at completion (the folder store, and sessions started before this);
--   'whole'      a one-part upload: its part, once it hashes to the content hash, is the blob;
--   'multipart'  straight into the blob's S3 multipart upload (`multipart` is its id): each
--                part's subtree hash and the store's tag for it are kept, so that completing
--                checks the whole and assembles it without reading a byte back.
ALTER TABLE upload_session ADD COLUMN way TEXT NOT NULL DEFAULT 'parts';
ALTER TABLE upload_session ADD COLUMN multipart TEXT;
ALTER TABLE upload_part ADD COLUMN subtree BYTEA;
ALTER TABLE upload_part ADD COLUMN tag TEXT;

//! The crate tests' harness: a temporary library with a folder to import from, and small
//! images generated in code.

#![allow(clippy::unwrap_used, dead_code)] // test code; each test file uses part of it

use std::fs;
use std::io::Cursor;
use std::path::PathBuf;

use atelier_domain::{AssetId, AssetQuery};
use atelier_library::{CancelToken, ImportOptions, ImportReport, Library, OpenOptions, Selection};
use image::{ImageFormat, RgbImage};

/// A temporary library plus a folder to import from.
pub struct TestLibrary {
    pub dir: tempfile::TempDir,
    pub lib: Library,
}

impl TestLibrary {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        // Deleted files added in place go to a folder of the test, never the user's trash.
        let options = OpenOptions {
            trash_dir: Some(dir.path().join("trash")),
        };
        let lib = Library::open_with(&dir.path().join("library"), options).unwrap();
        fs::create_dir_all(dir.path().join("in")).unwrap();
        TestLibrary { dir, lib }
    }

    pub fn input(&self) -> PathBuf {
        self.dir.path().join("in")
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let p = self.input().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, bytes).unwrap();
        p
    }

    pub fn import(&self, options: &ImportOptions) -> ImportReport {
        self.lib
            .as_owner()
            .import(&[self.input()], options, &CancelToken::new(), &None)
            .unwrap()
    }

    /// Imports `n` distinct photos named `prefix-N.jpg` and returns their ids in name order.
    pub fn photos(&self, prefix: &str, n: u8, options: &ImportOptions) -> Vec<AssetId> {
        let dir = self.input().join(prefix);
        let base = prefix
            .bytes()
            .fold(17u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
        for i in 0..n {
            self.write(
                &format!("{prefix}/{prefix}-{i:03}.jpg"),
                &jpeg_seeded(64, 48, base.wrapping_add(u32::from(i))),
            );
        }
        let r = self
            .lib
            .as_owner()
            .import(&[dir], options, &CancelToken::new(), &None)
            .unwrap();
        assert_eq!(r.imported.len(), n as usize, "{r:?}");
        r.imported.iter().map(|f| f.id).collect()
    }

    pub fn count(&self, q: AssetQuery) -> u64 {
        self.lib.as_owner().search(&q).unwrap().total
    }

    pub fn find(&self, text: &str) -> Vec<String> {
        let q = AssetQuery {
            text: Some(text.into()),
            ..Default::default()
        };
        self.lib
            .as_owner()
            .search(&q)
            .unwrap()
            .items
            .into_iter()
            .map(|s| s.name)
            .collect()
    }

    /// Marks one of the owner's projects shared, as sharing it through a studio does (a
    /// standalone library can't share): what lets other people of the library see it.
    pub fn share(&self, project: &str) {
        let mut catalog = atelier_catalog::Catalog::open(&self.lib.layout().catalog()).unwrap();
        let owner = catalog.local_user().unwrap().unwrap();
        let p = catalog.find_project(owner, project).unwrap().unwrap();
        catalog
            .write(|tx| tx.set_project_flag(p, "shared", true, owner, 0))
            .unwrap();
    }

    /// Postings must always agree with the tables.
    pub fn assert_consistent(&self) {
        assert_eq!(
            self.lib.verify().unwrap(),
            Vec::<i64>::new(),
            "postings drifted from the tables"
        );
    }
}

/// Selects these assets.
pub fn ids(ids: &[AssetId]) -> Selection {
    Selection::Ids(ids.to_vec())
}

/// A JPEG with a pattern seeded by `seed`, so every seed gives different bytes.
pub fn jpeg(w: u32, h: u32, seed: u8) -> Vec<u8> {
    jpeg_seeded(w, h, u32::from(seed))
}

/// As [`jpeg`], with more seeds.
pub fn jpeg_seeded(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let [a, b, c, _] = seed.to_le_bytes();
    let img = RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x as u8).wrapping_add(a), (y as u8) ^ b, c])
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Jpeg)
        .unwrap();
    out
}

//! Real files cleaned, then read by ExifTool: no location left, nothing else of the picture
//! changed. The committed fixtures always; every picture of the shared corpus when it is there
//! (`../shared/corpus`, the extra tier).

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use atelier_scrub::{ScrubError, scrub};

/// The checkout's root, as cargo says at run time: the path compiled in is that of the checkout
/// that built the binary, which a shared target directory may have served to another checkout.
fn root() -> PathBuf {
    Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into()))
        .join("../..")
}

/// What ExifTool says of each file in `dir` (one run for all): per file name, the tags of the
/// groups a public download must not carry, and the facts that must not change.
fn read_all(dir: &Path) -> HashMap<String, (Vec<String>, String)> {
    let out = Command::new("exiftool")
        .args([
            "-j",
            "-G1",
            "-a",
            "-n",
            "-q",
            "-q",
            "-gps:all",
            "-xmp:all",
            "-iptc:all",
        ])
        .args(["-FileType", "-ImageSize", "-Orientation"])
        .arg(dir)
        .output()
        .expect("exiftool runs (scripts/setup.sh installs libimage-exiftool-perl)");
    let found: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| {
            panic!(
                "exiftool's JSON ({e}; status {}): stdout starts {:?}; stderr {:?}",
                out.status,
                String::from_utf8_lossy(&out.stdout[..out.stdout.len().min(300)]),
                String::from_utf8_lossy(&out.stderr)
            )
        });
    found
        .into_iter()
        .map(|m| {
            let name = m["SourceFile"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            let facts = ["File:FileType", "Composite:ImageSize", "IFD0:Orientation"]
                .map(|k| m.get(k).map(ToString::to_string).unwrap_or_default())
                .join(" ");
            let location = m
                .keys()
                .filter(|k| ["GPS:", "XMP", "IPTC"].iter().any(|g| k.starts_with(g)))
                .cloned()
                .collect();
            (name, (location, facts))
        })
        .collect()
}

fn pictures(dir: &Path, into: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            pictures(&path, into);
        } else {
            into.push(path);
        }
    }
}

/// Where a JPEG's first scan starts, by walking its segments.
fn first_scan(b: &[u8]) -> usize {
    let mut at = 2;
    while b[at + 1] != 0xDA {
        at += 2 + usize::from(u16::from_be_bytes([b[at + 2], b[at + 3]]));
        while b[at + 1] == 0xFF {
            at += 1;
        }
    }
    at
}

fn check(files: &[PathBuf], min_cleaned: usize) {
    let originals = tempfile::tempdir().unwrap();
    let cleaned_dir = tempfile::tempdir().unwrap();
    let mut cleaned = Vec::new();
    for (n, path) in files.iter().enumerate() {
        // Camera RAW isn't cleaned (its maker's note is needed to develop it), nor offered.
        if path.components().any(|c| c.as_os_str() == "raw") {
            continue;
        }
        let original = std::fs::read(path).unwrap();
        let done = match scrub(original.clone()) {
            Ok(done) => done,
            Err(ScrubError::Unsupported { .. }) => continue,
            // Damaged on purpose (the corpus's corrupt/): refused, never half-cleaned.
            Err(ScrubError::Malformed { .. }) if path.to_string_lossy().contains("corrupt") => continue,
            Err(e) => panic!("{}: {e}", path.display()),
        };
        // ExifTool tells some formats by their extension: the copies keep it.
        let name = format!(
            "{n}.{}",
            path.extension().map_or("bin".into(), |e| e.to_string_lossy())
        );
        std::fs::write(originals.path().join(&name), &original).unwrap();
        std::fs::write(cleaned_dir.path().join(&name), &done.bytes).unwrap();
        // JPEG: from the image data on, byte for byte the original's (a multi-picture file,
        // cleaned in place instead, keeps every byte where it was).
        if original.starts_with(&[0xFF, 0xD8]) {
            let (a, b) = (&done.bytes, &original);
            let (from_a, from_b) = (first_scan(a), first_scan(b));
            if a.len() == b.len() {
                assert_eq!(
                    from_a,
                    from_b,
                    "{}: blanked in place, nothing moves",
                    path.display()
                );
            } else {
                let picture = &b[from_b..];
                let kept = &a[from_a..];
                let n = kept.len().min(picture.len());
                assert_eq!(kept[..n], picture[..n], "{}: image data changed", path.display());
                assert!(
                    kept.ends_with(&[0xFF, 0xD9]) || kept.len() == picture.len(),
                    "{}",
                    path.display()
                );
            }
        }
        cleaned.push((name, path));
    }
    let before = read_all(originals.path());
    let after = read_all(cleaned_dir.path());
    let mut had_location = 0;
    for (name, path) in &cleaned {
        let (was, facts_before) = &before[name];
        let (left, facts_after) = &after[name];
        if was.iter().any(|t| t.starts_with("GPS:")) {
            had_location += 1;
        }
        assert!(
            left.is_empty(),
            "{}: ExifTool still finds {left:?}",
            path.display()
        );
        // Whatever is left still reads as a picture of the same kind, size and orientation.
        assert_eq!(facts_after, facts_before, "{}", path.display());
    }
    assert!(
        cleaned.len() >= min_cleaned,
        "only {} files cleaned",
        cleaned.len()
    );
    assert!(
        had_location > 0,
        "no file with GPS among them: the test proves nothing"
    );
}

#[test]
fn the_committed_gps_photos_lose_their_location_and_nothing_else() {
    let mut files = Vec::new();
    let fixtures = root().join("tests/fixtures/corpus");
    pictures(&fixtures, &mut files);
    assert!(!files.is_empty(), "no pictures under {}", fixtures.display());
    check(&files, 10);
}

#[test]
fn every_corpus_picture_loses_its_location_and_nothing_else() {
    let corpus = root().join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!(
            "no shared corpus at {}: the extra tier is skipped",
            corpus.display()
        );
        return;
    }
    let mut files = Vec::new();
    for dir in ["exif", "heic", "photos", "formats", "ai-png", "xmp"] {
        pictures(&corpus.join(dir), &mut files);
    }
    check(&files, 50);
}

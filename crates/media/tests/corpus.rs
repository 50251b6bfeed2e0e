//! The real corpus (`../shared/corpus`, or `ATELIER_CORPUS`): every file is recognised, read
//! and rendered or refused with a reason — never a panic — and dimensions and capture times
//! agree with ExifTool where it is installed.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use atelier_media::{Detected, Format, THUMB_SIDE, detect, read_metadata, render};

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("ATELIER_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(
                &std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into()),
            )
            .join("../../../shared/corpus")
        });
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "corpus not found at {} (set ATELIER_CORPUS): skipping",
            dir.display()
        );
        None
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn ext(p: &Path) -> Option<String> {
    p.extension().map(|e| e.to_string_lossy().into_owned())
}

#[test]
fn every_corpus_file_is_read_or_refused_with_a_reason() {
    let Some(root) = corpus() else { return };
    let mut rendered = 0;
    let mut refused = Vec::new();
    for path in files(&root) {
        let bytes = std::fs::read(&path).unwrap();
        let Detected::Known(format) = detect(&bytes, ext(&path).as_deref()) else {
            continue;
        };
        if !format.is_supported() {
            continue;
        }
        let result =
            read_metadata(&bytes, format).and_then(|m| render(&bytes, format, m.orientation, THUMB_SIDE));
        match result {
            Ok(r) => {
                assert!(
                    r.width <= THUMB_SIDE && r.height <= THUMB_SIDE,
                    "{}",
                    path.display()
                );
                rendered += 1;
            }
            Err(e) => {
                assert!(!e.to_string().is_empty());
                refused.push((path, e));
            }
        }
    }
    assert!(rendered > 100, "only {rendered} corpus images rendered");
    // Broken files are refused; real photos never are.
    for (path, e) in &refused {
        let p = path.to_string_lossy();
        assert!(!p.contains("/photos/") && !p.contains("/ai-png/"), "{p}: {e}");
    }
    assert!(
        refused
            .iter()
            .any(|(p, _)| p.to_string_lossy().contains("/corrupt/")),
        "no corrupt file was refused"
    );
}

#[test]
fn dimensions_and_capture_times_agree_with_exiftool() {
    let Some(root) = corpus() else { return };
    let out = match Command::new("exiftool")
        .args([
            "-j", "-n", "-q", "-q", "-r", "-ext", "jpg", "-ext", "jpeg", "-ext", "png", "-ext", "webp",
            "-ext", "tif",
        ])
        .args([
            "-File:ImageWidth",
            "-File:ImageHeight",
            "-PNG:ImageWidth",
            "-PNG:ImageHeight",
            "-RIFF:ImageWidth",
            "-RIFF:ImageHeight",
        ])
        .args([
            "-EXIF:DateTimeOriginal",
            "-EXIF:OffsetTimeOriginal",
            "-EXIF:SubSecTimeOriginal",
            "-EXIF:SubSecTimeDigitized",
            "-EXIF:Orientation",
        ])
        .arg(root.join("photos"))
        .arg(root.join("exif"))
        .output()
    {
        Ok(o) => o,
        Err(_) => {
            eprintln!("exiftool is not installed: skipping the comparison");
            return;
        }
    };
    let rows: Vec<HashMap<String, serde_json::Value>> = serde_json::from_slice(&out.stdout).unwrap();
    let mut compared = 0;
    for row in rows {
        let path = PathBuf::from(row["SourceFile"].as_str().unwrap());
        let bytes = std::fs::read(&path).unwrap();
        let Detected::Known(format) = detect(&bytes, ext(&path).as_deref()) else {
            continue;
        };
        let Ok(meta) = read_metadata(&bytes, format) else {
            continue;
        };
        let w = row.get("ImageWidth").and_then(serde_json::Value::as_u64);
        let h = row.get("ImageHeight").and_then(serde_json::Value::as_u64);
        if let (Some(w), Some(h)) = (w, h) {
            assert_eq!(
                (u64::from(meta.width), u64::from(meta.height)),
                (w, h),
                "{}",
                path.display()
            );
        }
        if let Some(dto) = row.get("DateTimeOriginal").and_then(serde_json::Value::as_str) {
            let subsec = row
                .get("SubSecTimeOriginal")
                .or_else(|| row.get("SubSecTimeDigitized"))
                .map(|v| match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                });
            let expected = atelier_media::CaptureTime::from_exif_parts(
                dto,
                subsec.as_deref(),
                row.get("OffsetTimeOriginal").and_then(serde_json::Value::as_str),
            );
            if let Some(expected) = expected {
                let got = meta.captured_at.as_ref().map(|c| c.iso.as_str());
                assert_eq!(got, Some(expected.iso.as_str()), "{}", path.display());
                // The text itself, not only our own parser's reading of it.
                assert!(expected.iso.starts_with(&dto[..10].replace(':', "-")), "{dto}");
            }
        }
        if let Some(o) = row.get("Orientation").and_then(serde_json::Value::as_u64)
            && (1..=8).contains(&o)
        {
            assert_eq!(u64::from(meta.orientation), o, "{}", path.display());
        }
        compared += 1;
    }
    assert!(compared > 50, "compared only {compared} files");
}

#[test]
fn generated_pngs_carry_their_prompts() {
    let Some(root) = corpus() else { return };
    for path in files(&root.join("ai-png")) {
        let bytes = std::fs::read(&path).unwrap();
        let Detected::Known(format) = detect(&bytes, ext(&path).as_deref()) else {
            panic!("{}", path.display())
        };
        assert!(matches!(format, Format::Png | Format::Jpeg));
        let meta = read_metadata(&bytes, format).unwrap();
        let generation = meta
            .generation
            .unwrap_or_else(|| panic!("no generation in {}", path.display()));
        // Stable Zero123 is conditioned on an image alone: its graph holds no text prompt.
        if !path.to_string_lossy().contains("zero123") {
            assert!(
                generation.prompt.is_some_and(|p| !p.is_empty()),
                "{}",
                path.display()
            );
        }
    }
}

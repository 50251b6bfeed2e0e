//! The formats beyond the classic six, over the real corpus (`../shared/corpus`, or
//! `ATELIER_CORPUS`): camera RAW (real files, metadata-only stubs, files cut short), HEIC/HEIF
//! and AVIF, SVG, and video. Each file gets a thumbnail of a sane size or a reason a person can
//! read; sizes, capture times and durations agree with ExifTool, ffprobe and MANIFEST.tsv.
//! Video tests skip with a message when ffmpeg is not installed, comparisons when ExifTool is
//! not. The RAW timing test prints the CPU time of a thumbnail made from an embedded preview.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use atelier_media::{
    Detected, Format, MediaError, Metadata, RenditionFormat, THUMB_SIDE, detect, read_metadata,
    read_metadata_path, render, render_path,
};

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("ATELIER_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus")).to_path_buf()
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
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

fn format_of(path: &Path, bytes: &[u8]) -> Format {
    let ext = path.extension().map(|e| e.to_string_lossy().into_owned());
    match detect(bytes, ext.as_deref()) {
        Detected::Known(f) => f,
        Detected::Unknown(hint) => panic!("{}: not recognised ({hint:?})", path.display()),
    }
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// Metadata and a grid thumbnail through the byte-based API, as the importer calls it.
fn import(path: &Path) -> (Format, Result<(Metadata, atelier_media::Rendition), MediaError>) {
    let bytes = std::fs::read(path).unwrap();
    let format = format_of(path, &bytes);
    let result = read_metadata(&bytes, format).and_then(|m| {
        let r = render(&bytes, format, m.orientation, THUMB_SIDE)?;
        Ok((m, r))
    });
    (format, result)
}

fn assert_sane_thumbnail(path: &Path, m: &Metadata, r: &atelier_media::Rendition) {
    let longest = r.width.max(r.height);
    assert!(
        longest <= THUMB_SIDE,
        "{}: {}×{}",
        path.display(),
        r.width,
        r.height
    );
    assert!(
        longest == THUMB_SIDE || longest >= m.width.max(m.height).min(THUMB_SIDE) / 2,
        "{}: thumbnail {}×{} for a {}×{} image",
        path.display(),
        r.width,
        r.height,
        m.width,
        m.height
    );
    let decoded = image::load_from_memory(&r.data).unwrap();
    assert_eq!(
        (decoded.width(), decoded.height()),
        (r.width, r.height),
        "{}",
        path.display()
    );
    // The thumbnail's aspect follows the image's (turned when the orientation says so).
    let (w, h) = if m.orientation >= 5 {
        (m.height, m.width)
    } else {
        (m.width, m.height)
    };
    let want = f64::from(w) / f64::from(h);
    let have = f64::from(r.width) / f64::from(r.height);
    assert!(
        (have / want - 1.0).abs() < 0.05,
        "{}: thumbnail aspect {have:.3}, image {want:.3}",
        path.display()
    );
}

/// ExifTool's view of some files: SourceFile → tag → value (numbers as numbers, -n).
fn exiftool(paths: &[PathBuf], tags: &[&str]) -> Option<HashMap<String, HashMap<String, serde_json::Value>>> {
    let out = Command::new("exiftool")
        .args(["-j", "-n", "-q", "-q"])
        .args(tags.iter().map(|t| format!("-{t}")))
        .args(paths)
        .output()
        .ok()?;
    let rows: Vec<HashMap<String, serde_json::Value>> = serde_json::from_slice(&out.stdout).ok()?;
    Some(
        rows.into_iter()
            .map(|r| (r["SourceFile"].as_str().unwrap().to_string(), r))
            .collect(),
    )
}

fn exiftool_size(row: &HashMap<String, serde_json::Value>) -> Option<(u32, u32)> {
    let s = row.get("ImageSize")?.as_str()?.to_string();
    let mut parts = s.split(['x', ' ']).filter_map(|p| p.parse::<u32>().ok());
    Some((parts.next()?, parts.next()?))
}

fn exiftool_time(row: &HashMap<String, serde_json::Value>) -> Option<atelier_media::CaptureTime> {
    let dto = row.get("DateTimeOriginal")?.as_str()?;
    let subsec = row
        .get("SubSecTimeOriginal")
        .or_else(|| row.get("SubSecTimeDigitized"))
        .map(|v| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        });
    atelier_media::CaptureTime::from_exif_parts(
        dto,
        subsec.as_deref(),
        row.get("OffsetTimeOriginal").and_then(|v| v.as_str()),
    )
}

// ---------------------------------------------------------------------------------------------
// RAW

#[test]
fn real_raw_files_get_thumbnails_and_metadata() {
    let Some(root) = corpus() else { return };
    let paths = files(&root.join("raw/real"));
    assert!(!paths.is_empty());
    for path in &paths {
        let (format, result) = import(path);
        assert!(matches!(format, Format::Raw(_)), "{}", path.display());
        let (m, r) = result.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_sane_thumbnail(path, &m, &r);
        assert_eq!(r.format, RenditionFormat::Jpeg);
        assert!(m.camera_model.is_some(), "{}: no camera", path.display());
        // The path-based entry points give the same answers.
        let by_path = read_metadata_path(path, format).unwrap();
        assert_eq!(by_path, m);
        assert_eq!(
            render_path(path, format, m.orientation, THUMB_SIDE)
                .unwrap()
                .width,
            r.width
        );
    }
}

#[test]
fn raw_stubs_give_metadata_and_say_they_hold_no_image() {
    let Some(root) = corpus() else { return };
    for path in files(&root.join("raw/stubs")) {
        let (format, result) = import(&path);
        let Format::Raw(label) = format else {
            panic!("{}: {format:?}", path.display())
        };
        let bytes = std::fs::read(&path).unwrap();
        // Metadata is there even without pixels.
        let m = read_metadata(&bytes, format).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            m.width > 8 && m.height > 8,
            "{}: {}×{}",
            path.display(),
            m.width,
            m.height
        );
        assert!(m.captured_at.is_some(), "{}: no capture time", path.display());
        match result {
            Ok((m, r)) => {
                // Only the RAF stub keeps a real (160×120) EXIF thumbnail.
                assert!(
                    label == "Fujifilm RAF",
                    "{}: rendered {}×{}",
                    path.display(),
                    r.width,
                    r.height
                );
                assert!(r.width.max(r.height) >= 100, "{}", path.display());
                let _ = m;
            }
            Err(e) => {
                assert_eq!(e, MediaError::NoImage { format: label }, "{}", path.display());
                assert_eq!(e.to_string(), format!("this {label} file holds no image data"));
            }
        }
    }
}

#[test]
fn truncated_raw_files_say_so() {
    let Some(root) = corpus() else { return };
    let paths = files(&root.join("raw/truncated"));
    assert!(!paths.is_empty());
    for path in paths {
        let (_, result) = import(&path);
        let err = result
            .err()
            .unwrap_or_else(|| panic!("{}: a cut file was accepted", path.display()));
        assert!(err.to_string().contains("truncated"), "{}: {err}", path.display());
    }
}

#[test]
fn raw_sizes_and_capture_times_agree_with_exiftool() {
    let Some(root) = corpus() else { return };
    let paths: Vec<PathBuf> = ["raw/real", "raw/stubs", "raw/truncated"]
        .iter()
        .flat_map(|d| files(&root.join(d)))
        .collect();
    let Some(rows) = exiftool(
        &paths,
        &[
            "Composite:ImageSize",
            "DateTimeOriginal",
            "OffsetTimeOriginal",
            "SubSecTimeOriginal",
            "SubSecTimeDigitized",
            "Make",
            "Model",
        ],
    ) else {
        eprintln!("exiftool is not installed: skipping the comparison");
        return;
    };
    let (mut sizes, mut times) = (0, 0);
    for path in &paths {
        let bytes = std::fs::read(path).unwrap();
        let Ok(m) = read_metadata(&bytes, format_of(path, &bytes)) else {
            continue;
        };
        let row = &rows[&path.to_string_lossy().into_owned()];
        // ExifTool takes the size of a stub's 8×8 placeholder JPEG for some formats.
        if let Some(size) = exiftool_size(row).filter(|s| *s != (8, 8)) {
            assert_eq!((m.width, m.height), size, "{}", path.display());
            sizes += 1;
        }
        if let Some(expected) = exiftool_time(row) {
            let got = m
                .captured_at
                .as_ref()
                .unwrap_or_else(|| panic!("{}: no capture time", path.display()));
            assert_eq!(
                got.sort_key,
                expected.sort_key,
                "{}: {} vs {}",
                path.display(),
                got.iso,
                expected.iso
            );
            times += 1;
        }
        if let Some(model) = row.get("Model").and_then(|v| v.as_str()) {
            assert_eq!(
                m.camera_model.as_deref(),
                Some(model.trim()),
                "{}",
                path.display()
            );
        }
    }
    assert!(sizes >= 18, "only {sizes} sizes compared");
    assert!(times >= 9, "only {times} capture times compared");
}

/// CPU time of this thread, in nanoseconds (Linux), else `None`.
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

#[test]
fn a_raw_thumbnail_from_its_embedded_preview_is_cheap() {
    let Some(root) = corpus() else { return };
    let path = root.join("raw/real/Canon_PowerShot_G2__CRW_0304.CRW");
    let bytes = std::fs::read(&path).unwrap();
    let format = format_of(&path, &bytes);
    let once = || {
        let m = read_metadata(&bytes, format).unwrap();
        render(&bytes, format, m.orientation, THUMB_SIDE).unwrap()
    };
    once(); // warm up (libjpeg-turbo tables, allocator)
    let runs = 20;
    let (cpu0, wall0) = (thread_cpu_ns(), std::time::Instant::now());
    for _ in 0..runs {
        once();
    }
    let wall = wall0.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
    let cpu = match (cpu0, thread_cpu_ns()) {
        (Some(a), Some(b)) => (b - a) as f64 / 1e6 / f64::from(runs),
        _ => wall,
    };
    println!(
        "RAW thumbnail from the embedded 2272×1704 preview of {}: {cpu:.2} ms CPU, {wall:.2} ms wall \
         (metadata + decode + resize + encode, mean of {runs})",
        name(&path)
    );
    // The target is 15 ms in an optimised build; unoptimised test builds get headroom.
    let limit = if cfg!(debug_assertions) { 60.0 } else { 15.0 };
    assert!(
        cpu < limit,
        "{cpu:.2} ms CPU per RAW thumbnail (limit {limit} ms)"
    );
}

// ---------------------------------------------------------------------------------------------
// HEIC / HEIF / AVIF

#[test]
fn heic_files_get_upright_thumbnails_and_their_exif() {
    let Some(root) = corpus() else { return };
    let paths = files(&root.join("heic"));
    assert!(!paths.is_empty());
    let rows = exiftool(
        &paths,
        &[
            "Composite:ImageSize",
            "DateTimeOriginal",
            "OffsetTimeOriginal",
            "SubSecTimeOriginal",
            "SubSecTimeDigitized",
            "Rotation",
        ],
    );
    if rows.is_none() {
        eprintln!("exiftool is not installed: skipping the comparison");
    }
    for path in &paths {
        let (format, result) = import(path);
        assert_eq!(format, Format::Heif, "{}", path.display());
        let (m, r) = result.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_sane_thumbnail(path, &m, &r);
        let Some(row) = rows.as_ref().map(|r| &r[&path.to_string_lossy().into_owned()]) else {
            continue;
        };
        assert_eq!(
            Some((m.width, m.height)),
            exiftool_size(row),
            "{}",
            path.display()
        );
        if let Some(expected) = exiftool_time(row) {
            assert_eq!(
                m.captured_at.as_ref().map(|c| c.iso.clone()),
                Some(expected.iso),
                "{}",
                path.display()
            );
        }
        // A quarter turn in the file (irot) makes a portrait thumbnail of a landscape image:
        // applied once, by libheif, never again from the EXIF orientation.
        let turned = matches!(row.get("Rotation").and_then(|v| v.as_u64()), Some(90 | 270));
        assert_eq!(
            r.height > r.width,
            (m.height > m.width) != turned,
            "{}",
            path.display()
        );
    }
}

#[test]
fn heif_and_avif_sequences_fall_back_to_ffmpeg_or_say_why() {
    let Some(root) = corpus() else { return };
    for file in [
        "file-type__fixture_fixture-msf1.heic",
        "file-type__fixture_fixture-sequence.avif",
    ] {
        let path = root.join("formats/file-type").join(file);
        let (format, result) = import(&path);
        assert!(matches!(format, Format::Heif | Format::Avif));
        match result {
            Ok((m, r)) => {
                assert!(m.video.is_some(), "{file}: read as a sequence");
                assert_sane_thumbnail(&path, &m, &r);
            }
            Err(e) => {
                assert!(!has_ffmpeg(), "{file}: {e}");
                assert!(e.to_string().contains("image sequence"), "{file}: {e}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// SVG (the corpus has none: these are made here)

#[test]
fn svg_files_are_rasterised_through_the_public_api() {
    let svg = br##"<?xml version="1.0"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="1200" height="600" viewBox="0 0 120 60">
        <rect x="10" y="10" width="100" height="40" fill="#3060c0"/></svg>"##;
    let format = format_of(Path::new("logo.svg"), svg);
    assert_eq!(format, Format::Svg);
    let m = read_metadata(svg, format).unwrap();
    assert_eq!((m.width, m.height), (1200, 600));
    let r = render(svg, format, m.orientation, THUMB_SIDE).unwrap();
    assert_eq!(
        (r.width, r.height, r.format),
        (400, 200, RenditionFormat::Png),
        "transparency kept"
    );
    let absurd = br#"<svg xmlns="http://www.w3.org/2000/svg" width="100000000" height="100"/>"#;
    let err = read_metadata(absurd, Format::Svg).unwrap_err();
    assert!(err.to_string().contains("absurd size"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Video

fn has_ffmpeg() -> bool {
    let ok = |p: &str| {
        Command::new(p)
            .arg("-version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    ok("ffprobe") && ok("ffmpeg")
}

/// What MANIFEST.tsv says of a file: width×height and duration in seconds, when given.
type Listed = (Option<(u32, u32)>, Option<f64>);

/// MANIFEST.tsv: path → what it lists.
fn manifest(root: &Path) -> HashMap<String, Listed> {
    let text = std::fs::read_to_string(root.join("MANIFEST.tsv")).unwrap_or_default();
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let size = cols.get(3).and_then(|s| {
                let (w, h) = s.split_once('x')?;
                Some((w.parse().ok()?, h.parse().ok()?))
            });
            let duration = cols.get(7).and_then(|note| {
                let d = note.split("duration ").nth(1)?.trim().trim_end_matches('s');
                match d.split(':').collect::<Vec<_>>()[..] {
                    [h, m, s] => Some(
                        h.parse::<f64>().ok()? * 3600.0
                            + m.parse::<f64>().ok()? * 60.0
                            + s.parse::<f64>().ok()?,
                    ),
                    _ => d.parse().ok(),
                }
            });
            Some((cols.first()?.to_string(), (size, duration)))
        })
        .collect()
}

#[test]
fn videos_get_duration_size_codec_and_a_poster() {
    let Some(root) = corpus() else { return };
    if !has_ffmpeg() {
        eprintln!("ffmpeg is not installed: skipping the video tests");
        return;
    }
    let manifest = manifest(&root);
    let mut checked = 0;
    for dir in ["video/real", "video/synthetic", "video/fixtures"] {
        for path in files(&root.join(dir)) {
            let rel = path.strip_prefix(&root).unwrap().to_string_lossy().into_owned();
            let (size, duration) = manifest.get(&rel).cloned().unwrap_or_default();
            let bytes = std::fs::read(&path).unwrap();
            let format = format_of(&path, &bytes);
            assert!(matches!(format, Format::Video(_)), "{rel}: {format:?}");
            let result = read_metadata_path(&path, format);
            // Files the manifest gives a size to are real videos; the rest are broken or
            // header-only fixtures.
            let Some((w, h)) = size else {
                let err = result
                    .and_then(|m| render_path(&path, format, m.orientation, THUMB_SIDE).map(|_| m))
                    .err()
                    .unwrap_or_else(|| panic!("{rel}: a broken video was accepted"));
                let reason = err.to_string();
                assert!(
                    ["truncated", "damaged", "no video stream", "no frame"]
                        .iter()
                        .any(|r| reason.contains(r)),
                    "{rel}: {reason}"
                );
                continue;
            };
            let m = result.unwrap_or_else(|e| panic!("{rel}: {e}"));
            let info = m.video.clone().unwrap();
            assert_eq!(info.display_size(), (w, h), "{rel}");
            assert!(!info.codec.is_empty() && info.codec != "unknown", "{rel}");
            if let Some(d) = duration.filter(|d| *d >= 0.5) {
                let got = info.duration_secs.unwrap();
                assert!((got - d).abs() < 0.15, "{rel}: {got} s, manifest says {d} s");
            }
            assert!(m.exif.contains_key("video_codec"));
            // Frame rate and bit rate for the Info panel: a plausible rate, and a bit rate
            // that is the file's size over its running time.
            let fps = info.frame_rate.unwrap_or_else(|| panic!("{rel}: no frame rate"));
            assert!((1.0..=240.0).contains(&fps), "{rel}: {fps} fps");
            if let (Some(rate), Some(d)) = (info.bit_rate, info.duration_secs.filter(|d| *d >= 0.5)) {
                let expected = bytes.len() as f64 * 8.0 / d;
                let ratio = rate as f64 / expected;
                assert!(
                    (0.8..=1.25).contains(&ratio),
                    "{rel}: {rate} b/s, size over time {expected:.0}"
                );
            }
            let r = render_path(&path, format, m.orientation, THUMB_SIDE)
                .unwrap_or_else(|e| panic!("{rel}: {e}"));
            assert_eq!(r.format, RenditionFormat::Jpeg);
            let (dw, dh) = info.display_size();
            assert_eq!(
                (r.width > r.height),
                (dw > dh),
                "{rel}: poster {}×{}",
                r.width,
                r.height
            );
            assert!(
                r.width.max(r.height) == THUMB_SIDE || r.width.max(r.height) == dw.max(dh),
                "{rel}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} videos checked");
}

#[test]
fn video_capture_times_agree_with_exiftool() {
    let Some(root) = corpus() else { return };
    if !has_ffmpeg() {
        eprintln!("ffmpeg is not installed: skipping the video tests");
        return;
    }
    let paths = files(&root.join("video/real"));
    let Some(rows) = exiftool(&paths, &["DateTimeOriginal", "CreateDate"]) else {
        eprintln!("exiftool is not installed: skipping the comparison");
        return;
    };
    let mut compared = 0;
    for path in &paths {
        let format = format_of(path, &std::fs::read(path).unwrap());
        let m = read_metadata_path(path, format).unwrap();
        let row = &rows[&path.to_string_lossy().into_owned()];
        let expected = ["DateTimeOriginal", "CreateDate"]
            .iter()
            .filter_map(|t| row.get(*t)?.as_str())
            .find_map(|t| atelier_media::CaptureTime::from_exif(t, None));
        if let Some(expected) = expected {
            let got = m
                .captured_at
                .unwrap_or_else(|| panic!("{}: no capture time", path.display()));
            assert_eq!(got.sort_key, expected.sort_key, "{}", path.display());
            compared += 1;
        }
    }
    assert!(compared >= 2, "only {compared} capture times compared");
}

#[test]
fn a_rotated_video_gets_an_upright_poster() {
    if !has_ffmpeg() {
        eprintln!("ffmpeg is not installed: skipping the video tests");
        return;
    }
    // A landscape 64×32 clip whose container asks for a quarter turn on display.
    let dir = tempfile::tempdir().unwrap();
    let (plain, clip) = (dir.path().join("plain.mp4"), dir.path().join("rotated.mp4"));
    let ffmpeg = |args: &[&str], out: &Path| {
        let ok = Command::new("ffmpeg")
            .args(["-v", "error", "-nostdin", "-y"])
            .args(args)
            .arg(out)
            .status();
        assert!(ok.unwrap().success());
    };
    ffmpeg(
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=64x32:rate=5:duration=1",
            "-c:v",
            "mpeg4",
            "-q:v",
            "2",
        ],
        &plain,
    );
    ffmpeg(
        &[
            "-i",
            plain.to_str().unwrap(),
            "-c",
            "copy",
            "-metadata:s:v:0",
            "rotate=90",
        ],
        &clip,
    );
    let m = read_metadata_path(&clip, Format::Video("MP4")).unwrap();
    let info = m.video.clone().unwrap();
    assert_eq!((info.width, info.height), (64, 32));
    assert!(matches!(info.rotation, 90 | 270), "{}", info.rotation);
    assert_eq!(m.orientation, if info.rotation == 90 { 6 } else { 8 });
    let r = render_path(&clip, Format::Video("MP4"), m.orientation, THUMB_SIDE).unwrap();
    assert_eq!((r.width, r.height), (32, 64), "turned once, by ffmpeg");
    // The poster is the stored frame turned the way the reported orientation says.
    let stored = Command::new("ffmpeg")
        .args(["-v", "error", "-nostdin", "-noautorotate", "-i"])
        .arg(&clip)
        .args(["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"])
        .output()
        .unwrap()
        .stdout;
    let stored = image::RgbImage::from_raw(64, 32, stored).unwrap();
    let poster = image::load_from_memory(&r.data).unwrap().into_rgb8();
    let diff = |a: &image::RgbImage| -> u64 {
        a.as_raw()
            .iter()
            .zip(poster.as_raw())
            .map(|(x, y)| u64::from(x.abs_diff(*y)))
            .sum()
    };
    let (cw, ccw) = (
        image::imageops::rotate90(&stored),
        image::imageops::rotate270(&stored),
    );
    let (expected, other) = if m.orientation == 6 {
        (&cw, &ccw)
    } else {
        (&ccw, &cw)
    };
    assert!(diff(expected) * 2 < diff(other), "poster turned the other way");
}

#[test]
fn without_ffmpeg_videos_are_refused_with_the_install_hint() {
    // The child re-runs the helper test below with an empty PATH.
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe)
        .args([
            "ffmpeg_missing_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("PATH", "/nonexistent")
        .env("ATELIER_FFMPEG_CHILD", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("ffmpeg is not installed: install it to import videos (apt install ffmpeg)"),
        "{text}"
    );
}

#[test]
fn ffmpeg_missing_child() {
    if std::env::var_os("ATELIER_FFMPEG_CHILD").is_none() {
        return; // only meaningful when started by the test above
    }
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("clip.mp4");
    std::fs::write(&clip, b"\0\0\0\x18ftypisom\0\0\0\0isommp41").unwrap();
    let err = read_metadata_path(&clip, Format::Video("MP4")).unwrap_err();
    assert!(matches!(err, MediaError::ToolMissing { tool: "ffmpeg", .. }));
    let err2 = render_path(&clip, Format::Video("MP4"), 1, THUMB_SIDE).unwrap_err();
    assert_eq!(err, err2);
    println!("{err}");
}

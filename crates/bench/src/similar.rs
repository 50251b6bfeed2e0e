//! `similar`: how well Find similar and duplicate detection work on real photos edited in ways
//! the signatures were not tuned on; `similar-speed`: how fast they answer on a million.
//!
//! The labelled set: every photo of a folder, brought to at most 1600 px, plus twelve variants
//! of it — re-encoded at three JPEG qualities, resized to a half and a quarter, cropped by 5,
//! 10 and 15 % (off-centre, centred, other corner), brighter and darker, a small text overlay,
//! mirrored — and, from a folder of video clips, bursts of three frames half a second apart.
//! All of it goes through the real import into a fresh library; each variant then asks
//! `Acting::similar` for its ten nearest, and the duplicate groups are checked for distinct
//! photos grouped together. Only the library's public use cases; knows no terminal.

use std::path::{Path, PathBuf};
use std::time::Instant;

use atelier_domain::{AssetId, AssetQuery, ErrorCode};
use atelier_library::{CancelToken, ImportMode, ImportOptions, ImportReport, Library};
use atelier_media::{Detected, THUMB_SIDE, detect, render};
use atelier_similar::Signature;
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage, imageops};
use rayon::prelude::*;
use serde::Serialize;

use crate::{Bench, BenchError, Result};

/// The project the set's photos are imported into (variants go to another).
const ORIGINALS: &str = "Photos";
/// The variants that are the same picture (re-encoded or resized): duplicates of their original.
const DUPLICATE_KINDS: [&str; 5] = ["jpeg90", "jpeg60", "jpeg30", "half", "quarter"];
/// Longest side of the set's originals.
const BASE_SIDE: u32 = 1600;
/// The variants made of every photo.
const VARIANTS: [&str; 12] = [
    "jpeg90", "jpeg60", "jpeg30", "half", "quarter", "crop5", "crop10", "crop15", "brighter", "darker",
    "text", "mirror",
];

/// Recall of one kind of variant.
#[derive(Debug, Clone, Serialize)]
pub struct VariantRecall {
    /// The variant.
    pub kind: String,
    /// Variants whose original was among their ten nearest.
    pub found: usize,
    /// Variants asked.
    pub total: usize,
}

/// What `similar` measured.
#[derive(Debug, Clone, Serialize)]
pub struct SimilarBench {
    /// Distinct photos.
    pub photos: usize,
    /// Variants asked about.
    pub variants: usize,
    /// Share of variants whose original is among their ten nearest.
    pub recall_at_10: f64,
    /// The same per kind of variant.
    pub by_kind: Vec<VariantRecall>,
    /// Variants whose original was not found: (variant file, original file).
    pub missed: Vec<(String, String)>,
    /// Pairs of distinct photos in the set.
    pub distinct_pairs: u64,
    /// Pairs of distinct photos that duplicate detection grouped together.
    pub false_duplicate_pairs: u64,
    /// Re-encoded and resized variants grouped with their original (they should be).
    pub duplicates_found: usize,
    /// Those not grouped with their original.
    pub duplicates_missed: Vec<String>,
    /// Re-encoded and resized variants in all.
    pub duplicates_expected: usize,
    /// Burst frames asked about.
    pub burst_queries: usize,
    /// Burst frames whose siblings all ranked above every photo of the set.
    pub bursts_ranked_first: usize,
    /// Burst frames with a photo ranked above a sibling: (frame, the photo).
    pub bursts_missed: Vec<(String, String)>,
    /// Median time of a grid thumbnail from the original file (one thread), ms.
    pub thumbnail_ms: f64,
    /// Median time of a signature from the thumbnail's pixels (one thread), ms.
    pub signature_ms: f64,
    /// Wall time of the import of the whole set, s.
    pub import_secs: f64,
}

/// What `similar-speed` measured.
#[derive(Debug, Clone, Serialize)]
pub struct SimilarSpeed {
    /// Signatures in the index.
    pub indexed: u64,
    /// Loading the index from the catalog, s.
    pub load_secs: f64,
    /// Median / 95th percentile of a top-50 query over everything, ms.
    pub query_p50_ms: f64,
    /// 95th percentile, ms.
    pub query_p95_ms: f64,
    /// Median of a query within one brand, ms.
    pub brand_p50_ms: f64,
    /// Finding every duplicate group in the library, s.
    pub duplicates_secs: f64,
}

/// Builds the labelled set from `photos` (and bursts from the clips in `videos`) in `work`
/// (emptied first), imports it into a library there and measures (see the module docs).
pub fn similar_set(
    photos: &Path,
    videos: Option<&Path>,
    work: &Path,
    max_photos: usize,
) -> Result<SimilarBench> {
    let mut sources: Vec<PathBuf> = walkdir::WalkDir::new(photos)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| ["jpg", "jpeg", "png"].contains(&e.to_ascii_lowercase().as_str()))
        })
        .collect();
    sources.truncate(max_photos);
    if sources.len() < 2 {
        return Err(atelier_domain::InvalidInput::new(
            ErrorCode::TooFewPhotos,
            format!("{} holds fewer than two JPEG or PNG photos", photos.display()),
        )
        .into());
    }
    if work.exists() {
        std::fs::remove_dir_all(work).map_err(|e| BenchError::io(work, e))?;
    }
    // Originals (and bursts) in one folder and project, variants in another: a variant asks
    // for its ten nearest among the photos, the way a user finds the original of an edit,
    // and never competes with its own siblings.
    let set = work.join("set");
    let (originals, edited) = (set.join("originals"), set.join("variants"));
    for d in [&originals, &edited] {
        std::fs::create_dir_all(d).map_err(|e| BenchError::io(d, e))?;
    }

    // Originals and variants, and the per-file thumbnail and signature timings.
    let made: Vec<std::result::Result<(f64, f64), String>> = sources
        .par_iter()
        .enumerate()
        .map(|(i, src)| make_variants(src, &originals, &edited, i))
        .collect();
    let mut thumb_ms = Vec::new();
    let mut sig_ms = Vec::new();
    let mut photos_ok = Vec::new();
    for (i, m) in made.iter().enumerate() {
        match m {
            Ok((t, s)) => {
                thumb_ms.push(*t);
                sig_ms.push(*s);
                photos_ok.push(i);
            }
            Err(e) => eprintln!("skipped {}: {e}", sources[i].display()),
        }
    }
    let mut bursts = 0usize;
    if let Some(dir) = videos {
        bursts = make_bursts(dir, &originals)?;
    }

    let opened = Library::open(&work.join("library"))?;
    let library = opened.as_owner();
    let started = Instant::now();
    let mut report = ImportReport::default();
    for (dir, project) in [(&originals, ORIGINALS), (&edited, "Variants")] {
        let r = library.import(
            std::slice::from_ref(dir),
            &ImportOptions {
                mode: Some(ImportMode::InPlace),
                project: Some(project.into()),
                ..ImportOptions::default()
            },
            &CancelToken::new(),
            &None,
        )?;
        report.imported.extend(r.imported);
    }
    let import_secs = started.elapsed().as_secs_f64();
    let by_name: std::collections::HashMap<String, AssetId> = report
        .imported
        .iter()
        .filter_map(|f| Some((f.path.file_name()?.to_string_lossy().into_owned(), f.id)))
        .collect();
    let by_id: std::collections::HashMap<AssetId, &str> =
        by_name.iter().map(|(n, id)| (*id, n.as_str())).collect();
    let id_of = |name: &str| by_name.get(name).copied();
    let name_of = |id: AssetId| by_id.get(&id).copied().unwrap_or_default().to_string();

    let everything = AssetQuery::default();
    let photos_only = AssetQuery {
        project: Some(ORIGINALS.into()),
        ..AssetQuery::default()
    };
    let mut by_kind: Vec<VariantRecall> = VARIANTS
        .iter()
        .map(|k| VariantRecall {
            kind: (*k).into(),
            found: 0,
            total: 0,
        })
        .collect();
    let mut missed = Vec::new();
    for &p in &photos_ok {
        let original = format!("p{p:03}_orig.jpg");
        let Some(orig_id) = id_of(&original) else { continue };
        for (k, kind) in VARIANTS.iter().enumerate() {
            let variant = format!("p{p:03}_{kind}.jpg");
            let Some(id) = id_of(&variant) else { continue };
            let page = library.similar(id, &photos_only, 10)?;
            by_kind[k].total += 1;
            if page.items.iter().any(|i| i.asset.id == orig_id) {
                by_kind[k].found += 1;
            } else {
                missed.push((variant, original.clone()));
            }
        }
    }
    let variants: usize = by_kind.iter().map(|k| k.total).sum();
    let found: usize = by_kind.iter().map(|k| k.found).sum();

    // Duplicate groups as the user sees them (bursts left out): a group holding files of two
    // photos is a false duplicate.
    let groups = library.duplicates(&everything, false)?;
    let photo_of = |name: &str| name.split('_').next().unwrap_or_default().to_string();
    let mut false_pairs = 0u64;
    let mut grouped: std::collections::HashSet<String> = Default::default();
    for g in &groups.groups {
        let names: Vec<String> = g.items.iter().map(|i| name_of(i.asset.id)).collect();
        let mut counts: std::collections::BTreeMap<String, u64> = Default::default();
        for n in &names {
            *counts.entry(photo_of(n)).or_default() += 1;
        }
        let c: Vec<u64> = counts.values().copied().collect();
        for i in 0..c.len() {
            for j in i + 1..c.len() {
                false_pairs += c[i] * c[j];
            }
        }
        for n in &names {
            let Some(kind) = n
                .strip_suffix(".jpg")
                .and_then(|s| s.split_once('_'))
                .map(|t| t.1)
            else {
                continue;
            };
            let orig = format!("{}_orig.jpg", photo_of(n));
            if DUPLICATE_KINDS.contains(&kind) && names.contains(&orig) {
                grouped.insert(n.clone());
            }
        }
    }
    let duplicates_missed: Vec<String> = photos_ok
        .iter()
        .flat_map(|p| DUPLICATE_KINDS.iter().map(move |k| format!("p{p:03}_{k}.jpg")))
        .filter(|n| id_of(n).is_some() && !grouped.contains(n))
        .collect();
    let n = photos_ok.len() as u64 + bursts as u64;
    let distinct_pairs = n * n.saturating_sub(1) / 2;

    // Bursts: every sibling ranks above everything unrelated.
    let mut burst_queries = 0;
    let mut bursts_ranked_first = 0;
    let mut bursts_missed = Vec::new();
    for b in 0..bursts {
        let names: Vec<String> = (0..3).map(|k| format!("b{b:02}_{k}.jpg")).collect();
        for (k, name) in names.iter().enumerate() {
            let Some(id) = id_of(name) else { continue };
            let siblings: Vec<AssetId> = names
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != k)
                .filter_map(|(_, n)| id_of(n))
                .collect();
            // Unrelated means the photos: frames of another clip may film the same scene
            // (the corpus's MVI_0120 and MVI_0121 show the same box), so they may sit
            // between siblings.
            let page = library.similar(id, &photos_only, (siblings.len() + 2 * bursts).max(1))?;
            burst_queries += 1;
            let first_photo = page
                .items
                .iter()
                .position(|i| name_of(i.asset.id).starts_with('p'));
            let last_sibling = page.items.iter().rposition(|i| siblings.contains(&i.asset.id));
            let found = page
                .items
                .iter()
                .filter(|i| siblings.contains(&i.asset.id))
                .count();
            match (first_photo, last_sibling) {
                (Some(p), Some(s)) if p < s => {
                    bursts_missed.push((name.clone(), name_of(page.items[p].asset.id)));
                }
                _ if found < siblings.len() => {
                    bursts_missed.push((name.clone(), "(a sibling not found)".into()))
                }
                _ => bursts_ranked_first += 1,
            }
        }
    }
    Ok(SimilarBench {
        photos: photos_ok.len(),
        variants,
        recall_at_10: if variants == 0 {
            0.0
        } else {
            found as f64 / variants as f64
        },
        by_kind,
        missed,
        distinct_pairs,
        false_duplicate_pairs: false_pairs,
        duplicates_found: grouped.len(),
        duplicates_expected: grouped.len() + duplicates_missed.len(),
        duplicates_missed,
        burst_queries,
        bursts_ranked_first,
        bursts_missed,
        thumbnail_ms: median(&mut thumb_ms),
        signature_ms: median(&mut sig_ms),
        import_secs,
    })
}

impl Bench<'_> {
    /// Times similarity queries on this library (a synthetic million for the figures).
    pub fn similar_speed(&self, runs: usize) -> Result<SimilarSpeed> {
        let acting = self.acting();
        let started = Instant::now();
        let indexed = acting.warm_similar()?;
        let load_secs = started.elapsed().as_secs_f64();
        if indexed == 0 {
            return Err(atelier_domain::InvalidInput::new(
                ErrorCode::NothingIndexed,
                "this library has no signatures: import photos, or run `atelier-bench synth` on an empty library",
            )
            .into());
        }
        let page = acting.search(&AssetQuery {
            limit: Some(runs.clamp(1, 1000)),
            ..AssetQuery::default()
        })?;
        let brand = page.items.first().map(|a| a.brand.clone());
        let mut all = Vec::new();
        let mut in_brand = Vec::new();
        for a in &page.items {
            let t = Instant::now();
            acting.similar(a.id, &AssetQuery::default(), 50)?;
            all.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            acting.similar(
                a.id,
                &AssetQuery {
                    brand: brand.clone(),
                    ..AssetQuery::default()
                },
                50,
            )?;
            in_brand.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let started = Instant::now();
        acting.duplicates(&AssetQuery::default(), false)?;
        let duplicates_secs = started.elapsed().as_secs_f64();
        all.sort_by(f64::total_cmp);
        let p95 = all[((all.len() as f64 * 0.95).ceil() as usize).clamp(1, all.len()) - 1];
        Ok(SimilarSpeed {
            indexed,
            load_secs,
            query_p50_ms: median(&mut all),
            query_p95_ms: p95,
            brand_p50_ms: median(&mut in_brand),
            duplicates_secs,
        })
    }
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Writes photo `i`'s original and variants into `set`; returns the median thumbnail and
/// signature times (ms) measured on the source file.
fn make_variants(
    src: &Path,
    originals: &Path,
    set: &Path,
    i: usize,
) -> std::result::Result<(f64, f64), String> {
    let bytes = std::fs::read(src).map_err(|e| e.to_string())?;
    let ext = src.extension().and_then(|e| e.to_str());
    let Detected::Known(format) = detect(&bytes[..bytes.len().min(64 * 1024)], ext) else {
        return Err("not an image".into());
    };
    // Costs on the real file: the grid thumbnail as import makes it, and the signature alone.
    let mut thumb_ms = Vec::new();
    let mut thumb = None;
    for _ in 0..3 {
        let t = Instant::now();
        thumb = Some(render(&bytes, format, 1, THUMB_SIDE).map_err(|e| e.to_string())?);
        thumb_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let thumb = thumb.ok_or("no thumbnail")?;
    let pixels = image::load_from_memory(&thumb.data)
        .map_err(|e| e.to_string())?
        .into_rgb8();
    let mut sig_ms = Vec::new();
    for _ in 0..21 {
        let t = Instant::now();
        let s = Signature::from_pixels(pixels.as_raw(), pixels.width(), pixels.height(), 3);
        sig_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(s.ok());
    }

    let base = render(&bytes, format, 1, BASE_SIDE).map_err(|e| e.to_string())?;
    let base = image::load_from_memory(&base.data)
        .map_err(|e| e.to_string())?
        .into_rgb8();
    let (w, h) = base.dimensions();
    // Every file of a photo carries its capture time, as exports and edits usually do: that is
    // what tells two distinct frames of a burst from two copies of one frame.
    let exif = capture_time_exif(&bytes);
    let encode = |path: &Path, img: &RgbImage, quality: u8| -> std::result::Result<(), String> {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, quality)
            .encode_image(img)
            .map_err(|e| e.to_string())?;
        if let Some(app1) = &exif {
            // Right after SOI, before the encoder's own segments.
            out.splice(2..2, app1.iter().copied());
        }
        std::fs::write(path, out).map_err(|e| e.to_string())
    };
    let write = |kind: &str, img: &RgbImage, quality: u8| -> std::result::Result<(), String> {
        encode(&set.join(format!("p{i:03}_{kind}.jpg")), img, quality)
    };
    let crop = |fraction: f64, anchor: (f64, f64)| -> RgbImage {
        // `fraction` of each side is removed, split between the edges by `anchor`.
        let (cw, ch) = (
            (f64::from(w) * (1.0 - fraction)).round() as u32,
            (f64::from(h) * (1.0 - fraction)).round() as u32,
        );
        let (x, y) = (
            (f64::from(w - cw) * anchor.0).round() as u32,
            (f64::from(h - ch) * anchor.1).round() as u32,
        );
        imageops::crop_imm(&base, x, y, cw, ch).to_image()
    };
    encode(&originals.join(format!("p{i:03}_orig.jpg")), &base, 95)?;
    write("jpeg90", &base, 90)?;
    write("jpeg60", &base, 60)?;
    write("jpeg30", &base, 30)?;
    write(
        "half",
        &imageops::resize(&base, w / 2, h / 2, imageops::FilterType::Triangle),
        85,
    )?;
    write(
        "quarter",
        &imageops::resize(&base, w / 4, h / 4, imageops::FilterType::Triangle),
        85,
    )?;
    write("crop5", &crop(0.05, (0.2, 0.3)), 85)?;
    write("crop10", &crop(0.10, (0.5, 0.5)), 85)?;
    write("crop15", &crop(0.15, (0.8, 0.7)), 85)?;
    write("brighter", &imageops::brighten(&base, 30), 85)?;
    write("darker", &imageops::brighten(&base, -30), 85)?;
    let mut text = base.clone();
    overlay_text(&mut text, "(c) Atelier 2026");
    write("text", &text, 85)?;
    write("mirror", &imageops::flip_horizontal(&base), 85)?;
    Ok((median(&mut thumb_ms), median(&mut sig_ms)))
}

/// An APP1 segment holding only the source's capture time (DateTimeOriginal, SubSecTimeOriginal,
/// OffsetTimeOriginal), or `None` when it records none. Orientation is left out on purpose: the
/// set's pixels are already as stored.
fn capture_time_exif(source: &[u8]) -> Option<Vec<u8>> {
    use exif::{In, Tag};
    let read = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(source))
        .ok()?;
    let fields: Vec<exif::Field> = [
        Tag::DateTimeOriginal,
        Tag::SubSecTimeOriginal,
        Tag::OffsetTimeOriginal,
    ]
    .into_iter()
    .filter_map(|t| read.get_field(t, In::PRIMARY).cloned())
    .collect();
    if !fields.iter().any(|f| f.tag == Tag::DateTimeOriginal) {
        return None;
    }
    let mut writer = exif::experimental::Writer::new();
    for f in &fields {
        writer.push_field(f);
    }
    let mut tiff = std::io::Cursor::new(Vec::new());
    writer.write(&mut tiff, false).ok()?;
    let tiff = tiff.into_inner();
    let len = u16::try_from(2 + 6 + tiff.len()).ok()?;
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend(len.to_be_bytes());
    app1.extend(b"Exif\0\0");
    app1.extend(tiff);
    Some(app1)
}

/// Draws `s` in white with a dark outline near the bottom-left corner, glyphs about 3 % of the
/// picture's height.
fn overlay_text(img: &mut RgbImage, s: &str) {
    let scale = (img.height() / 35 / 8).max(1);
    let (x0, y0) = (img.width() / 30, img.height() - img.height() / 30 - 8 * scale);
    for (n, c) in s.chars().enumerate() {
        let Some(glyph) = font8x8::legacy::BASIC_LEGACY.get(c as usize) else {
            continue;
        };
        for (row, bits) in glyph.iter().enumerate() {
            for col in 0..8u32 {
                if bits & (1 << col) == 0 {
                    continue;
                }
                for dy in 0..scale {
                    for dx in 0..scale {
                        let x = x0 + (n as u32 * 8 + col) * scale + dx;
                        let y = y0 + row as u32 * scale + dy;
                        if x < img.width() && y < img.height() {
                            img.put_pixel(x, y, Rgb([255, 255, 255]));
                        }
                    }
                }
            }
        }
    }
}

/// Three frames half a second apart from each clip in `dir` (ffmpeg), as `bNN_K.jpg`; returns
/// how many bursts were made.
fn make_bursts(dir: &Path, set: &Path) -> Result<usize> {
    let mut clips: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| BenchError::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    clips.sort();
    let mut made = 0;
    for clip in clips {
        let frames: Vec<PathBuf> = (0..3).map(|k| set.join(format!("b{made:02}_{k}.jpg"))).collect();
        let ok = frames.iter().enumerate().all(|(k, out)| {
            std::process::Command::new("ffmpeg")
                .args(["-v", "error", "-nostdin", "-y", "-ss"])
                .arg(format!("{:.1}", 1.0 + 0.5 * k as f64))
                .arg("-i")
                .arg(&clip)
                .args(["-frames:v", "1", "-q:v", "3"])
                .arg(out)
                .status()
                .is_ok_and(|s| s.success())
                && out.exists()
        });
        if ok {
            made += 1;
        } else {
            for f in &frames {
                let _ = std::fs::remove_file(f);
            }
        }
    }
    Ok(made)
}

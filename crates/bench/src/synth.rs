//! `synth`: fills a library with synthetic assets shaped like a real studio's, for benchmarks
//! at a million assets — no image files needed. Names, tags (Zipf over a few thousand, some
//! hierarchical), prompts (Zipf over a vocabulary whose most common words appear in about 40 %
//! of assets), ratings, flags, statuses, sources, brands, projects, collections, campaigns and
//! dates follow fixed, documented proportions, from a seed, so two runs give the same library.
//!
//! Brands, projects, collections and campaigns are made through the library's use cases, as a
//! person makes them; the assets go in through `Catalog::bulk_insert`, which writes each one as
//! an import does. Knows no other way to write a row, and no terminal.

use std::time::Instant;

use atelier_catalog::{
    BrandRow, BulkAsset, CampaignRow, Catalog, CollectionRow, FileFacts, NewAsset, PERSONAL_BRAND, ProjectRow,
};
use atelier_domain::{AssetId, ErrorCode, Flag, Id, InvalidInput, Kind, Rating, Source, Status};
use atelier_library::{CancelToken, INBOX, Phase, Progress, ProgressSender};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Zipf};
use serde::Serialize;
use uuid::Uuid;

use crate::{Bench, BenchError, Result, brand_row, found, now_ms, project_row};

/// How to synthesise.
#[derive(Debug, Clone, Copy)]
pub struct SynthOptions {
    /// How many assets.
    pub assets: u64,
    /// Random seed (the same seed gives the same library).
    pub seed: u64,
    /// Give every asset a file and a grid thumbnail: a small JPEG of a thumbnail's size (the
    /// same picture for all, each file made distinct by bytes after its end), which is both
    /// the original and its thumbnail — for timing what travels (uploads, thumbnails), not
    /// what decodes. Every asset is then an image.
    pub files: bool,
}

/// The picture behind `--files`: a 400 × 267 photo-like JPEG (a gradient with grain) of about
/// the size a real grid thumbnail has.
fn synthetic_thumbnail() -> Result<Vec<u8>> {
    let mut rng = SmallRng::seed_from_u64(400);
    let (w, h) = (atelier_media::THUMB_SIDE, atelier_media::THUMB_SIDE * 2 / 3);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let mut px = [
            (x * 255 / w) as i32,
            (y * 255 / h) as i32,
            ((x + y) * 128 / (w + h)) as i32 + 64,
        ];
        for c in &mut px {
            *c = (*c + rng.random_range(-10..=10)).clamp(0, 255);
        }
        image::Rgb(px.map(|c| c as u8))
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82)
        .encode_image(&img)
        .map_err(|e| BenchError::Internal(format!("encoding the synthetic thumbnail: {e}")))?;
    Ok(out)
}

/// What was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SynthReport {
    /// Assets added.
    pub assets: u64,
    /// Team brands.
    pub brands: usize,
    /// Projects.
    pub projects: usize,
    /// Collections.
    pub collections: usize,
    /// Campaigns.
    pub campaigns: usize,
    /// Distinct tags.
    pub tags: usize,
    /// Milliseconds taken.
    pub millis: u64,
}

/// The brand the benchmark queries scope to (the largest synthetic brand).
pub(crate) const BENCH_BRAND: &str = "Acme";
const BRANDS: &[&str] = &[
    "Acme",
    "Northwind",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Hooli",
];
const TAG_COUNT: usize = 3_000;
const VOCABULARY: usize = 5_000;
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ra", "ven", "tor", "shi", "lu", "mar", "den", "zo", "fel", "qua", "ri", "sol", "an",
    "bel", "cor", "dra", "es", "gal", "hu", "ix", "jo", "kel", "lys", "mon", "nor", "ob", "pra",
];
/// The head of the prompt vocabulary: words every studio's prompts are full of.
const COMMON_PROMPT_WORDS: &[&str] = &[
    "masterpiece",
    "detailed",
    "lighting",
    "portrait",
    "cinematic",
    "photo",
    "quality",
    "background",
    "soft",
    "studio",
    "colorful",
    "sharp",
    "golden",
    "hour",
    "product",
    "shot",
    "moody",
    "vibrant",
    "minimal",
    "texture",
];
const TAG_ROOTS: &[&str] = &["client", "subject", "style", "location", "season", "usage"];

fn pseudo_word(i: usize) -> String {
    let n = SYLLABLES.len();
    let mut w = String::new();
    let mut x = i + 1;
    while x > 0 {
        w.push_str(SYLLABLES[x % n]);
        x /= n;
    }
    w
}

/// The prompt word of Zipf rank `rank` (0 is the most common).
pub(crate) fn prompt_word(rank: usize) -> String {
    COMMON_PROMPT_WORDS.get(rank).map_or_else(
        || pseudo_word(rank - COMMON_PROMPT_WORDS.len()),
        |w| w.to_string(),
    )
}

/// The tag of Zipf rank `rank` (0 is the most common).
pub(crate) fn tag_name(rank: usize) -> String {
    if rank % 5 == 4 {
        format!("{}/{}", TAG_ROOTS[rank % TAG_ROOTS.len()], pseudo_word(rank * 7))
    } else {
        pseudo_word(rank * 13 + 3)
    }
}

fn vocabulary() -> Vec<String> {
    (0..VOCABULARY).map(prompt_word).collect()
}

fn tag_names() -> Vec<String> {
    (0..TAG_COUNT).map(tag_name).collect()
}

fn pick<T: Copy>(rng: &mut SmallRng, weighted: &[(T, u32)]) -> T {
    let total: u32 = weighted.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0..total);
    for (v, w) in weighted {
        if x < *w {
            return *v;
        }
        x -= w;
    }
    weighted[0].0
}

fn zipf(n: usize, s: f64) -> Result<Zipf<f64>> {
    Zipf::new(n as f64, s).map_err(|e| InvalidInput::new(ErrorCode::InvalidSynth, e.to_string()).into())
}

struct Org {
    brands: Vec<BrandRow>,
    projects: Vec<ProjectRow>,
    /// Collections per brand index.
    collections: Vec<Vec<CollectionRow>>,
    /// Campaigns per brand index (empty for the Personal brand).
    campaigns: Vec<Vec<CampaignRow>>,
}

/// Sends a progress message, if anyone listens (a listener that stopped must not stop the job).
fn report(progress: &ProgressSender, phase: Phase, done: u64, total: Option<u64>) {
    if let Some(tx) = progress {
        let _ = tx.try_send(Progress { phase, done, total });
    }
}

impl Bench<'_> {
    /// Adds `options.assets` synthetic assets (1 to 10,000,000).
    pub fn synth(
        &self,
        options: SynthOptions,
        cancel: &CancelToken,
        progress: &ProgressSender,
    ) -> Result<SynthReport> {
        if !(1..=10_000_000).contains(&options.assets) {
            return Err(InvalidInput::new(
                ErrorCode::InvalidCount,
                format!("{} assets asked for: synthesise 1 to 10,000,000", options.assets),
            )
            .into());
        }
        let started = Instant::now();
        let tags = tag_names();
        let words = vocabulary();
        let mut catalog = self.catalog()?;
        let org = self.synth_org(&catalog)?;
        let mut rng = SmallRng::seed_from_u64(options.seed);
        let tag_zipf = zipf(TAG_COUNT, 1.1)?;
        let word_zipf = zipf(VOCABULARY, 1.0)?;
        let brand_zipf = zipf(BRANDS.len(), 0.9)?;
        let user = self.user;
        let n = options.assets;
        let now = now_ms();
        // Three years of work, evenly in time, ~1 % of it in the last week.
        let span_ms: i64 = 3 * 365 * 24 * 3600 * 1000;
        let start_ms = now - span_ms;
        // Which tags the assets carry (the report counts them).
        let mut used = vec![false; TAG_COUNT];
        let picture = if options.files {
            Some(synthetic_thumbnail()?)
        } else {
            None
        };
        let layout = self.acting.layout().clone();
        let mut failed: Option<BenchError> = None;
        let assets = (0..n).map_while(|i| {
            if cancel.is_cancelled() {
                return None;
            }
            let added_at = start_ms + ((i as i128 * span_ms as i128) / n as i128) as i64;
            let source = pick(
                &mut rng,
                &[
                    (Source::Imported, 45),
                    (Source::Generated, 40),
                    (Source::Uploaded, 15),
                ],
            );
            let kind = if rng.random_range(0..100) < 5 && picture.is_none() {
                Kind::Video
            } else {
                Kind::Image
            };
            let personal = rng.random_range(0..100) < 10;
            let b = if personal {
                0
            } else {
                // Team brands follow org.brands' Personal brand (index 0): Acme is the largest.
                1 + tag_zipf_index(&mut rng, &brand_zipf)
            };
            let brand = org.brands[b];
            let name = synth_name(&mut rng, source, kind, i, &words);
            let prompt = (source == Source::Generated).then(|| {
                let len = rng.random_range(12..40);
                (0..len)
                    .map(|_| words[tag_zipf_index(&mut rng, &word_zipf)].as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            let mut tag_idx: Vec<usize> = (0..rng.random_range(0..9))
                .map(|_| tag_zipf_index(&mut rng, &tag_zipf))
                .collect();
            tag_idx.sort_unstable();
            tag_idx.dedup();
            for t in &tag_idx {
                used[*t] = true;
            }
            let status = pick(
                &mut rng,
                &[
                    (Status::Draft, 70),
                    (Status::InReview, 8),
                    (Status::Approved, 15),
                    (Status::Rejected, 4),
                    (Status::Archived, 3),
                ],
            );
            let status = if personal { Status::Draft } else { status };
            let rating = pick(&mut rng, &[(0u8, 60), (1, 5), (2, 8), (3, 12), (4, 10), (5, 5)]);
            let flag = pick(&mut rng, &[(Flag::None, 85), (Flag::Pick, 10), (Flag::Reject, 5)]);
            let cols = &org.collections[b];
            let mut collections: Vec<CollectionRow> = if rng.random_range(0..100) < 60 && !cols.is_empty() {
                (0..rng.random_range(1..3))
                    .map(|_| cols[rng.random_range(0..cols.len())])
                    .collect()
            } else {
                Vec::new()
            };
            collections.dedup();
            let camps = &org.campaigns[b];
            let campaigns = if !camps.is_empty() && rng.random_range(0..100) < 10 {
                vec![camps[rng.random_range(0..camps.len())]]
            } else {
                Vec::new()
            };
            let captured = added_at / 1000 - rng.random_range(0..30 * 24 * 3600);
            let (width, height) = if rng.random_bool(0.6) {
                (6000, 4000)
            } else {
                (1024, 1536)
            };
            let id = AssetId::from_uuid(Uuid::from_u128(
                rng.random::<u128>() & !(0xF000 << 64) | (0x7000 << 64),
            ));
            let (hash, path, bytes, thumb) = match &picture {
                None => (
                    *blake3::hash(&i.to_le_bytes()).as_bytes(),
                    // Managed paths that don't exist: reconciliation (which looks at files
                    // added in place) leaves synthetic assets alone.
                    std::path::PathBuf::from(format!("originals/synthetic/{name}")),
                    // Sizes spread from 0.2 to 40 MB, for the size sort.
                    200_000 + spread(i) % 40_000_000,
                    None,
                ),
                Some(picture) => {
                    let mut content = picture.clone();
                    content.extend_from_slice(&i.to_le_bytes());
                    let hash = *blake3::hash(&content).as_bytes();
                    let path = std::path::PathBuf::from(format!(
                        "originals/synthetic/{:04}/{i:07}-{name}",
                        i / 1000
                    ));
                    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
                    let thumb = layout.rendition(&hex, atelier_library::RenditionKind::Thumb, "jpg");
                    let written = [layout.root().join(&path), thumb].iter().try_for_each(|to| {
                        std::fs::create_dir_all(to.parent().unwrap_or(to))
                            .and_then(|_| std::fs::write(to, &content))
                            .map_err(|e| BenchError::io(to, e))
                    });
                    if let Err(e) = written {
                        failed = Some(e);
                        return None;
                    }
                    (hash, path, content.len() as u64, Some("jpg".to_string()))
                }
            };
            Some(BulkAsset {
                asset: NewAsset {
                    id,
                    hash,
                    name: name.clone(),
                    kind,
                    source,
                    project: org.projects[rng.random_range(0..org.projects.len())],
                    brand,
                    creator: user,
                    width,
                    height,
                    added_at,
                    captured_at: None,
                    sort_captured: captured,
                    prompt,
                    rating: Rating::new(rating).unwrap_or_default(),
                    tags: tag_idx.iter().map(|t| tags[*t].clone()).collect(),
                    title: None,
                    description: None,
                    exif_json: (source != Source::Generated).then(|| camera_exif(i)),
                    generation_json: None,
                    search_extra: String::new(),
                    model_refs: Vec::new(),
                    // Random signatures: similarity timings don't depend on the values.
                    signature: Some(atelier_catalog::StoredSignature {
                        version: atelier_similar::VERSION,
                        phash: rng.random(),
                        vector: (0..atelier_similar::DIMS)
                            .map(|_| rng.random_range(-60i8..=60) as u8)
                            .collect(),
                    }),
                    file: FileFacts {
                        path,
                        managed: true,
                        bytes,
                        mime: if kind == Kind::Video {
                            "video/mp4".into()
                        } else {
                            "image/jpeg".into()
                        },
                        format: if kind == Kind::Video {
                            "video".into()
                        } else {
                            "jpeg".into()
                        },
                        mtime_ms: Some(added_at),
                        orientation: 1,
                        thumb,
                        duration_ms: None,
                        sidecar_mtime_ms: None,
                    },
                },
                status,
                flag,
                collections,
                campaigns,
            })
        });
        report(progress, Phase::Working, 0, Some(n));
        let written = catalog.bulk_insert(assets, user, &mut |done| {
            report(progress, Phase::Working, done, Some(n))
        })?;
        if let Some(e) = failed {
            return Err(e);
        }
        report(progress, Phase::Finishing, written, Some(n));
        catalog.optimize()?;
        if cancel.is_cancelled() {
            return Err(BenchError::Cancelled);
        }
        Ok(SynthReport {
            assets: written,
            brands: BRANDS.len(),
            projects: org.projects.len(),
            collections: org.collections.iter().map(Vec::len).sum(),
            campaigns: org.campaigns.iter().map(Vec::len).sum(),
            tags: used.iter().filter(|u| **u).count(),
            millis: started.elapsed().as_millis() as u64,
        })
    }

    /// The synthetic studio's brands (the acting user's Personal brand first), projects (their
    /// Inbox first), collection trees and campaigns, made through the library's use cases.
    fn synth_org(&self, catalog: &Catalog) -> Result<Org> {
        let acting = self.acting();
        let personal = acting.brand_id(PERSONAL_BRAND)?;
        let mut brands = vec![brand_row(catalog, personal)?];
        let mut brand_names = vec![PERSONAL_BRAND];
        for &b in BRANDS {
            brands.push(brand_row(catalog, self.ensure_brand(b)?)?);
            brand_names.push(b);
        }
        let mut projects = vec![project_row(catalog, self.ensure_project(INBOX)?)?];
        for i in 0..29 {
            let name = format!("Project {}", pseudo_word(i * 3 + 11));
            projects.push(project_row(catalog, self.ensure_project(&name)?)?);
        }
        let collection = |path: &str, brand: &str| -> Result<CollectionRow> {
            let id = acting.collection_create(path, brand)?.id;
            Ok(found(catalog.collection_by_id(id)?, "collection")?.0)
        };
        let mut collections = Vec::new();
        let mut campaigns = Vec::new();
        for (bi, brand) in brand_names.iter().enumerate() {
            let mut cols = Vec::new();
            let stamp = now_ms();
            for top in 0..5 {
                let t = format!("Synth {stamp} {}", pseudo_word(bi * 50 + top));
                cols.push(collection(&t, brand)?);
                for mid in 0..3 {
                    let m = format!("{t}/{}", pseudo_word(top * 10 + mid + 100));
                    cols.push(collection(&m, brand)?);
                    for leaf in 0..2 {
                        cols.push(collection(
                            &format!("{m}/{leaf} {}", pseudo_word(mid + 300)),
                            brand,
                        )?);
                    }
                }
            }
            collections.push(cols);
            let mut camps = Vec::new();
            if bi > 0 {
                for c in 0..8 {
                    let name = format!("Campaign {stamp} {}", pseudo_word(bi * 20 + c));
                    let id = acting.campaign_create(&name, brand, None)?.id;
                    camps.push(found(catalog.campaign_by_id(id)?, "campaign")?.0);
                }
            }
            campaigns.push(camps);
        }
        Ok(Org {
            brands,
            projects,
            collections,
            campaigns,
        })
    }
}

/// A 0-based index drawn from a Zipf distribution over 1..=n.
fn tag_zipf_index(rng: &mut SmallRng, z: &Zipf<f64>) -> usize {
    (z.sample(rng) as usize).saturating_sub(1)
}

fn synth_name(rng: &mut SmallRng, source: Source, kind: Kind, i: u64, words: &[String]) -> String {
    let ext = if kind == Kind::Video { "mp4" } else { "jpg" };
    match source {
        Source::Imported => {
            let prefix = ["IMG_", "DSC_", "_MG_", "DSCF", "P"][rng.random_range(0..5)];
            let ext = if kind == Kind::Video { "MOV" } else { "JPG" };
            format!("{prefix}{:04}.{ext}", i % 10_000)
        }
        Source::Generated => {
            if rng.random_bool(0.5) {
                format!("ComfyUI_{:05}_.png", i % 100_000)
            } else {
                format!("{:05}-{}.png", i % 100_000, rng.random_range(0..u32::MAX))
            }
        }
        Source::Uploaded => {
            let a = &words[rng.random_range(20..400)];
            let b = &words[rng.random_range(20..400)];
            let mut cap = b.clone();
            if let Some(f) = cap.get_mut(..1) {
                f.make_ascii_uppercase();
            }
            match rng.random_range(0..3) {
                0 => format!("{a}{cap}-{:03}.{ext}", i % 1000),
                1 => format!("{a}_{b}_final_v{}.{ext}", rng.random_range(1..6)),
                _ => format!("{a}-{b}.{ext}"),
            }
        }
    }
}

/// A fixed pseudo-random number for asset `i` (kept out of the generator, so that adding
/// fields doesn't change the ones drawn before).
fn spread(i: u64) -> u64 {
    let x = i
        .wrapping_add(0x9E37_79B9_7F4A_7C15)
        .wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 31)
}

/// The cameras and lenses photos were taken with: a few common, many rare (as a studio's
/// library has them), one in five with a GPS position.
fn camera_exif(i: u64) -> String {
    const CAMERAS: [(&str, &str); 12] = [
        ("Canon", "Canon EOS R5"),
        ("SONY", "ILCE-7M4"),
        ("NIKON CORPORATION", "NIKON Z 6_2"),
        ("Apple", "iPhone 15 Pro"),
        ("FUJIFILM", "X-T5"),
        ("Canon", "Canon EOS 5D Mark IV"),
        ("Panasonic", "DC-S5M2"),
        ("OM Digital Solutions", "OM-1"),
        ("Leica Camera AG", "LEICA Q3"),
        ("Google", "Pixel 8 Pro"),
        ("SONY", "ILCE-1"),
        ("Hasselblad", "X2D 100C"),
    ];
    const LENSES: [&str; 8] = [
        "RF24-70mm F2.8 L IS USM",
        "FE 24-70mm F2.8 GM II",
        "NIKKOR Z 50mm f/1.8 S",
        "iPhone 15 Pro back triple camera 6.765mm f/1.78",
        "XF56mmF1.2 R WR",
        "EF50mm f/1.8 STM",
        "RF100-500mm F4.5-7.1 L IS USM",
        "Summilux 28 f/1.7 ASPH.",
    ];
    let r = spread(i.wrapping_mul(31));
    // Squared: the first cameras are the common ones.
    let pick = |n: usize, r: u64| {
        let u = (r % 10_000) as f64 / 10_000.0;
        ((u * u) * n as f64) as usize
    };
    let (make, model) = CAMERAS[pick(CAMERAS.len(), r)];
    let lens = LENSES[pick(LENSES.len(), r >> 20)];
    let gps = if (r >> 40).is_multiple_of(5) {
        r#","gps":{"latitude":43.46,"longitude":11.88,"altitude":null}"#
    } else {
        ""
    };
    format!(r#"{{"make":"{make}","model":"{model}","lens":"{lens}"{gps}}}"#)
}

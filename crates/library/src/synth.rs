//! `bench synth`: fills a library with synthetic assets shaped like a real studio's, for
//! benchmarks at a million assets — no image files needed. Names, tags (Zipf over a few
//! thousand, some hierarchical), prompts (Zipf over a vocabulary whose most common words
//! appear in about 40 % of assets), ratings, flags, statuses, sources, brands, projects,
//! collections, campaigns and dates follow fixed, documented proportions, from a seed, so
//! two runs give the same library.

use atelier_catalog::{BrandRow, BulkAsset, FileFacts, NewAsset, ProjectRow};
use atelier_domain::{AssetId, ErrorCode, Flag, Id, InvalidInput, Kind, Rating, Source, Status};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Zipf};
use serde::Serialize;
use uuid::Uuid;

use crate::job::{CancelToken, Phase, ProgressSender, report};
use crate::{Library, LibraryError, Result, now_ms};

/// How to synthesise.
#[derive(Debug, Clone, Copy)]
pub struct SynthOptions {
    /// How many assets.
    pub assets: u64,
    /// Random seed (the same seed gives the same library).
    pub seed: u64,
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
    collections: Vec<Vec<i64>>,
    /// Campaigns per brand index (empty for the Personal brand).
    campaigns: Vec<Vec<i64>>,
    tag_ids: Vec<i64>,
}

impl Library {
    /// Adds `options.assets` synthetic assets (1 to 10,000,000).
    pub fn bench_synth(
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
        let started = std::time::Instant::now();
        let tags = tag_names();
        let words = vocabulary();
        let org = self.synth_org(&tags)?;
        let mut rng = SmallRng::seed_from_u64(options.seed);
        let tag_zipf = zipf(TAG_COUNT, 1.1)?;
        let word_zipf = zipf(VOCABULARY, 1.0)?;
        let brand_zipf = zipf(BRANDS.len(), 0.9)?;
        let me = self.me();
        let n = options.assets;
        let now = now_ms();
        // Three years of work, evenly in time, ~1 % of it in the last week.
        let span_ms: i64 = 3 * 365 * 24 * 3600 * 1000;
        let start_ms = now - span_ms;

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
            let kind = if rng.random_range(0..100) < 5 {
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
            let mut collections: Vec<i64> = if rng.random_range(0..100) < 60 && !cols.is_empty() {
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
            let hash = *blake3::hash(&i.to_le_bytes()).as_bytes();
            Some(BulkAsset {
                asset: NewAsset {
                    id,
                    hash,
                    name: name.clone(),
                    kind,
                    source,
                    project: org.projects[rng.random_range(0..org.projects.len())],
                    brand,
                    creator: me.user,
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
                    exif_json: None,
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
                        // Managed paths that don't exist: reconciliation (which looks at files
                        // added in place) leaves synthetic assets alone.
                        path: format!("originals/synthetic/{name}").into(),
                        managed: true,
                        bytes: 1_000_000,
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
                        thumb: None,
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
        let written = self.catalog().bulk_insert(assets, me.user, &mut |done| {
            report(progress, Phase::Working, done, Some(n))
        })?;
        report(progress, Phase::Finishing, written, Some(n));
        self.catalog().optimize()?;
        if cancel.is_cancelled() {
            return Err(LibraryError::Cancelled);
        }
        Ok(SynthReport {
            assets: written,
            brands: BRANDS.len(),
            projects: org.projects.len(),
            collections: org.collections.iter().map(Vec::len).sum(),
            campaigns: org.campaigns.iter().map(Vec::len).sum(),
            tags: org.tag_ids.len(),
            millis: started.elapsed().as_millis() as u64,
        })
    }

    fn synth_org(&self, tags: &[String]) -> Result<Org> {
        let me = self.me();
        let now = now_ms();
        Ok(self.catalog().write(|tx| {
            let mut brands = vec![me.personal];
            for b in BRANDS {
                brands.push(tx.ensure_brand(b, now)?);
            }
            let mut projects = vec![me.inbox];
            for i in 0..29 {
                projects.push(tx.ensure_project(
                    me.user,
                    &format!("Project {}", pseudo_word(i * 3 + 11)),
                    now,
                )?);
            }
            let mut collections = Vec::new();
            let mut campaigns = Vec::new();
            for (bi, brand) in brands.iter().enumerate() {
                let mut cols = Vec::new();
                let stamp = now_ms();
                for top in 0..5 {
                    let t = tx.create_collection(
                        *brand,
                        None,
                        &format!("Synth {stamp} {}", pseudo_word(bi * 50 + top)),
                        me.user,
                        now,
                    )?;
                    cols.push(t);
                    for mid in 0..3 {
                        let m = tx.create_collection(
                            *brand,
                            Some(t),
                            &pseudo_word(top * 10 + mid + 100),
                            me.user,
                            now,
                        )?;
                        cols.push(m);
                        for leaf in 0..2 {
                            cols.push(tx.create_collection(
                                *brand,
                                Some(m),
                                &format!("{leaf} {}", pseudo_word(mid + 300)),
                                me.user,
                                now,
                            )?);
                        }
                    }
                }
                collections.push(cols);
                let mut camps = Vec::new();
                if bi > 0 {
                    for c in 0..8 {
                        camps.push(tx.create_campaign(
                            *brand,
                            &format!("Campaign {stamp} {}", pseudo_word(bi * 20 + c)),
                            "",
                            me.user,
                            now,
                        )?);
                    }
                }
                campaigns.push(camps);
            }
            let tag_ids = tx.tag_ids(tags, now)?;
            Ok(Org {
                brands,
                projects,
                collections,
                campaigns,
                tag_ids,
            })
        })?)
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

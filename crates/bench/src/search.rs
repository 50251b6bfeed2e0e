//! `search`: a fixed set of queries over a library made by `synth` — the plain listing, each
//! filter, combined filters, the buckets, and text search for a rare, a medium and a very
//! common word — each timed many times inside this process (p50 and p95); and `organise`: bulk
//! edits of about 135,000 assets timed one call each. Only the library's public use cases;
//! knows no terminal.

use std::time::Instant;

use atelier_domain::{
    AssetQuery, Bucket, DateRange, Flag, Kind, Label, Presence, Rating, Shape, Sort, Source, Status, TagMode,
};
use atelier_library::Selection;
use serde::Serialize;

use crate::synth::{BENCH_BRAND, prompt_word, tag_name};
use crate::{Bench, Result, now_ms};

/// Timings of one query.
#[derive(Debug, Clone, Serialize)]
pub struct QueryTiming {
    /// What the query is.
    pub name: String,
    /// Matches.
    pub total: u64,
    /// Median, ms.
    pub p50_ms: f64,
    /// 95th percentile, ms.
    pub p95_ms: f64,
}

impl Bench<'_> {
    /// The fixed query set: (name, query).
    pub fn queries(&self) -> Result<Vec<(String, AssetQuery)>> {
        let q = AssetQuery::default;
        let acting = self.acting();
        // Parents before children, siblings by name; campaigns by name.
        let collections: Vec<String> = acting
            .collection_list(BENCH_BRAND)?
            .into_iter()
            .map(|c| c.path)
            .collect();
        let campaigns: Vec<String> = acting
            .campaign_list(Some(BENCH_BRAND))?
            .into_iter()
            .map(|c| c.name)
            .collect();
        let top_collection = collections.first().cloned().unwrap_or_default();
        let leaf_collection = collections
            .iter()
            .max_by_key(|p| p.matches('/').count())
            .cloned()
            .unwrap_or_default();
        let campaign = campaigns.first().cloned().unwrap_or_default();
        // Ranks chosen for document frequencies of about 37 %, 1 % and 0.04 % of the library.
        let (common, medium, rare) = (prompt_word(0), prompt_word(150), prompt_word(3000));
        let tags = |t: &[String], mode| AssetQuery {
            tags: t.to_vec(),
            tag_mode: mode,
            ..q()
        };
        let text = |t: &str| AssetQuery {
            text: Some(t.to_string()),
            ..q()
        };
        let brand = Some(BENCH_BRAND.to_string());
        // Days relative to today (the synthetic library spans the last three years).
        let days = |from: i64, to: i64| {
            let day = |d: i64| (chrono::Utc::now().date_naive() + chrono::Duration::days(d)).to_string();
            DateRange {
                from: Some(day(from)),
                to: Some(day(to)),
                offset_minutes: 0,
            }
        };
        let sorted = |sort: Sort, ascending: bool| AssetQuery {
            sort: Some(sort),
            ascending,
            ..q()
        };
        Ok(vec![
            ("list: all, newest first".into(), q()),
            (
                "list: all, by capture date".into(),
                AssetQuery {
                    sort: Some(Sort::Captured),
                    ..q()
                },
            ),
            (
                "filter: source generated".into(),
                AssetQuery {
                    sources: vec![Source::Generated],
                    ..q()
                },
            ),
            (
                "filter: status approved".into(),
                AssetQuery {
                    statuses: vec![Status::Approved],
                    ..q()
                },
            ),
            (
                "filter: rating 5".into(),
                AssetQuery {
                    ratings: vec![Rating::new(5)?],
                    ..q()
                },
            ),
            (
                "filter: flag pick".into(),
                AssetQuery {
                    flags: vec![Flag::Pick],
                    ..q()
                },
            ),
            (
                "filter: kind video".into(),
                AssetQuery {
                    kind: Some(Kind::Video),
                    ..q()
                },
            ),
            (
                "filter: brand".into(),
                AssetQuery {
                    brand: brand.clone(),
                    ..q()
                },
            ),
            (
                "filter: project".into(),
                AssetQuery {
                    project: Some("Inbox".into()),
                    ..q()
                },
            ),
            (
                "filter: campaign".into(),
                AssetQuery {
                    campaign: Some(campaign),
                    brand: brand.clone(),
                    ..q()
                },
            ),
            (
                "filter: collection".into(),
                AssetQuery {
                    collection: Some(leaf_collection),
                    brand: brand.clone(),
                    ..q()
                },
            ),
            (
                "filter: collection + nested".into(),
                AssetQuery {
                    collection: Some(top_collection),
                    nested: true,
                    brand: brand.clone(),
                    ..q()
                },
            ),
            (
                "filter: most common tag".into(),
                tags(&[tag_name(0)], TagMode::Any),
            ),
            ("filter: rare tag".into(), tags(&[tag_name(2500)], TagMode::Any)),
            (
                "filter: 3 tags, any".into(),
                tags(&[tag_name(0), tag_name(1), tag_name(2)], TagMode::Any),
            ),
            (
                "filter: 2 tags, all".into(),
                tags(&[tag_name(0), tag_name(1)], TagMode::All),
            ),
            (
                "filter: tag parent path".into(),
                tags(&["client".to_string()], TagMode::Any),
            ),
            (
                "bucket: recent".into(),
                AssetQuery {
                    bucket: Bucket::Recent,
                    ..q()
                },
            ),
            (
                "bucket: unfiled".into(),
                AssetQuery {
                    bucket: Bucket::Unfiled,
                    ..q()
                },
            ),
            (
                "bucket: unfiled in brand".into(),
                AssetQuery {
                    bucket: Bucket::Unfiled,
                    brand: brand.clone(),
                    ..q()
                },
            ),
            (
                "combined: brand+approved+rating 4,5+generated".into(),
                AssetQuery {
                    brand: brand.clone(),
                    statuses: vec![Status::Approved],
                    ratings: vec![Rating::new(4)?, Rating::new(5)?],
                    sources: vec![Source::Generated],
                    ..q()
                },
            ),
            (
                "combined: common tag+unfiled+pick, by capture".into(),
                AssetQuery {
                    tags: vec![tag_name(0)],
                    bucket: Bucket::Unfiled,
                    flags: vec![Flag::Pick],
                    sort: Some(Sort::Captured),
                    ..q()
                },
            ),
            (
                "filter: 4★ and up".into(),
                AssetQuery {
                    min_rating: Some(Rating::new(4)?),
                    ..q()
                },
            ),
            (
                "filter: label none".into(),
                AssetQuery {
                    labels: vec![Label::None],
                    ..q()
                },
            ),
            (
                "filter: common camera".into(),
                AssetQuery {
                    cameras: vec!["Canon EOS R5".into()],
                    ..q()
                },
            ),
            (
                "filter: rare camera".into(),
                AssetQuery {
                    cameras: vec!["Hasselblad X2D 100C".into()],
                    ..q()
                },
            ),
            (
                "filter: lens".into(),
                AssetQuery {
                    lenses: vec!["FE 24-70mm F2.8 GM II".into()],
                    ..q()
                },
            ),
            (
                "filter: file type jpeg".into(),
                AssetQuery {
                    file_types: vec!["jpeg".into()],
                    ..q()
                },
            ),
            (
                "filter: portrait".into(),
                AssetQuery {
                    shapes: vec![Shape::Portrait],
                    ..q()
                },
            ),
            (
                "filter: with GPS".into(),
                AssetQuery {
                    gps: Some(true),
                    ..q()
                },
            ),
            (
                "filter: missing or offline".into(),
                AssetQuery {
                    presences: vec![Presence::Missing, Presence::Offline],
                    ..q()
                },
            ),
            (
                "filter: captured in one month".into(),
                AssetQuery {
                    captured: Some(days(-400, -370)),
                    ..q()
                },
            ),
            (
                "filter: captured in a year".into(),
                AssetQuery {
                    captured: Some(days(-730, -365)),
                    ..q()
                },
            ),
            (
                "filter: added in one month".into(),
                AssetQuery {
                    added: Some(days(-400, -370)),
                    ..q()
                },
            ),
            ("sort: name A to Z".into(), sorted(Sort::Name, false)),
            ("sort: name Z to A".into(), sorted(Sort::Name, true)),
            ("sort: rating, most first".into(), sorted(Sort::Rating, false)),
            ("sort: rating, fewest first".into(), sorted(Sort::Rating, true)),
            ("sort: size, largest first".into(), sorted(Sort::Size, false)),
            (
                "sort: dimensions, most first".into(),
                sorted(Sort::Dimensions, false),
            ),
            (
                "sort: captured, oldest first".into(),
                sorted(Sort::Captured, true),
            ),
            ("sort: added, oldest first".into(), sorted(Sort::Added, true)),
            (
                "combined: camera + 3★ and up, by name".into(),
                AssetQuery {
                    cameras: vec!["Canon EOS R5".into()],
                    min_rating: Some(Rating::new(3)?),
                    sort: Some(Sort::Name),
                    ..q()
                },
            ),
            (
                "combined: portrait + GPS + pick, by size".into(),
                AssetQuery {
                    shapes: vec![Shape::Portrait],
                    gps: Some(true),
                    flags: vec![Flag::Pick],
                    sort: Some(Sort::Size),
                    ..q()
                },
            ),
            (format!("text: rare word '{rare}'"), text(&rare)),
            (format!("text: medium word '{medium}'"), text(&medium)),
            (format!("text: very common word '{common}'"), text(&common)),
            (
                format!("text: '{common}' + approved"),
                AssetQuery {
                    statuses: vec![Status::Approved],
                    ..text(&common)
                },
            ),
            (
                format!("text: two words '{common} {medium}'"),
                text(&format!("{common} {medium}")),
            ),
            ("text: file name prefix 'img'".into(), text("img")),
            (
                format!("text: the most common tag's word '{}'", tag_name(0)),
                text(&tag_name(0)),
            ),
        ])
    }

    /// Runs every query of [`Bench::queries`] `runs` times (plus one warm-up), plus the bucket
    /// counts.
    pub fn search(&self, runs: usize) -> Result<Vec<QueryTiming>> {
        let acting = self.acting();
        let mut out = Vec::new();
        for (name, query) in self.queries()? {
            let total = acting.search(&query)?.total;
            let times = time(runs, || Ok(acting.search(&query).map(|_| ())?))?;
            out.push(timing(name, total, times));
        }
        let counts = acting.bucket_counts(Some(BENCH_BRAND))?;
        let times = time(runs, || {
            Ok(acting.bucket_counts(Some(BENCH_BRAND)).map(|_| ())?)
        })?;
        out.push(timing("counts: buckets in brand".into(), counts.all, times));
        Ok(out)
    }
}

fn time(runs: usize, mut f: impl FnMut() -> Result<()>) -> Result<Vec<f64>> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f()?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(times)
}

fn timing(name: String, total: u64, mut times: Vec<f64>) -> QueryTiming {
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    QueryTiming {
        name,
        total,
        p50_ms: at(0.5),
        p95_ms: at(0.95),
    }
}

impl Bench<'_> {
    /// `organise`: on a `synth` library, times tagging and rating every approved asset (about
    /// 135,000 of a million) in one call each, filing them (one call per brand: a collection
    /// is a brand's), then the bucket and collection counts right after. Changes the library
    /// (a new tag and a "Bench" collection per brand each run; both are removed at the end).
    pub fn organise(&self) -> Result<Vec<QueryTiming>> {
        let acting = self.acting();
        let selection = Selection::Query(Box::new(AssetQuery {
            statuses: vec![Status::Approved],
            ..Default::default()
        }));
        let mut out = Vec::new();
        let mut timed = |name: &str, f: &mut dyn FnMut() -> Result<u64>| -> Result<()> {
            let t = Instant::now();
            let total = f()?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            out.push(QueryTiming {
                name: name.to_string(),
                total,
                p50_ms: ms,
                p95_ms: ms,
            });
            Ok(())
        };
        let tag = format!("bench-{}", now_ms());
        timed("bulk: tag every approved asset", &mut || {
            Ok(acting
                .tag_add(&selection, std::slice::from_ref(&tag))?
                .succeeded
                .len() as u64)
        })?;
        let rating = Rating::new(
            if acting
                .search(&AssetQuery {
                    ratings: vec![Rating::new(5)?],
                    statuses: vec![Status::Approved],
                    limit: Some(1),
                    ..Default::default()
                })?
                .total
                > 60_000
            {
                3
            } else {
                5
            },
        )?;
        timed("bulk: rate every approved asset", &mut || {
            Ok(acting.rate(&selection, rating)?.succeeded.len() as u64)
        })?;
        let brands: Vec<String> = acting
            .brand_list()?
            .into_iter()
            .map(|b| {
                if b.personal {
                    atelier_catalog::PERSONAL_BRAND.to_string()
                } else {
                    b.name
                }
            })
            .collect();
        for name in &brands {
            if acting.collection_list(name)?.iter().all(|c| c.path != "Bench") {
                acting.collection_create("Bench", name)?;
            }
        }
        // A collection belongs to one brand and an intent names one collection: each brand's
        // approved assets go into that brand's "Bench", one call per brand that has any.
        let mut per_brand = Vec::new();
        for name in &brands {
            let approved = AssetQuery {
                statuses: vec![Status::Approved],
                brand: Some(name.clone()),
                ..Default::default()
            };
            if acting.search(&approved)?.total > 0 {
                per_brand.push((name.as_str(), Selection::Query(Box::new(approved))));
            }
        }
        timed("bulk: file every approved asset (per brand)", &mut || {
            let mut filed = 0;
            for (name, approved) in &per_brand {
                filed += acting
                    .collection_add("Bench", approved, Some(name))?
                    .succeeded
                    .len() as u64;
            }
            Ok(filed)
        })?;
        timed("counts: buckets, all brands, after", &mut || {
            Ok(acting.bucket_counts(None)?.unfiled)
        })?;
        timed("counts: buckets in brand, after", &mut || {
            Ok(acting.bucket_counts(Some(BENCH_BRAND))?.unfiled)
        })?;
        timed("counts: collection tree of brand, after", &mut || {
            Ok(acting.collection_list(BENCH_BRAND)?.len() as u64)
        })?;
        for name in &brands {
            acting.collection_delete("Bench", Some(name))?;
        }
        acting.tag_delete(&tag)?;
        Ok(out)
    }
}

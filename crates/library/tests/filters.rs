//! Filters and sorts (issue 14, feature 3) over real camera files committed as fixtures: at
//! least N stars, colour labels, camera, lens, file type, orientation, GPS, missing files,
//! capture and added date ranges; sorted by name (numbers in order), captured, added, rating,
//! size and dimensions, both ways, paged by cursor without gaps or repeats — each checked
//! against the same answer worked out from the assets themselves.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::path::Path;

use atelier_domain::{AssetQuery, DateRange, Label, Presence, Rating, Shape, Sort};
use atelier_library::ImportOptions;
use common::{TestLibrary, ids};

fn fixtures() -> std::path::PathBuf {
    Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into()))
        .join("../../tests/fixtures/corpus")
}

/// A library of the committed photos: 36 camera JPEGs, 2 GPS-tagged ones, a PNG.
fn library() -> TestLibrary {
    let t = TestLibrary::new();
    for dir in ["photos/digicam", "exif/exif-samples"] {
        for e in std::fs::read_dir(fixtures().join(dir)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, t.input().join(p.file_name().unwrap())).unwrap();
        }
    }
    std::fs::copy(
        fixtures().join("formats/file-type/file-type__fixture_fixture.png"),
        t.input().join("fixture.png"),
    )
    .unwrap();
    let r = t.import(&ImportOptions::default());
    assert!(r.imported.len() >= 38, "{r:?}");
    t
}

fn all(t: &TestLibrary, q: AssetQuery) -> Vec<atelier_protocol::AssetSummary> {
    let mut out = Vec::new();
    let mut q = AssetQuery { limit: Some(7), ..q };
    loop {
        let page = t.lib.as_owner().search(&q).unwrap();
        out.extend(page.items);
        match page.next {
            Some(next) => q.cursor = Some(next),
            None => return out,
        }
    }
}

fn names(items: &[atelier_protocol::AssetSummary]) -> Vec<String> {
    items.iter().map(|s| s.name.clone()).collect()
}

#[test]
fn cameras_lenses_types_shapes_and_gps_filter_as_the_files_say() {
    let t = library();
    let facets = t.lib.as_owner().facet_values(None).unwrap();
    let nikon = facets
        .cameras
        .iter()
        .find(|c| c.name == "NIKON D90" || c.name.starts_with("NIKON D90"))
        .unwrap_or_else(|| panic!("{:?}", facets.cameras));
    let q = AssetQuery {
        cameras: vec![nikon.name.clone()],
        ..Default::default()
    };
    let found = all(&t, q);
    assert_eq!(found.len() as u64, nikon.count);
    assert!(
        found.iter().all(|s| s.name.starts_with("Nikon_D90")),
        "{:?}",
        names(&found)
    );
    assert!(
        facets
            .file_types
            .iter()
            .any(|f| f.name == "jpeg" && f.count >= 38)
    );
    assert!(facets.file_types.iter().any(|f| f.name == "png"));

    let with_gps = all(
        &t,
        AssetQuery {
            gps: Some(true),
            ..Default::default()
        },
    );
    assert_eq!(names(&with_gps).len(), 2, "{:?}", names(&with_gps));
    assert!(with_gps.iter().all(|s| s.name.contains("_gps_")));
    let without = t.count(AssetQuery {
        gps: Some(false),
        ..Default::default()
    });
    assert_eq!(without + 2, t.count(AssetQuery::default()));

    // Shapes as displayed: every portrait has height > width, and the three add up.
    let shape = |s: Shape| {
        all(
            &t,
            AssetQuery {
                shapes: vec![s],
                ..Default::default()
            },
        )
    };
    let (land, port, square) = (
        shape(Shape::Landscape),
        shape(Shape::Portrait),
        shape(Shape::Square),
    );
    assert!(!port.is_empty() && !land.is_empty());
    assert!(port.iter().all(|s| s.height > s.width), "{:?}", names(&port));
    assert!(land.iter().all(|s| s.width > s.height));
    assert_eq!(
        (land.len() + port.len() + square.len()) as u64,
        t.count(AssetQuery::default())
    );

    let png = all(
        &t,
        AssetQuery {
            file_types: vec!["png".into()],
            ..Default::default()
        },
    );
    assert_eq!(names(&png), ["fixture.png"]);
    // A name nothing has matches nothing (not everything).
    assert_eq!(
        t.count(AssetQuery {
            cameras: vec!["No Such Camera".into()],
            ..Default::default()
        }),
        0
    );
    t.assert_consistent();
}

#[test]
fn stars_labels_dates_and_missing_files() {
    let t = library();
    let me = t.lib.as_owner();
    let every = all(&t, AssetQuery::default());
    let pick = |i: usize| vec![every[i].id];
    me.rate(&ids(&pick(0)), Rating::new(5).unwrap()).unwrap();
    me.rate(&ids(&pick(1)), Rating::new(3).unwrap()).unwrap();
    me.rate(&ids(&pick(2)), Rating::new(2).unwrap()).unwrap();
    let three_up = all(
        &t,
        AssetQuery {
            min_rating: Some(Rating::new(3).unwrap()),
            ..Default::default()
        },
    );
    assert_eq!(three_up.len(), 2);

    me.label(&ids(&[every[3].id, every[4].id]), Label::Red).unwrap();
    me.label(&ids(&pick(5)), Label::Blue).unwrap();
    let labelled = |l: Vec<Label>| {
        t.count(AssetQuery {
            labels: l,
            ..Default::default()
        })
    };
    assert_eq!(labelled(vec![Label::Red]), 2);
    assert_eq!(labelled(vec![Label::Red, Label::Blue]), 3);
    assert_eq!(labelled(vec![Label::None]), every.len() as u64 - 3);
    assert_eq!(me.show(every[5].id).unwrap().detail.summary.label, Label::Blue);

    // Capture days: the camera's own dates, inclusive at both ends.
    let day = |s: &atelier_protocol::AssetSummary| s.captured_at.as_deref().map(|c| c[..10].to_string());
    let dated: Vec<String> = every.iter().filter_map(day).collect();
    let mut sorted = dated.clone();
    sorted.sort();
    let (lo, hi) = (
        sorted[sorted.len() / 4].clone(),
        sorted[sorted.len() * 3 / 4].clone(),
    );
    let expected = dated.iter().filter(|d| **d >= lo && **d <= hi).count();
    let within = t.count(AssetQuery {
        captured: Some(DateRange {
            from: Some(lo.clone()),
            to: Some(hi.clone()),
            offset_minutes: 0,
        }),
        ..Default::default()
    });
    assert_eq!(within, expected as u64, "{lo}..{hi}");
    let bad = me
        .search(&AssetQuery {
            captured: Some(DateRange {
                from: Some(hi.clone()),
                to: Some("2001-01-01".into()),
                offset_minutes: 0,
            }),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(bad.code(), "invalid_date");

    // Added today (everything) and before 2000 (nothing).
    let today = chrono::Utc::now().date_naive().to_string();
    let added = |from: &str, to: &str| {
        t.count(AssetQuery {
            added: Some(DateRange {
                from: Some(from.into()),
                to: Some(to.into()),
                offset_minutes: 0,
            }),
            ..Default::default()
        })
    };
    assert_eq!(added(&today, &today), every.len() as u64);
    assert_eq!(added("1990-01-01", "1999-12-31"), 0);

    // A file deleted on disk: found by "missing" once the library knows.
    let victim = me.show(every[6].id).unwrap();
    std::fs::remove_file(&victim.path).unwrap();
    t.lib
        .reconcile(&atelier_library::CancelToken::new(), &None)
        .unwrap();
    let missing = all(
        &t,
        AssetQuery {
            presences: vec![Presence::Missing],
            ..Default::default()
        },
    );
    assert_eq!(names(&missing), std::slice::from_ref(&victim.detail.summary.name));
    t.assert_consistent();
}

#[test]
fn every_sort_pages_both_ways_without_gaps_or_repeats() {
    let t = library();
    let me = t.lib.as_owner();
    let every = all(&t, AssetQuery::default());
    for (i, a) in every.iter().enumerate().take(12) {
        me.rate(&ids(&[a.id]), Rating::new((i % 6) as u8).unwrap())
            .unwrap();
    }
    let every = all(&t, AssetQuery::default());
    let n = every.len();
    for sort in [
        Sort::Added,
        Sort::Captured,
        Sort::Name,
        Sort::Rating,
        Sort::Size,
        Sort::Dimensions,
    ] {
        for ascending in [false, true] {
            let got = all(
                &t,
                AssetQuery {
                    sort: Some(sort),
                    ascending,
                    ..Default::default()
                },
            );
            let mut seen: Vec<_> = got.iter().map(|s| s.id).collect();
            seen.sort();
            seen.dedup();
            assert_eq!((got.len(), seen.len()), (n, n), "{sort:?} ascending={ascending}");
            let key = |s: &atelier_protocol::AssetSummary| -> i128 {
                match sort {
                    Sort::Rating => i128::from(s.rating.stars()),
                    Sort::Size => i128::from(s.bytes),
                    Sort::Dimensions => i128::from(s.width) * i128::from(s.height),
                    _ => 0,
                }
            };
            let natural_desc = sort != Sort::Name;
            for w in got.windows(2) {
                let (a, b) = (&w[0], &w[1]);
                let in_order = match sort {
                    Sort::Name => {
                        let (ka, kb) = (
                            atelier_domain::names::sort_key(&a.name),
                            atelier_domain::names::sort_key(&b.name),
                        );
                        if ascending { ka >= kb } else { ka <= kb }
                    }
                    Sort::Added | Sort::Captured => true,
                    _ => {
                        if natural_desc != ascending {
                            key(a) >= key(b)
                        } else {
                            key(a) <= key(b)
                        }
                    }
                };
                assert!(
                    in_order,
                    "{sort:?} ascending={ascending}: {} then {}",
                    a.name, b.name
                );
            }
            if sort == Sort::Added {
                let rev: Vec<_> = every.iter().rev().map(|s| s.id).collect();
                let ids: Vec<_> = got.iter().map(|s| s.id).collect();
                assert_eq!(ids == rev, ascending, "oldest first when ascending");
            }
        }
    }
}

/// A JPEG stored 64 × 48 with EXIF orientation 6 (turned a quarter clockwise): shown 48 × 64.
fn turned_jpeg() -> Vec<u8> {
    let plain = common::jpeg(64, 48, 7);
    // APP1 "Exif": a big-endian TIFF header and one IFD entry, Orientation (0x0112) = 6.
    let tiff: [u8; 26] = [
        b'M', b'M', 0, 0x2A, 0, 0, 0, 8, // header, IFD0 at 8
        0, 1, // one entry
        0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, // Orientation, SHORT, 1, value 6
        0, 0, 0, 0, // no next IFD
    ];
    let mut app1 = vec![0xFF, 0xE1, 0, (2 + 6 + tiff.len()) as u8];
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend_from_slice(&tiff);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

#[test]
fn a_turned_photo_is_portrait_here_and_on_the_studio() {
    let t = TestLibrary::new();
    t.write("turned.jpg", &turned_jpeg());
    let r = t.import(&ImportOptions::default());
    let id = r.imported[0].id;
    let me = t.lib.as_owner();
    let shown = me.show(id).unwrap().detail.summary;
    assert_eq!((shown.width, shown.height), (48, 64), "as displayed");
    assert_eq!(
        t.count(AssetQuery {
            shapes: vec![Shape::Portrait],
            ..Default::default()
        }),
        1
    );
    // Sent to the studio as it is seen: other members' copies (which keep no orientation)
    // show it the same way.
    t.share("Inbox");
    let row = t.lib.shared_asset_row(id).unwrap().unwrap();
    assert_eq!((row.width, row.height), (48, 64));
}

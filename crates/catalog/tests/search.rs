//! Search over a real catalog file: filters, text tiers, sorts, keyset pages, buckets, and
//! postings that match a rebuild from the tables.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use atelier_catalog::{BrandRow, ProjectRow, UserRow};
use atelier_catalog::{Catalog, FileFacts, NewAsset, Scope, Tx, Viewer};
use atelier_domain::{AssetId, AssetQuery, Bucket, Cursor, Id, Kind, Sort, Source, TagMode};

const DAY: i64 = 24 * 60 * 60 * 1000;
const NOW: i64 = 1_800_000_000_000;

struct Fixture {
    _dir: tempfile::TempDir,
    catalog: Catalog,
    user: UserRow,
    personal: BrandRow,
    inbox: ProjectRow,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut catalog = Catalog::open(&dir.path().join("catalog.db")).unwrap();
    let (user, personal, inbox) = catalog
        .write(|tx| {
            let user = tx.ensure_local_user("ada", "Ada", 0)?;
            let personal = tx.ensure_personal_brand(user, 0)?;
            let inbox = tx.ensure_project(user, "Inbox", 0)?;
            Ok((user, personal, inbox))
        })
        .unwrap();
    Fixture {
        _dir: dir,
        catalog,
        user,
        personal,
        inbox,
    }
}

struct Spec<'a> {
    name: &'a str,
    tags: &'a [&'a str],
    prompt: Option<&'a str>,
    extra: &'a str,
    added_at: i64,
    captured: i64,
    source: Source,
    kind: Kind,
}

impl Default for Spec<'_> {
    fn default() -> Self {
        Spec {
            name: "x.jpg",
            tags: &[],
            prompt: None,
            extra: "",
            added_at: NOW,
            captured: 0,
            source: Source::Imported,
            kind: Kind::Image,
        }
    }
}

impl Fixture {
    fn add(&mut self, spec: Spec<'_>) -> AssetId {
        self.add_to(spec, None, None)
    }

    fn add_to(&mut self, spec: Spec<'_>, brand: Option<&str>, project: Option<&str>) -> AssetId {
        let (user, personal, inbox) = (self.user, self.personal, self.inbox);
        let id = AssetId::new_v7();
        let hash = *blake(id.to_string().as_bytes());
        self.catalog
            .write(|tx: &mut Tx<'_>| {
                let brand = match brand {
                    Some(b) => tx.ensure_brand(b, 0)?,
                    None => personal,
                };
                let project = match project {
                    Some(p) => tx.ensure_project(user, p, 0)?,
                    None => inbox,
                };
                let asset = NewAsset {
                    id,
                    hash,
                    name: spec.name.into(),
                    kind: spec.kind,
                    source: spec.source,
                    project,
                    brand,
                    creator: user,
                    width: 10,
                    height: 20,
                    added_at: spec.added_at,
                    captured_at: None,
                    sort_captured: spec.captured,
                    prompt: spec.prompt.map(str::to_string),
                    rating: atelier_domain::Rating::NONE,
                    tags: spec.tags.iter().map(|t| t.to_string()).collect(),
                    title: None,
                    description: None,
                    exif_json: None,
                    generation_json: None,
                    search_extra: spec.extra.into(),
                    model_refs: Vec::new(),
                    signature: None,
                    file: FileFacts {
                        path: format!("/photos/{}", spec.name).into(),
                        managed: false,
                        bytes: 1,
                        mime: "image/jpeg".into(),
                        format: "jpeg".into(),
                        mtime_ms: Some(0),
                        orientation: 1,
                        thumb: None,
                        duration_ms: None,
                        sidecar_mtime_ms: None,
                    },
                };
                tx.insert_asset(&asset).map(|r| r.unwrap())
            })
            .unwrap();
        id
    }

    /// What the library's own user (its Owner) may see.
    fn scope(&self) -> Scope {
        self.catalog
            .scope(&Viewer {
                user: self.user,
                studio_role: atelier_domain::StudioRole::Owner,
                member_of: Vec::new(),
            })
            .unwrap()
    }

    fn ids(&self, q: &AssetQuery) -> Vec<AssetId> {
        self.catalog
            .search(q, NOW, &self.scope())
            .unwrap()
            .items
            .into_iter()
            .map(|s| s.id)
            .collect()
    }
}

fn blake(bytes: &[u8]) -> Box<[u8; 32]> {
    // A stand-in content hash: distinct per asset, no hashing crate needed in tests.
    let mut out = [0u8; 32];
    for (i, b) in bytes.iter().enumerate() {
        out[i % 32] ^= b.wrapping_add(i as u8);
    }
    Box::new(out)
}

fn text(t: &str) -> AssetQuery {
    AssetQuery {
        text: Some(t.into()),
        ..Default::default()
    }
}

#[test]
fn listing_is_newest_first_with_keyset_pages() {
    let mut f = fixture();
    let ids: Vec<AssetId> = (0..7)
        .map(|i| {
            f.add(Spec {
                added_at: NOW - (7 - i) * 1000,
                ..Default::default()
            })
        })
        .collect();
    let mut seen = Vec::new();
    let mut cursor: Option<Cursor> = None;
    loop {
        let q = AssetQuery {
            limit: Some(3),
            cursor: cursor.clone(),
            ..Default::default()
        };
        let page = f.catalog.search(&q, NOW, &f.scope()).unwrap();
        assert_eq!(page.total, 7);
        seen.extend(page.items.iter().map(|s| s.id));
        match page.next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let mut expected = ids.clone();
    expected.reverse();
    assert_eq!(seen, expected);
}

#[test]
fn a_full_last_page_has_no_next_cursor() {
    let mut f = fixture();
    for _ in 0..4 {
        f.add(Spec::default());
    }
    let page = f
        .catalog
        .search(
            &AssetQuery {
                limit: Some(2),
                ..Default::default()
            },
            NOW,
            &f.scope(),
        )
        .unwrap();
    let page2 = f
        .catalog
        .search(
            &AssetQuery {
                limit: Some(2),
                cursor: page.next.clone(),
                ..Default::default()
            },
            NOW,
            &f.scope(),
        )
        .unwrap();
    assert_eq!(page2.items.len(), 2);
    assert_eq!(page2.next, None);
}

#[test]
fn file_names_match_by_parts_and_prefixes() {
    let mut f = fixture();
    let hero = f.add(Spec {
        name: "heroShot-001.png",
        ..Default::default()
    });
    let other = f.add(Spec {
        name: "banner_final.v3.psd",
        ..Default::default()
    });
    assert_eq!(f.ids(&text("hero")), [hero]);
    assert_eq!(f.ids(&text("shot")), [hero]);
    assert_eq!(f.ids(&text("SHO")), [hero]);
    assert_eq!(f.ids(&text("001")), [hero]);
    assert_eq!(f.ids(&text("fin")), [other]);
    assert_eq!(f.ids(&text("v3")), [other]);
    assert!(f.ids(&text("zebra")).is_empty());
}

#[test]
fn relevance_puts_name_matches_before_tags_prompt_and_metadata() {
    let mut f = fixture();
    let in_meta = f.add(Spec {
        name: "a.png",
        extra: "castle negative",
        added_at: NOW - 1,
        ..Default::default()
    });
    let in_prompt = f.add(Spec {
        name: "b.png",
        prompt: Some("a castle at dusk"),
        added_at: NOW - 2,
        ..Default::default()
    });
    let in_tags = f.add(Spec {
        name: "c.png",
        tags: &["castle"],
        added_at: NOW - 3,
        ..Default::default()
    });
    let in_name = f.add(Spec {
        name: "castle.png",
        added_at: NOW - 4,
        ..Default::default()
    });
    let in_name_newer = f.add(Spec {
        name: "castle2.png",
        added_at: NOW - 5,
        ..Default::default()
    });
    let page = f.catalog.search(&text("castle"), NOW, &f.scope()).unwrap();
    assert_eq!(page.total, 5);
    let got: Vec<_> = page.items.iter().map(|s| s.id).collect();
    assert_eq!(got, [in_name_newer, in_name, in_tags, in_prompt, in_meta]);

    // Sorting explicitly by date added overrides relevance.
    let q = AssetQuery {
        sort: Some(Sort::Added),
        ..text("castle")
    };
    assert_eq!(f.ids(&q), [in_name_newer, in_name, in_tags, in_prompt, in_meta]);

    // Relevance pages continue across tiers.
    let q = AssetQuery {
        limit: Some(2),
        ..text("castle")
    };
    let p1 = f.catalog.search(&q, NOW, &f.scope()).unwrap();
    let p2 = f
        .catalog
        .search(
            &AssetQuery {
                cursor: p1.next.clone(),
                ..q.clone()
            },
            NOW,
            &f.scope(),
        )
        .unwrap();
    let p3 = f
        .catalog
        .search(
            &AssetQuery {
                cursor: p2.next.clone(),
                ..q.clone()
            },
            NOW,
            &f.scope(),
        )
        .unwrap();
    let all: Vec<_> = [p1.items, p2.items, p3.items]
        .concat()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(all, got);
    assert_eq!(p3.next, None);
}

#[test]
fn every_word_must_match_somewhere() {
    let mut f = fixture();
    let both = f.add(Spec {
        name: "duck.png",
        prompt: Some("photo of a pond"),
        ..Default::default()
    });
    f.add(Spec {
        name: "duck2.png",
        ..Default::default()
    });
    assert_eq!(f.ids(&text("duck pond")), [both]);
}

#[test]
fn tag_filters_any_all_and_parent_paths() {
    let mut f = fixture();
    let summer = f.add(Spec {
        tags: &["client/acme/summer", "red"],
        ..Default::default()
    });
    let winter = f.add(Spec {
        tags: &["Client/Acme/Winter"],
        ..Default::default()
    });
    let red = f.add(Spec {
        tags: &["RED"],
        ..Default::default()
    });
    let q = |tags: &[&str], mode| AssetQuery {
        tags: tags.iter().map(|t| t.to_string()).collect(),
        tag_mode: mode,
        ..Default::default()
    };
    assert_eq!(f.ids(&q(&["client/acme"], TagMode::Any)), [winter, summer]);
    assert_eq!(f.ids(&q(&["red"], TagMode::Any)), [red, summer]);
    assert_eq!(f.ids(&q(&["red", "client"], TagMode::All)), [summer]);
    assert_eq!(f.ids(&q(&["red", "client"], TagMode::Any)), [red, winter, summer]);
    assert!(f.ids(&q(&["nope"], TagMode::Any)).is_empty());
    // The first spelling of a tag is kept.
    let s = f.catalog.summary(red).unwrap();
    assert_eq!(s.tags, ["red"]);
}

#[test]
fn facet_filters_combine_with_and_across_kinds() {
    let mut f = fixture();
    let gen_img = f.add_to(
        Spec {
            source: Source::Generated,
            ..Default::default()
        },
        Some("Acme"),
        Some("Spring"),
    );
    let gen_vid = f.add_to(
        Spec {
            source: Source::Generated,
            kind: Kind::Video,
            ..Default::default()
        },
        Some("Acme"),
        None,
    );
    let imp = f.add_to(Spec::default(), Some("Other"), Some("Spring"));
    let q = AssetQuery {
        sources: vec![Source::Generated],
        ..Default::default()
    };
    assert_eq!(f.ids(&q), [gen_vid, gen_img]);
    let q = AssetQuery {
        sources: vec![Source::Generated],
        kind: Some(Kind::Image),
        ..Default::default()
    };
    assert_eq!(f.ids(&q), [gen_img]);
    let q = AssetQuery {
        brand: Some("acme".into()),
        ..Default::default()
    };
    assert_eq!(f.ids(&q), [gen_vid, gen_img]);
    let q = AssetQuery {
        project: Some("spring".into()),
        ..Default::default()
    };
    assert_eq!(f.ids(&q), [imp, gen_img]);
    let q = AssetQuery {
        statuses: vec![atelier_domain::Status::Draft],
        ratings: vec![atelier_domain::Rating::NONE],
        ..Default::default()
    };
    assert_eq!(f.ids(&q).len(), 3);
    let err = f
        .catalog
        .search(
            &AssetQuery {
                brand: Some("Nobody".into()),
                ..Default::default()
            },
            NOW,
            &f.scope(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(err.to_string().contains("Nobody"));
}

#[test]
fn captured_sort_orders_by_capture_time_with_keyset_pages() {
    let mut f = fixture();
    let a = f.add(Spec {
        captured: 300,
        ..Default::default()
    });
    let b = f.add(Spec {
        captured: 100,
        ..Default::default()
    });
    let c = f.add(Spec {
        captured: 200,
        ..Default::default()
    });
    let d = f.add(Spec {
        captured: 200,
        ..Default::default()
    });
    let q = AssetQuery {
        sort: Some(Sort::Captured),
        limit: Some(2),
        ..Default::default()
    };
    let p1 = f.catalog.search(&q, NOW, &f.scope()).unwrap();
    let p2 = f
        .catalog
        .search(
            &AssetQuery {
                cursor: p1.next.clone(),
                ..q.clone()
            },
            NOW,
            &f.scope(),
        )
        .unwrap();
    let got: Vec<_> = p1.items.iter().chain(&p2.items).map(|s| s.id).collect();
    assert_eq!(got, [a, d, c, b]);
    // A cursor from another order is refused with a clear message.
    let err = f.catalog.search(
        &AssetQuery {
            cursor: p1.next,
            sort: Some(Sort::Added),
            ..Default::default()
        },
        NOW,
        &f.scope(),
    );
    assert_eq!(err.unwrap_err().code(), "invalid_cursor");
}

#[test]
fn captured_sort_of_a_few_matches_in_a_large_library_sorts_them() {
    let mut f = fixture();
    let mut tagged = Vec::new();
    for i in 0..60 {
        let tags: &[&str] = if i % 20 == 0 { &["rare"] } else { &[] };
        let id = f.add(Spec {
            tags,
            captured: 1000 - i,
            ..Default::default()
        });
        if i % 20 == 0 {
            tagged.push(id);
        }
    }
    let q = AssetQuery {
        tags: vec!["rare".into()],
        sort: Some(Sort::Captured),
        limit: Some(2),
        ..Default::default()
    };
    let p1 = f.catalog.search(&q, NOW, &f.scope()).unwrap();
    let p2 = f
        .catalog
        .search(
            &AssetQuery {
                cursor: p1.next.clone(),
                ..q.clone()
            },
            NOW,
            &f.scope(),
        )
        .unwrap();
    let got: Vec<_> = p1.items.iter().chain(&p2.items).map(|s| s.id).collect();
    assert_eq!(got, tagged, "oldest-added has the latest capture time here");
    assert_eq!(p2.next, None);
}

#[test]
fn buckets_count_recent_and_unfiled() {
    let mut f = fixture();
    f.add(Spec {
        added_at: NOW - 30 * DAY,
        ..Default::default()
    });
    f.add(Spec {
        added_at: NOW - 2 * DAY,
        ..Default::default()
    });
    f.add(Spec {
        added_at: NOW - DAY,
        ..Default::default()
    });
    let counts = f.catalog.bucket_counts(None, NOW, &f.scope()).unwrap();
    assert_eq!((counts.all, counts.recent, counts.unfiled), (3, 2, 3));
    let q = AssetQuery {
        bucket: Bucket::Recent,
        ..Default::default()
    };
    assert_eq!(f.catalog.search(&q, NOW, &f.scope()).unwrap().total, 2);
}

#[test]
fn same_content_is_never_inserted_twice() {
    let mut f = fixture();
    let id = f.add(Spec::default());
    let hash = *blake(id.to_string().as_bytes());
    let dup = f.catalog.find_by_hash(&hash).unwrap().unwrap();
    assert_eq!(dup.id, id);
}

#[test]
fn incremental_postings_equal_a_rebuild() {
    let mut f = fixture();
    for i in 0..20 {
        let tags: &[&str] = if i % 3 == 0 { &["a", "b/c"] } else { &["b"] };
        let source = if i % 2 == 0 {
            Source::Generated
        } else {
            Source::Uploaded
        };
        f.add_to(
            Spec {
                tags,
                source,
                ..Default::default()
            },
            if i % 4 == 0 { Some("Acme") } else { None },
            None,
        );
    }
    let queries = [
        AssetQuery::default(),
        AssetQuery {
            tags: vec!["b".into()],
            ..Default::default()
        },
        AssetQuery {
            sources: vec![Source::Generated],
            brand: Some("Acme".into()),
            ..Default::default()
        },
    ];
    let before: Vec<_> = queries
        .iter()
        .map(|q| f.catalog.search(q, NOW, &f.scope()).unwrap())
        .collect();
    f.catalog.rebuild_postings().unwrap();
    let after: Vec<_> = queries
        .iter()
        .map(|q| f.catalog.search(q, NOW, &f.scope()).unwrap())
        .collect();
    assert_eq!(before, after);
}

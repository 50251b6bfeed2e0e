//! Stacks (R2.9) on real files: a RAW and its JPEG stack on import (JPEG as cover), a stack is
//! one card that rates and moves as one, and stacks made, re-covered and dissolved by hand.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use atelier_domain::{AssetId, AssetQuery, Rating};
use atelier_library::{ImportMode, ImportOptions};
use common::{TestLibrary, ids, jpeg};

fn corpus_raw() -> Option<PathBuf> {
    let dir = std::env::var_os("ATELIER_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(
                &std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into()),
            )
            .join("../../../shared/corpus")
        });
    let f = dir.join("raw/real/Canon_PowerShot_G2__CRW_0304.CRW");
    if f.is_file() {
        Some(f)
    } else {
        eprintln!(
            "corpus not found at {} (set ATELIER_CORPUS): skipping",
            dir.display()
        );
        None
    }
}

fn in_place() -> ImportOptions {
    ImportOptions {
        mode: Some(ImportMode::InPlace),
        ..Default::default()
    }
}

#[test]
fn a_raw_and_its_jpeg_are_one_card_that_rates_as_one() {
    let Some(raw) = corpus_raw() else { return };
    let t = TestLibrary::new();
    fs::create_dir_all(t.input().join("shoot")).unwrap();
    fs::copy(&raw, t.input().join("shoot/CRW_0304.CRW")).unwrap();
    t.write("shoot/CRW_0304.JPG", &jpeg(300, 200, 1));
    t.write("shoot/other.jpg", &jpeg(300, 200, 2));
    let r = t.import(&in_place());
    assert_eq!(r.imported.len(), 3, "{r:?}");

    let page = t.lib.as_owner().search(&AssetQuery::default()).unwrap();
    assert_eq!(page.total, 2, "the RAW hides behind its JPEG");
    let cover = page.items.iter().find(|a| a.name == "CRW_0304.JPG").unwrap();
    assert_eq!(cover.stack_count, Some(2));
    let other = page.items.iter().find(|a| a.name == "other.jpg").unwrap();
    assert_eq!(other.stack_count, None);
    let detail = t.lib.as_owner().show(cover.id).unwrap();
    assert_eq!(detail.stack.len(), 2);
    assert_eq!(detail.stack[0], cover.id, "cover first");
    let raw_id = detail.stack[1];
    assert_eq!(t.lib.as_owner().bucket_counts(None).unwrap().all, 2);

    // Rating the card rates the stack.
    let report = t
        .lib
        .as_owner()
        .rate(&ids(&[cover.id]), Rating::new(4).unwrap())
        .unwrap();
    // One card asked for, one counted (the RAW behind it changes with it: checked below).
    assert_eq!(report.succeeded, [cover.id], "{report:?}");
    assert_eq!(
        t.lib
            .as_owner()
            .show(raw_id)
            .unwrap()
            .detail
            .summary
            .rating
            .stars(),
        4
    );
    t.assert_consistent();

    // Unstacked: two cards again.
    t.lib.as_owner().unstack(&[raw_id]).unwrap();
    assert_eq!(t.count(AssetQuery::default()), 3);
    assert!(t.lib.as_owner().show(cover.id).unwrap().detail.stack.is_empty());
    t.assert_consistent();
}

#[test]
fn stacks_by_hand_with_a_chosen_cover() {
    let t = TestLibrary::new();
    let made = t.photos("burst", 4, &in_place());
    let err = t.lib.as_owner().stack(&made[..1], None).unwrap_err();
    assert_eq!(err.code(), "stack_too_small");
    let err = t.lib.as_owner().stack(&made[..2], Some(made[3])).unwrap_err();
    assert_eq!(err.code(), "cover_not_in_stack");
    assert_eq!(t.count(AssetQuery::default()), 4, "refusals change nothing");

    t.lib.as_owner().stack(&made[..3], Some(made[2])).unwrap();
    let page = t.lib.as_owner().search(&AssetQuery::default()).unwrap();
    assert_eq!(page.total, 2);
    let card = page.items.iter().find(|a| a.id == made[2]).unwrap();
    assert_eq!(card.stack_count, Some(3));

    // A new cover: stacking again re-forms the stack.
    t.lib.as_owner().stack(&made[..3], Some(made[0])).unwrap();
    let page = t.lib.as_owner().search(&AssetQuery::default()).unwrap();
    assert!(
        page.items
            .iter()
            .any(|a| a.id == made[0] && a.stack_count == Some(3))
    );
    assert!(!page.items.iter().any(|a| a.id == made[2]));

    // Deleting the stack deletes every member (it is one card).
    let trash = t.lib.as_owner().delete(&ids(&[made[0]])).unwrap();
    assert_eq!(
        trash.succeeded,
        [made[0]],
        "one card asked for, one counted: {trash:?}"
    );
    assert_eq!(t.count(AssetQuery::default()), 1);
    let in_trash = AssetQuery {
        bucket: atelier_domain::Bucket::Trash,
        ..Default::default()
    };
    assert_eq!(t.count(in_trash), 1, "the stack is one card in the Trash too");
    assert_eq!(t.lib.as_owner().bucket_counts(None).unwrap().trash, 1);
    t.assert_consistent();
}

/// `n` photos imported into the project June of the brand Acme (made here).
fn june_of_acme(t: &TestLibrary, n: u8) -> Vec<AssetId> {
    t.lib.as_owner().brand_create("Acme").unwrap();
    let opts = ImportOptions {
        brand: Some("Acme".into()),
        project: Some("June".into()),
        ..in_place()
    };
    t.photos("june", n, &opts)
}

/// One counting rule (issue 14, defect 5): every count is of cards, a stack counting once —
/// the grid, the buckets, collections, campaigns, tags, projects, brands, saved searches and
/// the bulk report all agree.
#[test]
fn every_count_counts_a_stack_once() {
    let t = TestLibrary::new();
    let me = t.lib.as_owner();
    let made = june_of_acme(&t, 3);
    me.stack(&made[..2], Some(made[0])).unwrap();
    me.collection_create("Shoots/June", "Acme").unwrap();
    me.campaign_create("Launch", "Acme", None).unwrap();

    // Three cards asked for by the person (the grid shows 2: the stack and the single one).
    let cards = [made[0], made[2]];
    let r = me.tag_add(&ids(&cards), &["hero".into()]).unwrap();
    assert_eq!(r.succeeded.len(), 2, "{r:?}");
    me.collection_add("Shoots/June", &ids(&cards), None).unwrap();
    me.campaign_add("Launch", &ids(&cards), "Acme").unwrap();
    let saved = me
        .saved_search_create(
            "Heroes",
            &AssetQuery {
                tags: vec!["hero".into()],
                ..Default::default()
            },
        )
        .unwrap();

    let grid = t.count(AssetQuery::default());
    assert_eq!(grid, 2);
    let tag = me
        .tag_list()
        .unwrap()
        .into_iter()
        .find(|x| x.name == "hero")
        .unwrap();
    let coll = me
        .collection_list("Acme")
        .unwrap()
        .into_iter()
        .find(|c| c.path == "Shoots/June")
        .unwrap();
    let camp = me
        .campaign_list(Some("Acme"))
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Launch")
        .unwrap();
    let project = me
        .project_list()
        .unwrap()
        .into_iter()
        .find(|p| p.name == "June")
        .unwrap();
    let brand = me.brand("Acme").unwrap();
    let buckets = me.bucket_counts(Some("Acme")).unwrap();
    assert_eq!(
        (
            tag.count,
            coll.count,
            camp.count,
            project.count,
            brand.count,
            buckets.all,
            saved.count
        ),
        (2, 2, 2, 2, 2, 2, 2)
    );
    // Its cover is one of its cards (the newest), never a member hidden in a stack.
    assert!(coll.cover.is_some_and(|c| cards.contains(&c)), "{:?}", coll.cover);
    let parent = me
        .collection_list("Acme")
        .unwrap()
        .into_iter()
        .find(|c| c.path == "Shoots")
        .unwrap();
    assert_eq!(
        parent.cover, coll.cover,
        "a parent's cover comes from its sub-collections too"
    );
    t.assert_consistent();
}

/// A collection's cover chosen by hand (issue 14, feature 8): one of its own assets, shown
/// while it is a card in the collection or below; otherwise, or given back, the newest card.
#[test]
fn a_collection_cover_chosen_by_hand() {
    let t = TestLibrary::new();
    let me = t.lib.as_owner();
    let made = june_of_acme(&t, 4);
    me.collection_create("Shoots/June", "Acme").unwrap();
    me.collection_add("Shoots/June", &ids(&made[..3]), None).unwrap();
    let info = |path: &str| {
        me.collection_list("Acme")
            .unwrap()
            .into_iter()
            .find(|c| c.path == path)
            .unwrap()
    };
    let newest = info("Shoots/June").cover.unwrap();
    assert!(!info("Shoots/June").cover_chosen);

    // Chosen on the sub-collection and on its parent (filed below counts).
    let chosen = made
        .iter()
        .copied()
        .find(|a| *a != newest && made[..3].contains(a))
        .unwrap();
    let shown = me.collection_cover("Shoots/June", Some(chosen), None).unwrap();
    assert_eq!((shown.cover, shown.cover_chosen), (Some(chosen), true));
    let parent = me.collection_cover("Shoots", Some(chosen), Some("Acme")).unwrap();
    assert_eq!((parent.cover, parent.cover_chosen), (Some(chosen), true));

    // Bad input: an asset not filed there, an unknown collection — refused, nothing changed.
    let err = me
        .collection_cover("Shoots/June", Some(made[3]), None)
        .unwrap_err();
    assert_eq!(err.code(), "cover_not_in_collection", "{err}");
    assert!(
        err.to_string().contains("isn't filed in this collection"),
        "{err}"
    );
    let err = me.collection_cover("Nowhere", Some(chosen), None).unwrap_err();
    assert_eq!(err.code(), "collection_not_found", "{err}");
    assert_eq!(info("Shoots/June").cover, Some(chosen));

    // Taken out of the collection: the automatic cover shows; filed again: the choice holds.
    me.collection_remove("Shoots/June", &ids(&[chosen]), None)
        .unwrap();
    let after = info("Shoots/June");
    assert_eq!((after.cover, after.cover_chosen), (Some(newest), false));
    me.collection_add("Shoots/June", &ids(&[chosen]), None).unwrap();
    assert_eq!(info("Shoots/June").cover, Some(chosen));

    // Stacked under another: not a card, so not shown.
    me.stack(&[newest, chosen], Some(newest)).unwrap();
    assert!(!info("Shoots/June").cover_chosen);
    me.unstack(&[newest]).unwrap();

    // Given back: the newest card again; journaled both ways.
    let back = me.collection_cover("Shoots/June", None, None).unwrap();
    assert_eq!((back.cover, back.cover_chosen), (Some(newest), false));
    let journal = t.lib.changes_since(0, 100_000).unwrap();
    assert_eq!(
        journal
            .iter()
            .filter(|c| c.action == atelier_protocol::ChangeAction::Cover)
            .count(),
        3
    );
    t.assert_consistent();
}

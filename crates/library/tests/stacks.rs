//! Stacks (R2.9) on real files: a RAW and its JPEG stack on import (JPEG as cover), a stack is
//! one card that rates and moves as one, and stacks made, re-covered and dissolved by hand.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use atelier_domain::{AssetQuery, Rating};
use atelier_library::{ImportMode, ImportOptions};
use common::{TestLibrary, ids, jpeg};

fn corpus_raw() -> Option<PathBuf> {
    let dir = std::env::var_os("ATELIER_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"));
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
    assert_eq!(report.succeeded.len(), 2, "{report:?}");
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
    assert_eq!(trash.succeeded.len(), 3, "{trash:?}");
    assert_eq!(t.count(AssetQuery::default()), 1);
    t.assert_consistent();
}

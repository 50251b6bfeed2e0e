//! The Trash (issue 10): deleting moves assets there with everything they had; they are
//! restored as they were, purged when the Trash is emptied or after 30 days; approved work is
//! protected; files stay until the purge.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use atelier_domain::{AssetQuery, Bucket, Rating, ReviewAction};
use atelier_library::{ImportMode, ImportOptions, Selection};
use common::{TestLibrary, ids};

fn in_place() -> ImportOptions {
    ImportOptions {
        mode: Some(ImportMode::InPlace),
        ..Default::default()
    }
}

fn trash_query() -> AssetQuery {
    AssetQuery {
        bucket: Bucket::Trash,
        ..Default::default()
    }
}

#[test]
fn deleted_assets_wait_in_the_trash_and_come_back_as_they_were() {
    let t = TestLibrary::new();
    let me = t.lib.as_owner();
    let a = t.photos("t", 3, &in_place());
    me.brand_create("Acme").unwrap();
    me.collection_create("Shoots/June", "Personal").unwrap();
    me.collection_add("Shoots/June", &ids(&a[..1]), None).unwrap();
    me.tag_add(&ids(&a[..1]), &["keeper".into()]).unwrap();
    me.rate(&ids(&a[..1]), Rating::new(5).unwrap()).unwrap();

    let r = me.delete(&ids(&a[..2])).unwrap();
    assert_eq!(r.succeeded.len(), 2, "{r:?}");
    assert_eq!(t.count(AssetQuery::default()), 1, "gone from the library's views");
    assert_eq!(t.count(trash_query()), 2, "listed in the Trash");
    let counts = me.bucket_counts(None).unwrap();
    assert_eq!((counts.all, counts.trash), (1, 2));
    assert!(me.show(a[0]).is_ok(), "still shown from the Trash");
    let d = me.show(a[0]).unwrap();
    assert!(d.path.exists(), "its file is kept");
    // What is in the Trash is only restored or purged.
    let r = me.rate(&ids(&a[..1]), Rating::new(1).unwrap()).unwrap();
    assert_eq!(r.failed[0].code, "in_trash");
    assert_eq!(me.rename_asset(a[0], "x").unwrap_err().code(), "in_trash");
    let r = me.restore(&ids(&a[2..])).unwrap();
    assert_eq!(r.failed[0].code, "not_in_trash");

    let r = me.restore(&ids(&a[..1])).unwrap();
    assert_eq!(r.succeeded, [a[0]]);
    let back = me.show(a[0]).unwrap();
    assert_eq!(back.summary.tags, ["keeper"]);
    assert_eq!(back.summary.rating.stars(), 5);
    assert_eq!(back.collections, ["Shoots/June"]);
    assert_eq!(t.count(AssetQuery::default()), 2);

    // Emptying purges: the catalog forgets it, the file goes to the system trash.
    let gone = me.show(a[1]).unwrap().path;
    let r = me.empty_trash().unwrap();
    assert_eq!(r.succeeded, [a[1]]);
    assert!(!gone.exists());
    assert_eq!(me.show(a[1]).unwrap_err().code(), "not_found");
    assert_eq!(t.count(trash_query()), 0);
    assert_eq!(
        me.empty_trash().unwrap().succeeded.len(),
        0,
        "emptying an empty Trash is fine"
    );
    t.assert_consistent();
}

#[test]
fn approved_work_never_goes_to_the_trash() {
    let t = TestLibrary::new();
    let me = t.lib.as_owner();
    me.brand_create("Acme").unwrap();
    me.brand_kit(
        "Acme",
        &atelier_library::KitEdit {
            self_approval: Some(true),
            ..Default::default()
        },
    )
    .unwrap();
    let a = t.photos(
        "ap",
        1,
        &ImportOptions {
            brand: Some("Acme".into()),
            ..in_place()
        },
    );
    me.review(&ids(&a), ReviewAction::Submit, None).unwrap();
    me.review(&ids(&a), ReviewAction::Approve, None).unwrap();
    let r = me.delete(&ids(&a)).unwrap();
    assert_eq!(r.failed[0].code, "approved_locked");
    assert_eq!(t.count(trash_query()), 0);
}

#[test]
fn the_trash_is_purged_after_thirty_days() {
    let t = TestLibrary::new();
    let me = t.lib.as_owner();
    let a = t.photos("old", 2, &in_place());
    me.delete(&Selection::Ids(a.clone())).unwrap();
    assert_eq!(t.lib.purge_expired_trash().unwrap(), 0, "fresh deletions stay");
    // One of them was deleted 31 days ago.
    backdate(&t, a[0]);
    assert_eq!(t.lib.purge_expired_trash().unwrap(), 1);
    assert_eq!(me.show(a[0]).unwrap_err().code(), "not_found");
    assert!(me.show(a[1]).is_ok());
    t.assert_consistent();
}

/// Backdates one asset's deletion by 31 days, straight in the catalog file.
fn backdate(t: &TestLibrary, id: atelier_domain::AssetId) {
    let db = rusqlite::Connection::open(t.lib.layout().catalog()).unwrap();
    let month_ago = chrono::Utc::now().timestamp_millis() - 31 * 24 * 60 * 60 * 1000;
    let n = db
        .execute(
            "UPDATE asset SET trashed_at = ?1 WHERE uid = ?2",
            rusqlite::params![month_ago, id.0.as_bytes().to_vec()],
        )
        .unwrap();
    assert_eq!(n, 1);
}

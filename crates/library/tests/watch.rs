//! Living folders on real files: reconciliation after changes made while Atelier was closed,
//! and the watcher following changes as they happen (real notify, real inotify).

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::fs;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use atelier_domain::AssetQuery;
use atelier_library::{CancelToken, ImportOptions, Presence, WatchEvent};
use common::{TestLibrary, jpeg, jpeg_seeded};

fn presence_of(t: &TestLibrary, id: atelier_domain::AssetId) -> Presence {
    t.lib.as_owner().show(id).unwrap().detail.summary.presence
}

#[test]
fn reconcile_picks_up_new_moved_changed_and_deleted_files() {
    let t = TestLibrary::new();
    let shoot = t.input().join("shoot");
    fs::create_dir_all(&shoot).unwrap();
    for i in 0..3 {
        fs::write(shoot.join(format!("{i}.jpg")), jpeg(200, 100, i)).unwrap();
    }
    t.lib.as_owner().project_create("Shoot", None, None).unwrap();
    let err = t
        .lib
        .as_owner()
        .watch_add("Shoot", t.lib.layout().root())
        .unwrap_err();
    assert_eq!(err.code(), "inside_library");
    assert_eq!(
        t.lib
            .as_owner()
            .watch_add("Shoot", &t.input().join("nope"))
            .unwrap_err()
            .code(),
        "path_not_found"
    );
    t.lib.as_owner().watch_add("Shoot", &shoot).unwrap();
    assert_eq!(
        t.lib
            .as_owner()
            .watch_add("Shoot", &shoot.join(".."))
            .unwrap_err()
            .code(),
        "overlapping_watch"
    );

    let first = t.lib.reconcile(&CancelToken::new(), &None).unwrap();
    assert_eq!((first.folders, first.imported.len()), (1, 3));
    assert_eq!(
        t.lib
            .as_owner()
            .search(&AssetQuery {
                project: Some("Shoot".into()),
                ..Default::default()
            })
            .unwrap()
            .total,
        3
    );
    let again = t.lib.reconcile(&CancelToken::new(), &None).unwrap();
    assert_eq!(
        (again.checked, again.unchanged, again.imported.len()),
        (3, 3, 0),
        "nothing changed: nothing hashed or imported"
    );

    let id_of = |name: &str| {
        let q = AssetQuery {
            text: Some(name.trim_end_matches(".jpg").into()),
            ..Default::default()
        };
        t.lib.as_owner().search(&q).unwrap().items[0].id
    };
    let (moved, edited, deleted) = (id_of("0.jpg"), id_of("1.jpg"), id_of("2.jpg"));
    t.lib
        .as_owner()
        .rate(&common::ids(&[moved]), atelier_domain::Rating::new(5).unwrap())
        .unwrap();
    fs::create_dir_all(shoot.join("picks")).unwrap();
    fs::rename(shoot.join("0.jpg"), shoot.join("picks/zero.jpg")).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    fs::write(shoot.join("1.jpg"), jpeg(300, 100, 99)).unwrap();
    fs::remove_file(shoot.join("2.jpg")).unwrap();
    fs::write(shoot.join("new.jpg"), jpeg(50, 50, 42)).unwrap();

    let r = t.lib.reconcile(&CancelToken::new(), &None).unwrap();
    assert_eq!(r.relinked.len(), 1, "{r:?}");
    assert!(r.relinked[0].to.ends_with("picks/zero.jpg"));
    assert_eq!(r.changed.len(), 1);
    assert_eq!(r.missing.len(), 1);
    assert_eq!(r.imported.len(), 1);
    let m = t.lib.as_owner().show(moved).unwrap();
    assert!(m.path.ends_with("picks/zero.jpg"));
    assert_eq!(
        m.summary.rating.stars(),
        5,
        "a moved file keeps its asset and metadata"
    );
    assert_eq!(
        t.lib.as_owner().show(edited).unwrap().detail.summary.width,
        300,
        "an edited file is re-read"
    );
    assert_eq!(presence_of(&t, deleted), Presence::Missing);
    assert_eq!(
        t.lib.as_owner().search(&AssetQuery::default()).unwrap().total,
        4,
        "missing assets are kept"
    );

    // The deleted file comes back: the asset is no longer missing, nothing is re-imported.
    fs::write(shoot.join("2.jpg"), jpeg(200, 100, 2)).unwrap();
    let r = t.lib.reconcile(&CancelToken::new(), &None).unwrap();
    assert_eq!((r.imported.len(), r.back.len()), (0, 1), "{r:?}");
    assert_eq!(presence_of(&t, deleted), Presence::Ok);
    t.assert_consistent();
}

#[test]
fn an_unplugged_folder_goes_offline_and_comes_back_without_a_reimport() {
    let t = TestLibrary::new();
    let drive = t.input().join("drive");
    fs::create_dir_all(&drive).unwrap();
    fs::write(drive.join("a.jpg"), jpeg(100, 100, 1)).unwrap();
    t.lib.as_owner().watch_add("Inbox", &drive).unwrap();
    t.lib.reconcile(&CancelToken::new(), &None).unwrap();
    let id = t.lib.as_owner().search(&AssetQuery::default()).unwrap().items[0].id;
    let parked = t.input().join("parked");
    fs::rename(&drive, &parked).unwrap();
    let r = t.lib.reconcile(&CancelToken::new(), &None).unwrap();
    assert_eq!((r.offline.len(), r.missing.len()), (1, 0), "{r:?}");
    let d = t.lib.as_owner().show(id).unwrap();
    assert_eq!(d.summary.presence, Presence::Offline);
    assert!(d.thumbnail.is_some(), "still browsable from its thumbnail");
    fs::rename(&parked, &drive).unwrap();
    let r = t.lib.reconcile(&CancelToken::new(), &None).unwrap();
    assert_eq!((r.back.len(), r.imported.len()), (1, 0), "{r:?}");
    assert_eq!(presence_of(&t, id), Presence::Ok);
}

#[test]
fn the_watcher_imports_settled_files_follows_renames_and_marks_deletions() {
    let t = Arc::new(TestLibrary::new());
    let folder = t.input().join("live");
    fs::create_dir_all(&folder).unwrap();
    t.lib.as_owner().project_create("Live", None, None).unwrap();
    t.lib.as_owner().watch_add("Live", &folder).unwrap();
    let events: Arc<Mutex<Vec<WatchEvent>>> = Arc::default();
    let cancel = CancelToken::new();
    let runner = {
        let (t, events, cancel) = (t.clone(), events.clone(), cancel.clone());
        std::thread::spawn(move || t.lib.watch(&cancel, &|e| events.lock().unwrap().push(e)).unwrap())
    };
    let wait_for = |what: &str, f: &dyn Fn() -> bool| {
        let start = Instant::now();
        while !f() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        start.elapsed()
    };
    let count = || {
        t.lib
            .as_owner()
            .search(&AssetQuery {
                project: Some("Live".into()),
                ..Default::default()
            })
            .unwrap()
            .total
    };
    wait_for("the first reconciliation", &|| {
        events
            .lock()
            .unwrap()
            .iter()
            .any(|e| matches!(e, WatchEvent::Reconciled { .. }))
    });

    // A burst copied in: every file imported once, none half-written.
    for i in 0..40u32 {
        fs::write(
            folder.join(format!("burst-{i:02}.jpg")),
            jpeg_seeded(64, 48, 1000 + i),
        )
        .unwrap();
    }
    let waited = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        wait_for("the burst", &|| count() == 40)
    }));
    if waited.is_err() {
        panic!(
            "burst: {} imported; events: {:?}",
            count(),
            events.lock().unwrap()
        );
    }
    // Written slowly (in pieces): imported only once complete.
    let slow = folder.join("slow.jpg");
    let bytes = jpeg(400, 300, 7);
    let mut file = fs::File::create(&slow).unwrap();
    for chunk in bytes.chunks(bytes.len() / 4 + 1) {
        use std::io::Write;
        file.write_all(chunk).unwrap();
        file.flush().unwrap();
        std::thread::sleep(Duration::from_millis(120));
    }
    drop(file);
    wait_for("the slow file", &|| count() == 41);
    let slow_id = t
        .lib
        .as_owner()
        .search(&AssetQuery {
            text: Some("slow".into()),
            ..Default::default()
        })
        .unwrap()
        .items[0]
        .id;
    assert_eq!(
        t.lib.as_owner().show(slow_id).unwrap().detail.summary.width,
        400,
        "imported whole, not half-written"
    );

    fs::rename(&slow, folder.join("renamed.jpg")).unwrap();
    wait_for("the rename", &|| {
        t.lib
            .as_owner()
            .show(slow_id)
            .unwrap()
            .path
            .ends_with("renamed.jpg")
    });
    fs::remove_file(folder.join("renamed.jpg")).unwrap();
    wait_for("the deletion", &|| {
        t.lib.as_owner().show(slow_id).unwrap().detail.summary.presence == Presence::Missing
    });
    assert_eq!(count(), 41, "a deleted file's asset is kept");

    cancel.cancel();
    runner.join().unwrap();
    t.assert_consistent();
    let _ = ImportOptions::default();
}

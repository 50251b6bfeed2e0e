//! XMP sidecars on real files: read at import (sidecar over embedded), written back after edits
//! with every foreign property kept (checked with ExifTool), an edit made by another tool
//! winning when it is newer, failed writes kept queued, and managed copies left alone.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use atelier_domain::Rating;
use atelier_library::{ImportMode, ImportOptions, sidecar_path};
use common::{TestLibrary, ids, jpeg};

const DARKTABLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 4.4.0-Exiv2">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:darktable="http://darktable.sf.net/"
   xmp:Rating="2"
   darktable:history_end="1">
   <dc:subject>
    <rdf:Bag>
     <rdf:li>harbour</rdf:li>
    </rdf:Bag>
   </dc:subject>
   <darktable:history>
    <rdf:Seq>
     <rdf:li darktable:operation="exposure" darktable:enabled="1" darktable:params="0000803f"/>
    </rdf:Seq>
   </darktable:history>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
"#;

fn exiftool(path: &Path) -> Option<serde_json::Value> {
    let out = Command::new("exiftool")
        .args(["-j", "-XMP:all"])
        .arg(path)
        .output()
        .ok()?;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    v.get(0).cloned()
}

fn in_place() -> ImportOptions {
    ImportOptions {
        mode: Some(ImportMode::InPlace),
        ..Default::default()
    }
}

#[test]
fn sidecars_are_read_at_import_and_written_back_keeping_foreign_properties() {
    let t = TestLibrary::new();
    let photo = t.write("shoot/DSC_0001.jpg", &jpeg(200, 100, 1));
    fs::write(photo.with_file_name("DSC_0001.jpg.xmp"), DARKTABLE).unwrap();
    let r = t.import(&in_place());
    assert_eq!(r.imported.len(), 1, "{r:?}");
    let id = r.imported[0].id;
    let shown = t.lib.as_owner().show(id).unwrap();
    assert_eq!(shown.summary.rating.stars(), 2, "the sidecar's rating");
    assert_eq!(shown.summary.tags, vec!["harbour".to_string()]);
    // Nothing to write after an import: the files already say this.
    assert_eq!(t.lib.write_sidecars().unwrap().written, 0);

    t.lib
        .as_owner()
        .rate(&ids(&[id]), Rating::new(5).unwrap())
        .unwrap();
    t.lib
        .as_owner()
        .tag_add(
            &ids(&[id]),
            &["Places/Norway".to_string(), "blue hour".to_string()],
        )
        .unwrap();
    let report = t.lib.write_sidecars().unwrap();
    assert_eq!((report.written, report.failed.len()), (1, 0), "{report:?}");
    let sidecar = sidecar_path(&photo);
    assert!(sidecar.ends_with("DSC_0001.jpg.xmp"));
    let text = fs::read_to_string(&sidecar).unwrap();
    assert!(
        text.contains(r#"darktable:operation="exposure""#),
        "darktable's history stays: {text}"
    );
    assert!(text.contains(r#"darktable:history_end="1""#));
    if let Some(x) = exiftool(&sidecar) {
        assert_eq!(x["Rating"], 5, "{x}");
        let subjects: Vec<String> = serde_json::from_value(x["Subject"].clone()).unwrap();
        assert_eq!(subjects, vec!["blue hour", "harbour", "Norway"]);
        assert_eq!(x["HierarchicalSubject"], "Places|Norway");
    }
    // Written once: nothing queued any more.
    assert_eq!(t.lib.write_sidecars().unwrap().written, 0);

    // Another tool (Lightroom here) rates it 1 later: its edit is the newer and wins.
    t.lib
        .as_owner()
        .rate(&ids(&[id]), Rating::new(3).unwrap())
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let theirs = text.replace(">5</xmp:Rating>", ">1</xmp:Rating>");
    fs::write(&sidecar, &theirs).unwrap();
    let future = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    fs::File::options()
        .write(true)
        .open(&sidecar)
        .unwrap()
        .set_modified(future)
        .unwrap();
    let report = t.lib.write_sidecars().unwrap();
    assert_eq!((report.written, report.read_back), (0, 1), "{report:?}");
    assert_eq!(
        t.lib.as_owner().show(id).unwrap().detail.summary.rating.stars(),
        1
    );
    assert_eq!(
        fs::read_to_string(&sidecar).unwrap(),
        theirs,
        "their file is untouched"
    );
    t.assert_consistent();
}

#[test]
fn a_sidecar_that_cannot_be_rewritten_is_reported_and_retried() {
    let t = TestLibrary::new();
    let photo = t.write("a/IMG_1.jpg", &jpeg(120, 80, 2));
    let r = t.import(&in_place());
    let id = r.imported[0].id;
    // A broken file where the sidecar goes: never replaced, the write waits.
    let sidecar = photo.with_file_name("IMG_1.jpg.xmp");
    fs::write(&sidecar, "<x:xmpmeta><rdf:RDF><rdf:Description>").unwrap();
    t.lib
        .as_owner()
        .rate(&ids(&[id]), Rating::new(4).unwrap())
        .unwrap();
    let report = t.lib.write_sidecars().unwrap();
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(report.failed[0].reason.contains("XMP sidecar"), "{report:?}");
    assert_eq!(
        fs::read_to_string(&sidecar).unwrap(),
        "<x:xmpmeta><rdf:RDF><rdf:Description>"
    );
    assert_eq!(t.lib.sidecar_failures().unwrap().len(), 1);
    // Fixed (deleted): the retry writes a fresh sidecar.
    fs::remove_file(&sidecar).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let report = t.lib.write_sidecars().unwrap();
    assert_eq!((report.written, report.failed.len()), (1, 0), "{report:?}");
    assert!(fs::read_to_string(&sidecar).unwrap().contains(">4</xmp:Rating>"));
    assert!(t.lib.sidecar_failures().unwrap().is_empty());
}

#[test]
fn lightroom_style_name_xmp_is_used_and_copies_get_no_sidecar() {
    let t = TestLibrary::new();
    let photo = t.write("lr/IMG_2.jpg", &jpeg(120, 80, 3));
    let lr = photo.with_file_name("IMG_2.xmp");
    fs::write(&lr, DARKTABLE.replace(r#"xmp:Rating="2""#, r#"xmp:Rating="3""#)).unwrap();
    let copy = t.write("copy/IMG_3.jpg", &jpeg(120, 80, 4));
    let r = t.import(&in_place());
    assert_eq!(r.imported.len(), 2);
    let lr_id = r
        .imported
        .iter()
        .find(|i| i.path.ends_with("IMG_2.jpg"))
        .unwrap()
        .id;
    assert_eq!(
        t.lib
            .as_owner()
            .show(lr_id)
            .unwrap()
            .detail
            .summary
            .rating
            .stars(),
        3
    );
    t.lib
        .as_owner()
        .rate(&ids(&[lr_id]), Rating::new(1).unwrap())
        .unwrap();
    t.lib.write_sidecars().unwrap();
    assert!(fs::read_to_string(&lr).unwrap().contains(">1</xmp:Rating>"));
    assert!(
        !photo.with_file_name("IMG_2.jpg.xmp").exists(),
        "the existing name.xmp is the sidecar"
    );

    let t2 = TestLibrary::new();
    fs::create_dir_all(t2.input()).unwrap();
    fs::copy(&copy, t2.input().join("IMG_3.jpg")).unwrap();
    let r = t2.import(&ImportOptions {
        mode: Some(ImportMode::Copy),
        ..Default::default()
    });
    t2.lib
        .as_owner()
        .rate(&ids(&[r.imported[0].id]), Rating::new(2).unwrap())
        .unwrap();
    assert_eq!(
        t2.lib.write_sidecars().unwrap().written,
        0,
        "managed copies have no sidecar"
    );
}

#[test]
fn the_watcher_reads_a_sidecar_another_tool_saves() {
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};
    let t = Arc::new(TestLibrary::new());
    let shoot = t.input().join("shoot");
    let photo = t.write("shoot/DSC_0002.jpg", &jpeg(160, 90, 5));
    t.lib.as_owner().project_create("Shoot", None, None).unwrap();
    t.lib.as_owner().watch_add("Shoot", &shoot).unwrap();
    let cancel = atelier_library::CancelToken::new();
    let events: Arc<Mutex<Vec<atelier_library::WatchEvent>>> = Arc::default();
    // A detached thread (as in tests/watch.rs): a failed assertion below ends the test instead
    // of waiting for a watcher nobody stops.
    let runner = {
        let (t, events, cancel) = (t.clone(), events.clone(), cancel.clone());
        std::thread::spawn(move || t.lib.watch(&cancel, &|e| events.lock().unwrap().push(e)).unwrap())
    };
    let wait_for = |what: &str, done: &dyn Fn() -> bool| {
        let start = Instant::now();
        while !done() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "timed out waiting for {what}: {:?}",
                events.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    wait_for("the photo imported", &|| {
        t.lib.as_owner().search(&Default::default()).unwrap().total == 1
    });
    // Lightroom saves a sidecar with 3 stars and a keyword.
    fs::write(
        photo.with_file_name("DSC_0002.xmp"),
        DARKTABLE
            .replace(r#"xmp:Rating="2""#, r#"xmp:Rating="3""#)
            .replace("harbour", "lighthouse"),
    )
    .unwrap();
    let id = t.lib.as_owner().search(&Default::default()).unwrap().items[0].id;
    wait_for("the sidecar read", &|| {
        t.lib.as_owner().show(id).unwrap().detail.summary.rating.stars() == 3
    });
    assert_eq!(
        t.lib.as_owner().show(id).unwrap().detail.summary.tags,
        vec!["lighthouse".to_string()]
    );
    cancel.cancel();
    runner.join().unwrap();
    let log = events.lock().unwrap();
    assert!(
        log.iter()
            .any(|e| matches!(e, atelier_library::WatchEvent::SidecarRead { .. })),
        "{log:?}"
    );
    // Nothing queued to write back: the sidecar already says this.
    assert_eq!(t.lib.write_sidecars().unwrap().written, 0);
}

#[test]
fn reconcile_reads_sidecars_saved_while_atelier_was_closed() {
    let t = TestLibrary::new();
    let shoot = t.input().join("shoot");
    let photo = t.write("shoot/DSC_0003.jpg", &jpeg(160, 90, 6));
    t.lib.as_owner().project_create("Shoot", None, None).unwrap();
    t.lib.as_owner().watch_add("Shoot", &shoot).unwrap();
    let first = t
        .lib
        .reconcile(&atelier_library::CancelToken::new(), &None)
        .unwrap();
    assert_eq!((first.imported.len(), first.sidecars_read), (1, 0));
    fs::write(
        photo.with_file_name("DSC_0003.jpg.xmp"),
        DARKTABLE.replace(r#"xmp:Rating="2""#, r#"xmp:Rating="5""#),
    )
    .unwrap();
    let again = t
        .lib
        .reconcile(&atelier_library::CancelToken::new(), &None)
        .unwrap();
    assert_eq!(again.sidecars_read, 1, "{again:?}");
    assert_eq!(again.unchanged, 1);
    let asset = t.lib.as_owner().search(&Default::default()).unwrap().items[0].clone();
    assert_eq!(asset.rating.stars(), 5);
    // Read once: the next reconcile leaves it.
    let third = t
        .lib
        .reconcile(&atelier_library::CancelToken::new(), &None)
        .unwrap();
    assert_eq!(third.sidecars_read, 0);
}

//! Regressions for the defects found by trying Atelier as a new user would (issue 10): each test
//! failed before its fix. Real library folders, real files, real SQLite, several `Library`
//! handles on one folder where the defect needed two processes.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::ffi::OsString;
use std::fs;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};

use atelier_domain::AssetQuery;
use atelier_library::{CancelToken, Dispose, Existing, ImportMode, ImportOptions, Library, OpenOptions};
use common::{TestLibrary, ids, jpeg};

fn copy() -> ImportOptions {
    ImportOptions {
        mode: Some(ImportMode::Copy),
        ..Default::default()
    }
}

fn in_place() -> ImportOptions {
    ImportOptions {
        mode: Some(ImportMode::InPlace),
        ..Default::default()
    }
}

fn open(root: &Path) -> Library {
    Library::open_with(
        root,
        OpenOptions {
            trash_dir: Some(root.with_file_name("trash")),
        },
    )
    .unwrap()
}

#[test]
fn export_never_replaces_what_it_should_not() {
    // Defect 2: `export --zip` replaced an existing file, the library's own catalog, even a
    // device node.
    let t = TestLibrary::new();
    let made = t.photos("e", 2, &in_place());
    let sel = ids(&made);
    let out = t.dir.path().join("out.zip");
    fs::write(&out, b"someone's file").unwrap();
    let err = t
        .lib
        .as_owner()
        .export_zip(&sel, &out, Existing::Refuse, &CancelToken::new())
        .unwrap_err();
    assert_eq!(err.code(), "destination_exists", "{err}");
    assert_eq!(fs::read(&out).unwrap(), b"someone's file");
    t.lib
        .as_owner()
        .export_zip(&sel, &out, Existing::Replace, &CancelToken::new())
        .unwrap();
    assert!(fs::read(&out).unwrap().starts_with(b"PK"));

    let catalog = t.lib.layout().catalog();
    let before = fs::metadata(&catalog).unwrap().len();
    for inside in [catalog.clone(), t.lib.layout().originals().join("x.zip")] {
        for existing in [Existing::Refuse, Existing::Replace] {
            let err = t
                .lib
                .as_owner()
                .export_zip(&sel, &inside, existing, &CancelToken::new())
                .unwrap_err();
            assert_eq!(err.code(), "destination_inside_library", "{err}");
        }
    }
    assert_eq!(fs::metadata(&catalog).unwrap().len(), before);
    // A link elsewhere that points into the library is inside it too.
    let link = t.dir.path().join("sneaky.zip");
    std::os::unix::fs::symlink(&catalog, &link).unwrap();
    let err = t
        .lib
        .as_owner()
        .export_zip(&sel, &link, Existing::Replace, &CancelToken::new())
        .unwrap_err();
    assert_eq!(err.code(), "destination_inside_library", "{err}");
    let err = t
        .lib
        .as_owner()
        .export_zip(
            &sel,
            Path::new("/dev/null"),
            Existing::Replace,
            &CancelToken::new(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("not a regular file"), "{err}");
    assert_eq!(t.count(AssetQuery::default()), 2, "the catalog still works");
}

#[test]
fn a_huge_file_with_an_image_header_is_one_failed_file() {
    // Defect 3: a 64 GiB sparse "JPEG" aborted the process (allocation failure).
    let t = TestLibrary::new();
    t.write("ok.jpg", &jpeg(40, 30, 1));
    let huge = t.input().join("huge.jpg");
    let f = fs::File::create(&huge).unwrap();
    std::io::Write::write_all(&mut &f, &jpeg(40, 30, 2)[..64]).unwrap();
    f.set_len(64 << 30).unwrap();
    let r = t.import(&in_place());
    assert_eq!(r.imported.len(), 1, "{r:?}");
    assert_eq!(r.failed.len(), 1);
    assert_eq!(r.failed[0].path, huge);
    assert!(r.failed[0].reason.contains("too large"), "{}", r.failed[0].reason);
}

#[test]
fn file_names_that_are_not_utf8_are_kept_as_the_os_gives_them() {
    // Defect 4: the JSON report panicked, the path was stored lossily, then reconcile marked
    // the asset missing, export couldn't find it and sidecars were never written.
    let t = TestLibrary::new();
    let name = OsString::from_vec(b"caf\xe9 \xff.jpg".to_vec());
    let path = t.input().join(&name);
    fs::write(&path, jpeg(40, 30, 3)).unwrap();
    let r = t.import(&in_place());
    assert_eq!(r.imported.len(), 1, "{r:?}");
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("caf\u{fffd} \u{fffd}.jpg"), "{json}");
    let id = r.imported[0].id;
    assert_eq!(t.lib.as_owner().show(id).unwrap().path, path);

    let rec = t.lib.reconcile(&CancelToken::new(), &None).unwrap();
    assert!(rec.missing.is_empty(), "{rec:?}");
    let out = t.dir.path().join("out.zip");
    let e = t
        .lib
        .as_owner()
        .export_zip(&ids(&[id]), &out, Existing::Refuse, &CancelToken::new())
        .unwrap();
    assert_eq!(e.written.len(), 1, "{e:?}");
    assert!(e.failed.is_empty());
    t.lib
        .as_owner()
        .rate(&ids(&[id]), atelier_domain::Rating::new(4).unwrap())
        .unwrap();
    let s = t.lib.write_sidecars().unwrap();
    assert!(s.failed.is_empty(), "{s:?}");
    let mut sidecar = name.clone();
    sidecar.push(".xmp");
    let written = fs::read_to_string(t.input().join(sidecar)).unwrap();
    assert!(written.contains(">4</xmp:Rating>"), "{written}");
}

#[test]
fn processes_opening_a_new_library_at_once_all_succeed() {
    // Defect 5: one of two processes failed in 18 of 20 tries ("table user already exists",
    // "duplicate column name", a spurious not_a_library).
    for _ in 0..10 {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("library");
        let barrier = Arc::new(Barrier::new(3));
        let opens: Vec<_> = (0..3)
            .map(|_| {
                let (root, barrier) = (root.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    Library::open(&root).map(|_| ()).map_err(|e| e.to_string())
                })
            })
            .collect();
        for o in opens {
            o.join().unwrap().unwrap();
        }
        let lib = Library::open(&root).unwrap();
        assert_eq!(lib.as_owner().project_list().unwrap().len(), 1, "one Inbox");
    }
}

#[test]
fn an_empty_catalog_beside_managed_files_is_refused() {
    // Defect 7: a 0-byte catalog.db opened as a new, empty library while originals/ held the
    // managed files.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("library");
    let src = dir.path().join("in");
    fs::create_dir_all(&src).unwrap();
    fs::write(src.join("a.jpg"), jpeg(30, 20, 5)).unwrap();
    {
        let lib = open(&root);
        lib.as_owner()
            .import(&[src], &copy(), &CancelToken::new(), &None)
            .unwrap();
    }
    for leftover in ["catalog.db-wal", "catalog.db-shm"] {
        let _ = fs::remove_file(root.join(leftover));
    }
    fs::write(root.join("catalog.db"), b"").unwrap();
    let err = Library::open(&root).err().unwrap();
    assert_eq!(err.code(), "catalog_lost", "{err}");
    assert!(err.to_string().contains("Restore catalog.db"), "{err}");
    assert_eq!(
        fs::metadata(root.join("catalog.db")).unwrap().len(),
        0,
        "nothing written"
    );
    fs::remove_file(root.join("catalog.db")).unwrap();
    assert_eq!(Library::open(&root).err().unwrap().code(), "catalog_lost");
}

#[test]
fn writes_stop_loudly_when_the_write_ahead_log_is_deleted_under_us() {
    // Defect 9: deleting catalog.db-wal under `serve` lost writes silently while it answered.
    let t = TestLibrary::new();
    let made = t.photos("w", 1, &in_place());
    let mut wal = t.lib.layout().catalog().into_os_string();
    wal.push("-wal");
    fs::remove_file(PathBuf::from(wal)).unwrap();
    let err = t
        .lib
        .as_owner()
        .rate(&ids(&made), atelier_domain::Rating::new(3).unwrap())
        .unwrap_err();
    assert_eq!(err.code(), "catalog_files_gone", "{err}");
    assert!(err.to_string().contains("start it again"), "{err}");
}

#[test]
fn merging_a_duplicate_into_a_stack_keeps_stacks_whole() {
    // Defect 10: "stack" moved the JPEG of a RAW+JPEG stack under the kept asset and left its
    // RAW behind as a new duplicate group.
    let t = TestLibrary::new();
    let made = t.photos("m", 3, &in_place());
    let (keep, jpeg_cover, raw) = (made[0], made[1], made[2]);
    t.lib
        .as_owner()
        .stack(&[jpeg_cover, raw], Some(jpeg_cover))
        .unwrap();
    let r = t
        .lib
        .as_owner()
        .merge_duplicates(keep, &[jpeg_cover], Dispose::Stack)
        .unwrap();
    assert!(r.disposed.failed.is_empty(), "{r:?}");
    let stack = t.lib.as_owner().show(keep).unwrap().detail.stack;
    assert_eq!(stack.len(), 3, "the RAW came along: {stack:?}");
    assert_eq!(stack[0], keep);
    assert_eq!(t.count(AssetQuery::default()), 1, "one card");
    t.assert_consistent();
}

#[test]
fn a_renamed_asset_keeps_the_extension_of_its_content() {
    // Defect 11: "Falcon hero" made downloads and zip entries without an extension.
    let t = TestLibrary::new();
    t.write("falcon_edit.jpg", &jpeg(40, 30, 7));
    let id = t.import(&in_place()).imported[0].id;
    t.lib.as_owner().rename_asset(id, "Falcon hero").unwrap();
    assert_eq!(
        t.lib.as_owner().show(id).unwrap().detail.summary.name,
        "Falcon hero.jpg"
    );
    let out = t.dir.path().join("x.zip");
    let e = t
        .lib
        .as_owner()
        .export_zip(&ids(&[id]), &out, Existing::Refuse, &CancelToken::new())
        .unwrap();
    assert_eq!(e.written, ["Falcon hero.jpg"]);
    let err = t.lib.as_owner().rename_asset(id, &"x".repeat(253)).unwrap_err();
    assert_eq!(err.code(), "invalid_name");
    assert_eq!(
        t.lib.as_owner().show(id).unwrap().detail.summary.name,
        "Falcon hero.jpg",
        "unchanged"
    );
}

#[test]
fn a_model_imported_as_a_copy_lives_in_the_library() {
    // Defect 12: a model uploaded from the browser pointed at the upload's deleted spool, and a
    // later import of the real file was skipped as its duplicate.
    let t = TestLibrary::new();
    let header = serde_json::to_vec(&serde_json::json!({"__metadata__": {"ss_output_name": "ink"}})).unwrap();
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend(&header);
    bytes.extend(b"tensor bytes");
    let spool = t.write("spool/ink.safetensors", &bytes);
    let r = t
        .lib
        .as_owner()
        .import(
            &[spool.parent().unwrap().to_path_buf()],
            &copy(),
            &CancelToken::new(),
            &None,
        )
        .unwrap();
    assert_eq!(r.models.len(), 1, "{r:?}");
    fs::remove_dir_all(spool.parent().unwrap()).unwrap();
    let models = t.lib.as_owner().models(None).unwrap();
    assert_eq!(models.len(), 1);
    let kept = PathBuf::from(&models[0].path);
    assert!(kept.starts_with(t.lib.layout().originals()), "{}", kept.display());
    assert_eq!(fs::read(&kept).unwrap(), bytes);
    // The same model again: already in the library, where it really is.
    let again = t.write("again/ink.safetensors", &bytes);
    let r = t
        .lib
        .as_owner()
        .import(
            &[again.parent().unwrap().to_path_buf()],
            &copy(),
            &CancelToken::new(),
            &None,
        )
        .unwrap();
    assert!(r.models.is_empty());
    assert!(r.skipped[0].reason.contains("already in the library"), "{r:?}");
    assert_eq!(
        fs::read_dir(kept.parent().unwrap()).unwrap().count(),
        1,
        "no stray copy"
    );
}

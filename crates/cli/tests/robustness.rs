//! Regressions through the real binary for defects that need a real process and a real file
//! system (issue 10): a disk that fills up during `import --copy`, and a library on a full disk.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::io::Cursor;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// A JPEG of noise (it doesn't compress: `side`² × 3 bytes or so).
fn noise_jpeg(side: u32, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let img = image::RgbImage::from_fn(side, side, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let [a, b, c, _] = state.to_le_bytes();
        image::Rgb([a, b, c])
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .unwrap();
    out
}

/// Runs `script` with `sh` in a mount namespace of its own, where it may mount a small tmpfs;
/// `None` (and a message) where this machine doesn't allow that.
fn in_own_mounts(script: &str) -> Option<std::process::Output> {
    let probe = Command::new("unshare")
        .args([
            "-m",
            "sh",
            "-c",
            "d=$(mktemp -d) && mount -t tmpfs -o size=1m tmpfs \"$d\" && umount \"$d\"",
        ])
        .output();
    match probe {
        Ok(o) if o.status.success() => {}
        _ => {
            eprintln!("skipping: this machine can't mount a tmpfs in a private mount namespace (needs root)");
            return None;
        }
    }
    Some(
        Command::new("unshare")
            .args(["-m", "sh", "-c", script])
            .output()
            .unwrap(),
    )
}

#[test]
fn two_copy_imports_of_one_folder_at_once_lose_no_file() {
    // Defect 1: the loser of the race deleted "its" copy, which the winner had reused and
    // committed: 72–206 of 306 assets ended with no file in originals/.
    let dir = tempfile::tempdir().unwrap();
    let photos = dir.path().join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    for i in 0..150 {
        std::fs::write(photos.join(format!("IMG_{i:04}.jpg")), noise_jpeg(48, i)).unwrap();
    }
    let bin = env!("CARGO_BIN_EXE_atelier");
    for round in 0..3 {
        let lib = dir.path().join(format!("library-{round}"));
        let run = |args: &[&str]| {
            Command::new(bin)
                .arg("--library")
                .arg(&lib)
                .args(args)
                .output()
                .unwrap()
        };
        assert!(run(&["search"]).status.success(), "the library exists first");
        let imports: Vec<_> = (0..2)
            .map(|_| {
                Command::new(bin)
                    .arg("--library")
                    .arg(&lib)
                    .args(["import", "--copy", "--json"])
                    .arg(&photos)
                    .stdout(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for i in imports {
            assert!(i.wait_with_output().unwrap().status.success());
        }
        let page: Value =
            serde_json::from_slice(&run(&["search", "--limit", "1000", "--json"]).stdout).unwrap();
        assert_eq!(page["total"], 150);
        let mut lost = Vec::new();
        for item in page["items"].as_array().unwrap() {
            let detail: Value =
                serde_json::from_slice(&run(&["show", item["id"].as_str().unwrap(), "--json"]).stdout)
                    .unwrap();
            let path = detail["path"].as_str().unwrap().to_string();
            if !Path::new(&path).is_file() {
                lost.push(path);
            }
        }
        assert!(
            lost.is_empty(),
            "round {round}: {} assets have no file: {lost:?}",
            lost.len()
        );
        assert_eq!(walk(&lib.join("originals")).len(), 150, "and no stray copies");
    }
}

/// Regular files below `dir`, its `.tmp` left out.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() && e.file_name() != ".tmp" {
                todo.push(p);
            } else if p.is_file() {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn a_disk_that_fills_up_during_copy_is_reported_per_file_and_leaves_no_orphans() {
    // Defect 6: the import stopped with no report and left verified copies orphaned; on the
    // full disk even reads failed with "disk I/O error".
    let dir = tempfile::tempdir().unwrap();
    let (first, photos) = (dir.path().join("first"), dir.path().join("photos"));
    std::fs::create_dir_all(&first).unwrap();
    std::fs::create_dir_all(&photos).unwrap();
    for i in 0..5 {
        std::fs::write(first.join(format!("first-{i:02}.jpg")), noise_jpeg(120, 100 + i)).unwrap();
    }
    for i in 0..40 {
        std::fs::write(photos.join(format!("noise-{i:02}.jpg")), noise_jpeg(260, i)).unwrap();
    }
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let bin = env!("CARGO_BIN_EXE_atelier");
    let script = format!(
        r#"set -u
full="{out}/full"; mkdir -p "$full"
mount -t tmpfs -o size=4m tmpfs "$full" || exit 90
lib="$full/lib"
"{bin}" --library "$lib" import --copy "{first}" --json > "{out}/first.json" 2> "{out}/first.err" || exit 91
"{bin}" --library "$lib" import --copy "{photos}" --json > "{out}/import.json" 2> "{out}/import.err"
echo $? > "{out}/import.rc"
find "$lib/originals" -type f -not -path '*/.tmp/*' | wc -l > "{out}/originals.count"
dd if=/dev/zero of="$full/filler" bs=4096 2>/dev/null
"{bin}" --library "$lib" search --json > "{out}/search.json" 2> "{out}/search.err"
echo $? > "{out}/search.rc"
"{bin}" --library "$lib" rate 3 --all --json > /dev/null 2> "{out}/rate.err"
echo $? > "{out}/rate.rc"
"#,
        out = out.display(),
        bin = bin,
        first = first.display(),
        photos = photos.display()
    );
    let Some(run) = in_own_mounts(&script) else { return };
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    let report: Value = serde_json::from_str(&read("import.json"))
        .unwrap_or_else(|e| panic!("no report ({e}): {}", read("import.err")));
    let imported = report["imported"].as_u64().unwrap();
    let failed = report["failed"].as_array().unwrap();
    assert!(!failed.is_empty(), "4 MB can't hold 40 noisy photos: {report}");
    assert_eq!(
        imported + failed.len() as u64 + report["duplicates"].as_u64().unwrap(),
        40,
        "every file is accounted for: {report}"
    );
    assert_ne!(
        read("import.rc").trim(),
        "0",
        "an import that couldn't finish says so"
    );
    let imported = imported + 5;
    for f in failed {
        let reason = f["reason"].as_str().unwrap();
        assert!(
            reason.contains("No space left") || reason.contains("disk is full"),
            "{reason}"
        );
    }
    assert_eq!(
        read("originals.count").trim().parse::<u64>().unwrap(),
        imported,
        "every copy in originals/ belongs to an asset"
    );
    // With the disk 100 % full: reading still works; writing says the disk is full.
    assert_eq!(read("search.rc").trim(), "0", "{}", read("search.err"));
    let page: Value = serde_json::from_str(&read("search.json")).unwrap();
    assert_eq!(page["total"].as_u64().unwrap(), imported);
    assert_ne!(read("rate.rc").trim(), "0");
    assert!(read("rate.err").contains("disk_full"), "{}", read("rate.err"));
}

#[test]
fn a_library_on_read_only_media_can_still_be_searched() {
    // Defect 13: a read-only library couldn't even be searched.
    let dir = tempfile::tempdir().unwrap();
    let photos = dir.path().join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    for i in 0..3 {
        std::fs::write(photos.join(format!("p{i}.jpg")), noise_jpeg(64, i)).unwrap();
    }
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let bin = env!("CARGO_BIN_EXE_atelier");
    let script = format!(
        r#"set -u
media="{out}/media"; mkdir -p "$media"
mount -t tmpfs -o size=16m tmpfs "$media" || exit 90
"{bin}" --library "$media/lib" import --copy "{photos}" --json > /dev/null || exit 91
mount -o remount,ro "$media" || exit 92
"{bin}" --library "$media/lib" search --json > "{out}/search.json" 2> "{out}/search.err"
echo $? > "{out}/search.rc"
"{bin}" --library "$media/lib" rate 3 --all > /dev/null 2> "{out}/rate.err"
echo $? > "{out}/rate.rc"
"#,
        out = out.display(),
        photos = photos.display()
    );
    let Some(run) = in_own_mounts(&script) else { return };
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    assert_eq!(read("search.rc").trim(), "0", "{}", read("search.err"));
    let page: Value = serde_json::from_str(&read("search.json")).unwrap();
    assert_eq!(page["total"], 3);
    assert_ne!(read("rate.rc").trim(), "0");
    assert!(
        read("rate.err").contains("library_read_only"),
        "{}",
        read("rate.err")
    );
}

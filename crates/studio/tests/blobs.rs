//! The blob store, one suite run against both stores — the embedded folder and S3 (SeaweedFS
//! from scripts/services.sh; `atelier_studio::blobs::testing`, skipped with a note when no store
//! is configured, failing when ATELIER_REQUIRE_SERVICES=1) —: round trips, wrong hashes refused
//! with nothing stored, a ~12 MB multipart upload verified whole, one whose bytes don't match
//! leaving nothing visible, ranges, head and delete, and the start-up check. Then the real
//! binary: `init` and `serve` with `--blob-url`, and what `--blob-url` refuses.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use atelier_domain::ErrorCode;
use atelier_studio::blobs::testing::TestBucket;
use atelier_studio::blobs::{BlobError, BlobLocation, Blobs, ContentHash};
use bytes::Bytes;
use futures_util::StreamExt as _;

/// One store under test, and what keeps it alive.
struct Store {
    blobs: Blobs,
    at: Backend,
}

enum Backend {
    Local(tempfile::TempDir),
    S3(TestBucket),
}

impl Store {
    fn local() -> Store {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(&BlobLocation::embedded(dir.path())).unwrap();
        Store {
            blobs,
            at: Backend::Local(dir),
        }
    }

    fn s3() -> Option<Store> {
        let bucket = TestBucket::new()?;
        Some(Store {
            blobs: bucket.blobs(),
            at: Backend::S3(bucket),
        })
    }

    /// Another handle on the same store (as another studio process would open it).
    fn again(&self) -> Blobs {
        match &self.at {
            Backend::Local(dir) => Blobs::open(&BlobLocation::embedded(dir.path())).unwrap(),
            Backend::S3(bucket) => bucket.blobs(),
        }
    }

    /// Everything anyone could see in the store, read around `Blobs`: files (staging files of
    /// the local store included) or objects, as keys under the store's root.
    async fn visible(&self) -> Vec<String> {
        match &self.at {
            Backend::Local(dir) => {
                let root = dir.path().join("blobs");
                let mut files = Vec::new();
                walk(&root, &root, &mut files);
                files.sort();
                files
            }
            Backend::S3(bucket) => bucket
                .objects()
                .await
                .into_iter()
                .map(|k| k.strip_prefix("blobs/").map(str::to_string).unwrap_or(k))
                .collect(),
        }
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(root, &path, out);
        } else {
            out.push(path.strip_prefix(root).unwrap().to_string_lossy().into_owned());
        }
    }
}

fn key(hash: &ContentHash) -> String {
    let hex = hash.to_string();
    format!("{}/{}/{hex}", &hex[0..2], &hex[2..4])
}

/// `n` bytes that don't repeat (a xorshift sequence from `seed`), so that a part out of place
/// or a byte lost changes the hash.
fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// `data` as a body arriving in uneven chunks, as a network delivers it.
fn chunked(data: &[u8]) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + use<> {
    let mut chunks = Vec::new();
    let mut at = 0;
    let sizes = [65_536, 1, 100_003, 16_384, 1_048_576];
    for size in sizes.iter().cycle() {
        if at >= data.len() {
            break;
        }
        let end = (at + size).min(data.len());
        chunks.push(Ok(Bytes::copy_from_slice(&data[at..end])));
        at = end;
    }
    futures_util::stream::iter(chunks)
}

/// Each suite function runs once per store: `NAME::local` and `NAME::s3`.
macro_rules! on_both_stores {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn local() {
                super::$name(super::Store::local()).await;
            }

            #[tokio::test]
            async fn s3() {
                if let Some(store) = super::Store::s3() {
                    super::$name(store).await;
                }
            }
        }
    )+};
}

on_both_stores!(
    round_trip,
    a_wrong_hash_is_refused_and_nothing_is_stored,
    a_large_stream_goes_up_in_parts_and_is_verified_whole,
    a_multipart_upload_that_does_not_match_leaves_nothing_visible,
    ranges,
    head_and_delete,
    the_check_passes_and_leaves_nothing_behind,
    the_link_key_is_made_once_and_kept,
);

/// The public links' key (docs/decisions/0017): made by whichever process asks first, the
/// same for every process on the store, kept across restarts.
async fn the_link_key_is_made_once_and_kept(s: Store) {
    let other = s.again();
    let (a, b) = tokio::join!(s.blobs.link_key(), other.link_key());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a, b, "two processes asking at once agree on one key");
    assert_ne!(a, [0u8; 32]);
    assert_eq!(s.again().link_key().await.unwrap(), a, "kept");
}

async fn round_trip(s: Store) {
    let bytes = Bytes::from_static(b"a small rendition");
    let hash = ContentHash::of(&bytes);
    s.blobs.put(&hash, bytes.clone()).await.unwrap();
    let read = s.blobs.get(&hash).await.unwrap();
    assert_eq!(read.size, bytes.len() as u64);
    assert_eq!(read.range, 0..bytes.len() as u64);
    assert_eq!(read.bytes().await.unwrap(), bytes);
    // The same blob again is harmless.
    s.blobs.put(&hash, bytes.clone()).await.unwrap();
    // As a stream, in chunks.
    let mut stream = s.blobs.get(&hash).await.unwrap().into_stream();
    let mut streamed = Vec::new();
    while let Some(chunk) = stream.next().await {
        streamed.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(streamed, bytes);
    // A small stream is one put.
    let other = Bytes::from(noise(1000, 7));
    let other_hash = ContentHash::of(&other);
    let size = s.blobs.put_stream(&other_hash, chunked(&other)).await.unwrap();
    assert_eq!(size, 1000);
    assert_eq!(
        s.blobs.get(&other_hash).await.unwrap().bytes().await.unwrap(),
        other
    );
    // An empty blob is a blob.
    let empty = ContentHash::of(b"");
    assert_eq!(
        s.blobs
            .put_stream(
                &empty,
                futures_util::stream::empty::<Result<Bytes, std::io::Error>>()
            )
            .await
            .unwrap(),
        0
    );
    assert_eq!(s.blobs.head(&empty).await.unwrap(), Some(0));
    let mut keys = vec![key(&hash), key(&other_hash), key(&empty)];
    keys.sort();
    assert_eq!(s.visible().await, keys);
}

async fn a_wrong_hash_is_refused_and_nothing_is_stored(s: Store) {
    let bytes = Bytes::from_static(b"what was sent");
    let claimed = ContentHash::of(b"what was said");
    let e = s.blobs.put(&claimed, bytes.clone()).await.unwrap_err();
    assert!(
        matches!(e, BlobError::HashMismatch { expected, actual } if expected == claimed && actual == ContentHash::of(&bytes)),
        "{e:?}"
    );
    assert_eq!(e.code(), ErrorCode::BadUpload);
    assert!(e.to_string().contains("nothing was stored"), "{e}");
    let e = s.blobs.put_stream(&claimed, chunked(&bytes)).await.unwrap_err();
    assert!(matches!(e, BlobError::HashMismatch { .. }), "{e:?}");
    assert_eq!(s.blobs.head(&claimed).await.unwrap(), None);
    assert_eq!(s.blobs.head(&ContentHash::of(&bytes)).await.unwrap(), None);
    assert!(matches!(
        s.blobs.get(&claimed).await.unwrap_err(),
        BlobError::NotFound(h) if h == claimed
    ));
    assert_eq!(s.visible().await, Vec::<String>::new());
    // A hash that isn't one never reaches the store.
    let e = "../../studio.db".parse::<ContentHash>().unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidId);
}

/// About 12 MB: a part and a half of 8 MiB, streamed in uneven chunks.
const LARGE: usize = 12_000_000;

async fn a_large_stream_goes_up_in_parts_and_is_verified_whole(s: Store) {
    let data = noise(LARGE, 42);
    let hash = ContentHash::of(&data);
    let size = s.blobs.put_stream(&hash, chunked(&data)).await.unwrap();
    assert_eq!(size, LARGE as u64);
    assert_eq!(s.blobs.head(&hash).await.unwrap(), Some(LARGE as u64));
    let read = s.blobs.get(&hash).await.unwrap();
    assert_eq!(read.size, LARGE as u64);
    let got = read.bytes().await.unwrap();
    assert_eq!(
        ContentHash::of(&got),
        hash,
        "the bytes read back are the bytes sent"
    );
    // A range across the boundary of the first two parts.
    let boundary = 8 * 1024 * 1024;
    let across = s
        .blobs
        .get_range(&hash, boundary - 10..boundary + 10)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&across[..], &data[boundary as usize - 10..boundary as usize + 10]);
    // One object, no staging leftovers.
    assert_eq!(s.visible().await, vec![key(&hash)]);
}

async fn a_multipart_upload_that_does_not_match_leaves_nothing_visible(s: Store) {
    let data = noise(LARGE, 43);
    let mut altered = data.clone();
    // One byte changed in the last part, after the first part has gone up.
    altered[LARGE - 5] ^= 0x01;
    let claimed = ContentHash::of(&data);
    let e = s.blobs.put_stream(&claimed, chunked(&altered)).await.unwrap_err();
    assert!(
        matches!(e, BlobError::HashMismatch { expected, actual } if expected == claimed && actual == ContentHash::of(&altered)),
        "{e:?}"
    );
    assert_eq!(e.code(), ErrorCode::BadUpload);
    assert_eq!(s.blobs.head(&claimed).await.unwrap(), None);
    assert_eq!(s.visible().await, Vec::<String>::new());

    // A body that breaks off half-way: refused, nothing visible either.
    let head = Bytes::copy_from_slice(&data[..9_000_000]);
    let broken = futures_util::stream::iter(vec![
        Ok(head),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "the client went away",
        )),
    ]);
    let e = s.blobs.put_stream(&claimed, broken).await.unwrap_err();
    assert!(matches!(e, BlobError::Source(_)), "{e:?}");
    assert!(e.to_string().contains("the client went away"), "{e}");
    assert_eq!(s.blobs.head(&claimed).await.unwrap(), None);
    assert_eq!(s.visible().await, Vec::<String>::new());

    // The right bytes then go up under that hash.
    s.blobs.put_stream(&claimed, chunked(&data)).await.unwrap();
    assert_eq!(s.visible().await, vec![key(&claimed)]);
}

async fn ranges(s: Store) {
    let data = Bytes::from(noise(1000, 9));
    let hash = ContentHash::of(&data);
    s.blobs.put(&hash, data.clone()).await.unwrap();
    let read = s.blobs.get_range(&hash, 10..20).await.unwrap();
    assert_eq!((read.size, read.range.clone()), (1000, 10..20));
    assert_eq!(read.bytes().await.unwrap(), data.slice(10..20));
    // Past the end stops at the end, as HTTP ranges do.
    let read = s.blobs.get_range(&hash, 990..5000).await.unwrap();
    assert_eq!(read.range, 990..1000);
    assert_eq!(read.bytes().await.unwrap(), data.slice(990..));
    let whole = s.blobs.get_range(&hash, 0..1000).await.unwrap();
    assert_eq!(whole.bytes().await.unwrap(), data);
    // Starting at or past the end, or empty: refused, saying the size.
    for bad in [1000..1001, 2000..3000, 5..5] {
        let e = s.blobs.get_range(&hash, bad.clone()).await.unwrap_err();
        assert!(
            matches!(e, BlobError::BadRange { size: 1000, start, end, .. } if start == bad.start && end == bad.end),
            "{bad:?}: {e:?}"
        );
    }
    let missing = ContentHash::of(b"missing");
    assert!(matches!(
        s.blobs.get_range(&missing, 0..10).await.unwrap_err(),
        BlobError::NotFound(_)
    ));
}

async fn head_and_delete(s: Store) {
    let bytes = Bytes::from_static(b"to be deleted");
    let hash = ContentHash::of(&bytes);
    assert_eq!(s.blobs.head(&hash).await.unwrap(), None);
    s.blobs.put(&hash, bytes.clone()).await.unwrap();
    assert_eq!(s.blobs.head(&hash).await.unwrap(), Some(bytes.len() as u64));
    s.blobs.delete(&hash).await.unwrap();
    assert_eq!(s.blobs.head(&hash).await.unwrap(), None);
    let e = s.blobs.get(&hash).await.unwrap_err();
    assert!(matches!(e, BlobError::NotFound(h) if h == hash), "{e:?}");
    assert_eq!(e.code(), ErrorCode::NotFound);
    // Deleting what isn't there is not an error (a retried delete).
    s.blobs.delete(&hash).await.unwrap();
    assert_eq!(s.visible().await, Vec::<String>::new());
}

async fn the_check_passes_and_leaves_nothing_behind(s: Store) {
    s.blobs.check().await.unwrap();
    assert_eq!(s.visible().await, Vec::<String>::new());
}

#[tokio::test]
async fn the_check_fails_clearly_on_a_bucket_that_does_not_exist() {
    let Some(bucket) = TestBucket::new() else {
        return;
    };
    let name = format!(
        "atelier-missing-{}",
        &uuid::Uuid::now_v7().simple().to_string()[20..]
    );
    let missing = bucket.in_bucket(&name);
    let blobs = missing.blobs();
    let e = blobs.check().await.unwrap_err();
    assert!(matches!(e, BlobError::Check { .. }), "{e:?}");
    assert_eq!(e.code(), ErrorCode::StorageError);
    let message = e.to_string();
    assert!(message.contains(&format!("s3://{name}/")), "{message}");
    assert!(
        message.contains("listing the blob folder: the bucket does not exist"),
        "{message}"
    );
    assert!(message.contains("Check that the bucket exists"), "{message}");
    // Nothing was made on the way: the bucket still doesn't exist.
    assert!(missing.blobs().check().await.is_err());
}

#[tokio::test]
async fn the_local_store_refuses_a_folder_it_cannot_make() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a file");
    std::fs::write(&file, b"not a folder").unwrap();
    let e = Blobs::open(&BlobLocation::embedded(&file)).unwrap_err();
    assert!(matches!(e, BlobError::Config { .. }), "{e:?}");
    assert!(e.to_string().contains("can't create the folder"), "{e}");
    assert_eq!(e.code(), ErrorCode::StorageError);
}

#[test]
fn plain_http_is_only_for_this_machine_and_a_store_needs_keys() {
    let at = BlobLocation::parse_url("s3://atelier-test/p").unwrap();
    let access = |endpoint: &str, keys: bool| atelier_studio::blobs::S3Access {
        endpoint: Some(endpoint.to_string()),
        region: None,
        access_key_id: keys.then(|| "k".to_string()),
        secret_access_key: keys.then(|| "s".to_string()),
    };
    assert!(Blobs::open_with(&at, &access("http://127.0.0.1:9", true)).is_ok());
    assert!(Blobs::open_with(&at, &access("https://s3.example.com", true)).is_ok());
    if std::env::var_os("AWS_ALLOW_HTTP").is_none() {
        let e = Blobs::open_with(&at, &access("http://s3.example.com", true)).unwrap_err();
        assert!(e.to_string().contains("plain HTTP"), "{e}");
    }
    if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() && std::env::var_os("AWS_SKIP_SIGNATURE").is_none() {
        let e = Blobs::open_with(&at, &access("http://127.0.0.1:9", false)).unwrap_err();
        assert!(e.to_string().contains("AWS_ACCESS_KEY_ID"), "{e}");
    }
    // Credentials never show, even in Debug.
    assert!(!format!("{:?}", access("http://127.0.0.1:9", true)).contains("\"s\""));
}

// The real binary.

/// `atelier-studio ARGS…` with `env`, the password on stdin; nothing inherited that would
/// point it at another store or database.
fn studio(args: &[&str], env: &[(&str, String)]) -> Output {
    let mut child = command(args, env).stdin(Stdio::piped()).spawn().unwrap();
    // A refused command may exit before reading its stdin: a broken pipe is not the failure.
    let _ = writeln!(child.stdin.take().unwrap(), "a long owner password");
    child.wait_with_output().unwrap()
}

fn command(args: &[&str], env: &[(&str, String)]) -> Command {
    let mut cmd = Command::new(common::BIN);
    cmd.args(args)
        .env_remove("ATELIER_STUDIO_DATABASE_URL")
        .env_remove("ATELIER_STUDIO_BLOB_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("AWS_")) {
        cmd.env_remove(k);
    }
    // After the removals: the last word on a variable wins.
    cmd.envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    cmd
}

fn init_args(data: &Path) -> Vec<String> {
    [
        "init",
        "--data",
        &data.to_string_lossy(),
        "--owner",
        "olive@studio.test",
        "--name",
        "Olive Owner",
        "--password-stdin",
    ]
    .into_iter()
    .map(str::to_string)
    .collect()
}

/// `serve` on port 0 with `extra` arguments; the URL it prints once it accepts connections.
fn serve(data: &Path, extra: &[&str], env: &[(&str, String)]) -> (common::Server, String) {
    let data = data.to_string_lossy();
    let mut args = vec!["serve", "--data", &data, "--listen", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    let mut child = command(&args, env).stderr(Stdio::null()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let server = common::Server(child);
    let line = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("serve printed nothing");
    let url = line
        .trim()
        .strip_prefix("Atelier studio is serving at ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_string();
    (server, url)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn init_and_serve_on_a_bucket() {
    let Some(bucket) = TestBucket::new() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("studio");
    let url = format!("s3://{}/{}", bucket.bucket, bucket.prefix);

    // A bucket that doesn't exist stops init before anything is created.
    let missing = format!(
        "s3://atelier-missing-{}/x",
        &uuid::Uuid::now_v7().simple().to_string()[20..]
    );
    let mut args = init_args(&data);
    args.extend(["--blob-url".to_string(), missing.clone()]);
    let out = studio(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        &bucket.env(),
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains(&missing) && err.contains("start-up check"), "{err}");
    assert!(!data.exists(), "a refused init created {}", data.display());

    let mut args = init_args(&data);
    args.extend(["--blob-url".to_string(), url.clone()]);
    let out = studio(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        &bucket.env(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("--blob-url {url}")),
        "{}",
        text(&out.stdout)
    );
    // The blobs are in the bucket, not the folder; the check left nothing in either.
    assert!(!data.join("blobs").exists());
    assert_eq!(bucket.objects().await, Vec::<String>::new());

    let (_server, served) = serve(&data, &["--blob-url", &url], &bucket.env());
    assert!(served.starts_with("http://127.0.0.1:"), "{served}");
    // The same through the environment.
    let (_server, _) = serve(
        &data,
        &[],
        &[bucket.env(), vec![("ATELIER_STUDIO_BLOB_URL", url.clone())]].concat(),
    );
    assert!(!data.join("blobs").exists());

    // serve stops at start-up on a bucket that can't be used.
    let out = command(
        &[
            "serve",
            "--data",
            &data.to_string_lossy(),
            "--listen",
            "127.0.0.1:0",
            "--blob-url",
            &missing,
        ],
        &bucket.env(),
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("Check that the bucket exists"),
        "{}",
        text(&out.stderr)
    );
    // Keys the store refuses are said as plainly.
    let wrong_keys: Vec<_> = bucket
        .env()
        .into_iter()
        .map(|(k, v)| {
            if k == "AWS_SECRET_ACCESS_KEY" {
                (k, "not the secret".to_string())
            } else {
                (k, v)
            }
        })
        .collect();
    let out = command(
        &[
            "serve",
            "--data",
            &data.to_string_lossy(),
            "--listen",
            "127.0.0.1:0",
            "--blob-url",
            &url,
        ],
        &wrong_keys,
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("the store refused the secret key"),
        "{}",
        text(&out.stderr)
    );
    assert!(!text(&out.stdout).contains("serving at"));
}

#[tokio::test]
async fn init_and_serve_keep_blobs_in_the_data_folder_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("studio");
    let args = init_args(&data);
    let out = studio(&args.iter().map(String::as_str).collect::<Vec<_>>(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let blobs: PathBuf = data.join("blobs");
    assert!(blobs.is_dir());
    assert_eq!(std::fs::read_dir(&blobs).unwrap().count(), 0, "the probe is gone");
    let (_server, served) = serve(&data, &[], &[]);
    assert!(served.starts_with("http://127.0.0.1:"), "{served}");
    assert_eq!(std::fs::read_dir(&blobs).unwrap().count(), 0, "the probe is gone");
}

#[test]
fn blob_url_refuses_anything_but_s3_and_says_what_is_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("studio");
    for bad in ["http://x", "/srv/blobs", "s3://No_Such"] {
        let mut args = init_args(&data);
        args.extend(["--blob-url".to_string(), bad.to_string()]);
        let out = studio(&args.iter().map(String::as_str).collect::<Vec<_>>(), &[]);
        assert!(!out.status.success());
        let err = text(&out.stderr);
        assert!(err.contains("--blob-url") && err.contains(bad), "{err}");
        assert!(err.contains("only s3://BUCKET[/PREFIX] is allowed"), "{err}");
        assert!(!data.exists());

        let out = command(
            &["serve", "--data", &data.to_string_lossy(), "--blob-url", bad],
            &[],
        )
        .output()
        .unwrap();
        assert!(!out.status.success());
        assert!(
            text(&out.stderr).contains("only s3://BUCKET[/PREFIX] is allowed"),
            "{}",
            text(&out.stderr)
        );
    }
    // The environment variable is held to the same rule.
    let out = command(
        &["serve", "--data", &data.to_string_lossy()],
        &[("ATELIER_STUDIO_BLOB_URL", "http://x".to_string())],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("only s3://BUCKET[/PREFIX] is allowed"),
        "{}",
        text(&out.stderr)
    );
}

//! Files on the studio (STUDIO.md §5), through the services on SQLite and PostgreSQL (when a
//! test server is configured), with the blobs in memory and, when a SeaweedFS is configured, in
//! S3: an original goes up in checksummed parts, resumes after a break, is verified whole; a
//! damaged part or a lying hash is refused and stores nothing; who may read it is decided by
//! one rule — an asset of it in a scope they read, created by someone who sent the bytes — so
//! knowing a hash (even naming it in an asset of one's own) grants nothing; renditions follow
//! their original's readers.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use atelier_domain::{BrandRole, ErrorCode, Id as _};
use atelier_protocol::{BlobCheck, PART_SIZE, SyncIntent, UploadStart};
use atelier_studio::blobs::{Blobs, ContentHash};
use bytes::Bytes;
use futures_util::StreamExt as _;

mod common;
use common::team::{Team, applied, new_asset, push, shared, team};

fn noise(len: usize, seed: u8) -> Vec<u8> {
    let mut state = u64::from(seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

async fn read_all(read: atelier_studio::services::files::FileRead) -> Vec<u8> {
    let mut body = read.body;
    let mut out = Vec::new();
    while let Some(chunk) = body.next().await {
        out.extend_from_slice(&chunk.unwrap());
    }
    out
}

fn code<T>(r: Result<T, atelier_studio::services::ServiceError>) -> ErrorCode {
    match r {
        Ok(_) => panic!("expected a refusal"),
        Err(e) => e.code(),
    }
}

fn part(file: &[u8], n: u32) -> Bytes {
    let start = (u64::from(n) * PART_SIZE) as usize;
    let end = (start + PART_SIZE as usize).min(file.len());
    Bytes::copy_from_slice(&file[start..end])
}

fn hash_of(bytes: &[u8]) -> String {
    ContentHash::of(bytes).to_string()
}

async fn originals_go_up_in_parts_and_only_their_readers_get_them(t: Team, blobs: Blobs) {
    let s = shared(&t).await;
    // A file of two parts and a bit.
    let file = noise(PART_SIZE as usize * 2 + 1234, 1);
    let hash = hash_of(&file);
    let mut asset = new_asset(s.shoot, s.acme, "big.tif");
    asset.hash = hash.clone();
    asset.bytes = file.len() as u64;
    applied(
        &push(
            &t,
            &t.ana,
            s.ana_lib,
            2,
            vec![SyncIntent::AssetCreate { asset: asset.clone() }],
        )
        .await[0],
    );

    let check = |hashes: Vec<String>| BlobCheck { hashes };
    let needed = t
        .studio
        .blobs_needed(&t.ana, check(vec![hash.clone()]))
        .await
        .unwrap();
    assert_eq!(needed.needed, vec![hash.clone()]);
    // Bo (a Viewer of Acme) can't read it yet: nobody sent the bytes.
    assert_eq!(
        code(t.studio.read_original(&t.bo, &blobs, &hash).await),
        ErrorCode::NotFound
    );

    let start = UploadStart {
        hash: hash.clone(),
        size: file.len() as u64,
    };
    let session = t
        .studio
        .start_upload(&t.ana, &blobs, start.clone())
        .await
        .unwrap();
    assert_eq!((session.parts, session.received.clone()), (3, vec![]));
    let id = session.id.clone();
    // A part damaged on the way (one byte flipped) is refused, and so is a wrong size.
    let mut flipped = part(&file, 0).to_vec();
    flipped[1000] ^= 1;
    let good0 = hash_of(&part(&file, 0));
    let r = t
        .studio
        .put_part(&blobs, &id, 0, &good0, Bytes::from(flipped))
        .await;
    assert_eq!(code(r), ErrorCode::BadUpload);
    let r = t.studio.put_part(&blobs, &id, 2, &good0, part(&file, 0)).await;
    assert_eq!(code(r), ErrorCode::BadUpload);
    let r = t.studio.put_part(&blobs, &id, 3, &good0, part(&file, 0)).await;
    assert_eq!(code(r), ErrorCode::BadUpload);
    let after = t
        .studio
        .put_part(&blobs, &id, 0, &good0, part(&file, 0))
        .await
        .unwrap();
    assert_eq!(after.received, vec![0]);
    // Cut off: starting again (the same or another member) resumes the one session.
    let again = t
        .studio
        .start_upload(&t.admin, &blobs, start.clone())
        .await
        .unwrap();
    assert_eq!((again.id.clone(), again.received), (id.clone(), vec![0]));
    let r = t.studio.complete_upload(&t.ana, &blobs, &id).await;
    assert_eq!(code(r), ErrorCode::UploadIncomplete);
    for n in [2, 1, 1] {
        t.studio
            .put_part(&blobs, &id, n, &hash_of(&part(&file, n)), part(&file, n))
            .await
            .unwrap();
    }
    let done = t.studio.complete_upload(&t.ana, &blobs, &id).await.unwrap();
    assert_eq!((done.hash.clone(), done.size), (hash.clone(), file.len() as u64));
    assert_eq!(
        code(t.studio.complete_upload(&t.ana, &blobs, &id).await),
        ErrorCode::NotFound
    );
    assert!(
        t.studio
            .blobs_needed(&t.ana, check(vec![hash.clone()]))
            .await
            .unwrap()
            .needed
            .is_empty()
    );

    // Readers: Bo (Viewer of Acme) and the Owner get the bytes, whole.
    for who in [&t.bo, &t.owner] {
        assert_eq!(
            read_all(t.studio.read_original(who, &blobs, &hash).await.unwrap()).await,
            file
        );
    }
    // Bo, made a Creator of Beta only, names the same hash in an asset of his own project:
    // that grants him nothing of Acme's file.
    applied(
        &push(
            &t,
            &t.admin,
            s.admin_lib,
            20,
            vec![
                SyncIntent::BrandMember {
                    brand: s.acme,
                    user: t.bo.account.id,
                    role: None,
                },
                SyncIntent::BrandMember {
                    brand: s.beta,
                    user: t.bo.account.id,
                    role: Some(BrandRole::Creator),
                },
            ],
        )
        .await[1],
    );
    let bo_lib = uuid::Uuid::now_v7();
    let his = atelier_domain::ids::ProjectId::new_v7();
    let mut claim = new_asset(his, s.beta, "mine.tif");
    claim.hash = hash.clone();
    let r = push(
        &t,
        &t.bo,
        bo_lib,
        1,
        vec![
            SyncIntent::ProjectShare {
                project: his,
                name: "His".into(),
            },
            SyncIntent::AssetCreate { asset: claim },
        ],
    )
    .await;
    applied(&r[1]);
    assert_eq!(
        code(t.studio.read_original(&t.bo, &blobs, &hash).await),
        ErrorCode::NotFound
    );
    assert_eq!(
        t.studio
            .blobs_needed(&t.bo, check(vec![hash.clone()]))
            .await
            .unwrap()
            .needed,
        vec![hash.clone()]
    );

    // A session whose bytes don't make the file they claim stores nothing and goes: a file of
    // one part is refused as it arrives, one of several when it is completed.
    let start_as_bo = |hash: &str, size: usize| {
        let start = UploadStart {
            hash: hash.to_string(),
            size: size as u64,
        };
        t.studio.start_upload(&t.bo, &blobs, start)
    };
    let other = noise(5000, 2);
    let claimed = hash_of(&noise(5000, 3));
    let lie = start_as_bo(&claimed, 5000).await.unwrap();
    assert_eq!(
        code(
            t.studio
                .put_part(&blobs, &lie.id, 0, &hash_of(&other), Bytes::from(other))
                .await
        ),
        ErrorCode::BadUpload
    );
    assert_eq!(
        code(t.studio.complete_upload(&t.bo, &blobs, &lie.id).await),
        ErrorCode::NotFound
    );
    let other = noise(PART_SIZE as usize + 10, 9);
    let claimed_big = hash_of(&noise(PART_SIZE as usize + 10, 10));
    let lie = start_as_bo(&claimed_big, other.len()).await.unwrap();
    for n in [0, 1] {
        t.studio
            .put_part(&blobs, &lie.id, n, &hash_of(&part(&other, n)), part(&other, n))
            .await
            .unwrap();
    }
    assert_eq!(
        code(t.studio.complete_upload(&t.bo, &blobs, &lie.id).await),
        ErrorCode::BadUpload
    );
    assert_eq!(
        code(t.studio.complete_upload(&t.bo, &blobs, &lie.id).await),
        ErrorCode::NotFound
    );
    let claimed_big = claimed_big.parse::<ContentHash>().unwrap();
    assert_eq!(blobs.head(&claimed_big).await.unwrap(), None, "nothing stored");
    // The one part of a small file damaged on the way: refused, the session stays, and the
    // part sent again is stored.
    let small = noise(4000, 11);
    let small_hash = hash_of(&small);
    let session = start_as_bo(&small_hash, small.len()).await.unwrap();
    let mut flipped = small.clone();
    flipped[10] ^= 1;
    let r = t
        .studio
        .put_part(&blobs, &session.id, 0, &small_hash, Bytes::from(flipped))
        .await;
    assert_eq!(code(r), ErrorCode::BadUpload);
    t.studio
        .put_part(&blobs, &session.id, 0, &small_hash, Bytes::from(small.clone()))
        .await
        .unwrap();
    let done = t
        .studio
        .complete_upload(&t.bo, &blobs, &session.id)
        .await
        .unwrap();
    assert_eq!(done.size, small.len() as u64);
    // Bad input: not a hash, empty and too large files, unknown sessions.
    assert_eq!(code(start_as_bo("abc", 10).await), ErrorCode::InvalidId);
    assert_eq!(code(start_as_bo(&claimed, 0).await), ErrorCode::BadUpload);
    assert_eq!(
        code(start_as_bo(&claimed, 6 << 30).await),
        ErrorCode::LimitReached
    );
    assert_eq!(
        code(t.studio.complete_upload(&t.bo, &blobs, "nope").await),
        ErrorCode::NotFound
    );
    assert_eq!(
        code(t.studio.blobs_needed(&t.bo, check(vec!["x".into()])).await),
        ErrorCode::InvalidId
    );
}

async fn renditions_follow_their_original(t: Team, blobs: Blobs) {
    let s = shared(&t).await;
    let file = noise(3000, 4);
    let hash = hash_of(&file);
    let mut asset = new_asset(s.shoot, s.acme, "a.jpg");
    asset.hash = hash.clone();
    applied(&push(&t, &t.ana, s.ana_lib, 2, vec![SyncIntent::AssetCreate { asset }]).await[0]);
    let thumb = Bytes::from(noise(800, 5));
    // Before the original: nobody holds it, so no rendition either.
    let r = t
        .studio
        .put_rendition(&t.ana, &blobs, &hash, "thumb", "image/jpeg", thumb.clone())
        .await;
    assert_eq!(code(r), ErrorCode::NotFound);
    let session = t
        .studio
        .start_upload(
            &t.ana,
            &blobs,
            UploadStart {
                hash: hash.clone(),
                size: 3000,
            },
        )
        .await
        .unwrap();
    t.studio
        .put_part(&blobs, &session.id, 0, &hash, Bytes::from(file.clone()))
        .await
        .unwrap();
    t.studio
        .complete_upload(&t.ana, &blobs, &session.id)
        .await
        .unwrap();
    let before = t.studio.latest_seq().await.unwrap();
    t.studio
        .put_rendition(&t.ana, &blobs, &hash, "thumb", "image/jpeg", thumb.clone())
        .await
        .unwrap();
    // The asset's row is republished saying the studio has its thumbnail: readers fetch it.
    let page = t.studio.pull(&t.bo, before, None, None).await.unwrap();
    assert!(
        page.rows
            .iter()
            .any(|r| matches!(&r.data, atelier_protocol::SyncData::Asset(a) if a.hash == hash && a.thumb)),
        "{:?}",
        page.rows
    );
    let read = t
        .studio
        .read_rendition(&t.bo, &blobs, &hash, "thumb")
        .await
        .unwrap();
    assert_eq!(read.mime, "image/jpeg");
    assert_eq!(read_all(read).await, thumb.to_vec());
    assert_eq!(
        code(t.studio.read_rendition(&t.bo, &blobs, &hash, "preview").await),
        ErrorCode::NotFound
    );
    // Bad input.
    let r = t
        .studio
        .put_rendition(&t.ana, &blobs, &hash, "poster", "image/jpeg", thumb.clone())
        .await;
    assert_eq!(code(r), ErrorCode::InvalidKind);
    let r = t
        .studio
        .put_rendition(&t.ana, &blobs, &hash, "thumb", "text/html", thumb.clone())
        .await;
    assert_eq!(code(r), ErrorCode::BadUpload);
    let r = t
        .studio
        .put_rendition(&t.ana, &blobs, &hash, "thumb", "image/png", Bytes::new())
        .await;
    assert_eq!(code(r), ErrorCode::BadUpload);
}

/// Each scenario on SQLite with blobs in memory, on PostgreSQL (when configured), and on
/// SQLite with blobs in SeaweedFS (when configured).
/// The plan's storage per project (R9.5) is checked when an upload starts, before any byte is
/// sent: an original that would take its project past the limit is refused with the use and
/// the limit; one the studio holds already costs nothing more.
async fn storage_per_project_is_checked_before_an_upload(t: Team, blobs: Blobs) {
    let s = shared(&t).await;
    let (small, big) = (noise(3000, 7), noise(6000, 8));
    for (n, file) in [(2, &small), (3, &big)] {
        let mut asset = new_asset(s.shoot, s.acme, &format!("f{n}.tif"));
        asset.hash = hash_of(file);
        asset.bytes = file.len() as u64;
        applied(&push(&t, &t.ana, s.ana_lib, n, vec![SyncIntent::AssetCreate { asset }]).await[0]);
    }
    let limits = atelier_protocol::StudioLimits {
        projects_per_member: None,
        storage_per_project: Some(8000),
    };
    t.studio.set_limits(&t.admin, limits).await.unwrap();
    let start = |file: &[u8]| UploadStart {
        hash: hash_of(file),
        size: file.len() as u64,
    };
    // 3,000 bytes fit; then 6,000 more would make 9,000 of 8,000.
    let session = t
        .studio
        .start_upload(&t.ana, &blobs, start(&small))
        .await
        .unwrap();
    t.studio
        .put_part(
            &blobs,
            &session.id,
            0,
            &hash_of(&small),
            Bytes::from(small.clone()),
        )
        .await
        .unwrap();
    t.studio
        .complete_upload(&t.ana, &blobs, &session.id)
        .await
        .unwrap();
    let err = t
        .studio
        .start_upload(&t.ana, &blobs, start(&big))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::LimitReached);
    assert!(err.to_string().contains("of its"), "{err}");
    // Held already: it costs nothing more, so starting it again is not refused.
    t.studio
        .start_upload(&t.ana, &blobs, start(&small))
        .await
        .unwrap();
}

macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(super::team(false).await.unwrap(), atelier_studio::blobs::Blobs::in_memory()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(t) = super::team(true).await {
                    super::$name(t, atelier_studio::blobs::Blobs::in_memory()).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn s3() {
                if let Some(bucket) = atelier_studio::blobs::testing::TestBucket::new() {
                    super::$name(super::team(false).await.unwrap(), bucket.blobs()).await;
                }
            }
        }
    )*};
}

on_every_backend!(
    originals_go_up_in_parts_and_only_their_readers_get_them,
    renditions_follow_their_original,
    storage_per_project_is_checked_before_an_upload,
);

//! What the service-level tests share: a studio on one backend with an Owner, an Admin and
//! two Members signed in, pushing intents as a library, reading the answers, and a shared
//! project to work in.

use atelier_domain::ids::{BrandId, ProjectId, UserId};
use atelier_domain::{
    AssetId, BrandRole, ErrorCode, Flag, Id as _, Kind, Rating, Source, Status, StudioRole,
};
use atelier_protocol::{AssetSyncRow, PushOutcome, PushRequest, PushedIntent, SyncIntent};
use atelier_studio::services::Caller;
use atelier_studio::testing::TestBackend;
use atelier_studio::{NewStudio, Studio};

pub struct Team {
    pub studio: Studio,
    pub owner: Caller,
    pub admin: Caller,
    pub ana: Caller,
    pub bo: Caller,
    pub _backend: TestBackend,
}

pub async fn team(postgres: bool) -> Option<Team> {
    let backend = TestBackend::new(postgres).await?;
    let studio = Studio::create(
        &backend.database,
        NewStudio {
            name: "Sync".into(),
            owner_email: "owner@studio.test".into(),
            owner_name: "Olive Owner".into(),
            owner_password: "owner-password".into(),
        },
    )
    .await
    .unwrap();
    for (email, name, role) in [
        ("admin@studio.test", "Ada Admin", StudioRole::Admin),
        ("ana@studio.test", "Ana Member", StudioRole::Member),
        ("bo@studio.test", "Bo Member", StudioRole::Member),
    ] {
        studio
            .add_member(email, name, "a-password".into(), role)
            .await
            .unwrap();
    }
    let caller = |email: &'static str, password: &'static str| {
        let studio = studio.clone();
        async move {
            let signed = studio
                .sign_in_password(email, password.into(), "laptop")
                .await
                .unwrap();
            studio.authenticate(&signed.access_token).await.unwrap()
        }
    };
    Some(Team {
        owner: caller("owner@studio.test", "owner-password").await,
        admin: caller("admin@studio.test", "a-password").await,
        ana: caller("ana@studio.test", "a-password").await,
        bo: caller("bo@studio.test", "a-password").await,
        studio,
        _backend: backend,
    })
}

/// Pushes intents as one library (`replica`) with ids from `first`.
pub async fn push(
    t: &Team,
    who: &Caller,
    replica: uuid::Uuid,
    first: i64,
    intents: Vec<SyncIntent>,
) -> Vec<PushOutcome> {
    let intents = intents
        .into_iter()
        .enumerate()
        .map(|(i, intent)| PushedIntent {
            id: first + i as i64,
            intent: match intent {
                // `new_asset`'s placeholder creator: whoever pushes it (as a library sends
                // its own work).
                SyncIntent::AssetCreate { mut asset } if asset.creator.uuid().is_nil() => {
                    asset.creator = who.account.id;
                    SyncIntent::AssetCreate { asset }
                }
                other => other,
            },
        })
        .collect();
    t.studio
        .push(who, PushRequest { replica, intents })
        .await
        .unwrap()
        .results
        .into_iter()
        .map(|r| r.outcome)
        .collect()
}

pub fn refused(o: &PushOutcome) -> ErrorCode {
    match o {
        PushOutcome::Refused { code, .. } => *code,
        PushOutcome::Applied { .. } => panic!("applied, expected a refusal"),
    }
}

pub fn applied(o: &PushOutcome) -> i64 {
    match o {
        PushOutcome::Applied { seq } => *seq,
        PushOutcome::Refused { code, message } => panic!("refused: {code}: {message}"),
    }
}

pub fn new_asset(project: ProjectId, brand: BrandId, name: &str) -> AssetSyncRow {
    AssetSyncRow {
        id: AssetId::new_v7(),
        project,
        brand,
        creator: UserId::from_uuid(uuid::Uuid::nil()), // `push` makes it the pusher
        name: name.into(),
        kind: Kind::Image,
        source: Source::Imported,
        hash: "ab".repeat(32),
        bytes: 1234,
        mime: "image/jpeg".into(),
        width: 6000,
        height: 4000,
        captured_at: Some("2026-06-02T10:00:00Z".into()),
        added_at: 1,
        status: Status::Draft,
        rating: Rating::default(),
        flag: Flag::None,
        label: atelier_domain::Label::None,
        tags: vec!["Beach".into()],
        prompt: None,
        thumb: false,
        collections: Vec::new(),
        campaigns: Vec::new(),
        stack: None,
        forked_from: None,
        trashed: false,
    }
}

/// A studio with brands Acme (Ana Creator, Bo Viewer) and Beta (nobody but its creator), and
/// Ana's shared project "Shoot".
pub struct Shared {
    pub acme: BrandId,
    pub beta: BrandId,
    pub shoot: ProjectId,
    pub admin_lib: uuid::Uuid,
    pub ana_lib: uuid::Uuid,
}

pub async fn shared(t: &Team) -> Shared {
    let s = Shared {
        acme: BrandId::new_v7(),
        beta: BrandId::new_v7(),
        shoot: ProjectId::new_v7(),
        admin_lib: uuid::Uuid::now_v7(),
        ana_lib: uuid::Uuid::now_v7(),
    };
    let member = |brand, user: &Caller, role| SyncIntent::BrandMember {
        brand,
        user: user.account.id,
        role: Some(role),
    };
    for o in push(
        t,
        &t.admin,
        s.admin_lib,
        1,
        vec![
            SyncIntent::BrandCreate {
                brand: s.acme,
                name: "Acme".into(),
            },
            SyncIntent::BrandCreate {
                brand: s.beta,
                name: "Beta".into(),
            },
            member(s.acme, &t.ana, BrandRole::Creator),
            member(s.acme, &t.bo, BrandRole::Viewer),
        ],
    )
    .await
    {
        applied(&o);
    }
    let r = push(
        t,
        &t.ana,
        s.ana_lib,
        1,
        vec![SyncIntent::ProjectShare {
            project: s.shoot,
            name: "Shoot".into(),
        }],
    )
    .await;
    applied(&r[0]);
    s
}

/// `who` sends an original of one part (start, the part, complete), as a library does.
pub async fn upload_whole(
    t: &Team,
    blobs: &atelier_studio::blobs::Blobs,
    who: &Caller,
    hash: &str,
    bytes: bytes::Bytes,
) {
    let start = atelier_protocol::UploadStart {
        hash: hash.to_string(),
        size: bytes.len() as u64,
    };
    let session = t.studio.start_upload(who, blobs, start).await.unwrap();
    t.studio
        .put_part(blobs, &session.id, 0, hash, bytes)
        .await
        .unwrap();
    t.studio.complete_upload(who, blobs, &session.id).await.unwrap();
}

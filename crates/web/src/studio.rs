//! The library's studio over the local API: sign-in, status and sign-out (the top bar's
//! indicator), and the studio's people for its Owners and Admins (members and roles, invitations,
//! devices) — each one atelier-sync call on a blocking thread with a fresh access token, the
//! studio's refusal as `{code, message}`. The studio checks every call against the caller's
//! current role; the app only greys out.
//!
//! Knows no HTTP of the studio's and no keyring: atelier-sync does.

use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use crate::error::Json;
use atelier_domain::StudioRole;
use atelier_domain::ids::{DeviceId, UserId};
use atelier_library::Library;
use atelier_protocol::{
    CampaignLinkState, InvitationLink, NewInvitation, StudioDevice, StudioInvitation, StudioMember,
    SyncRefusal, SyncState, SyncStatus,
};
use atelier_sync::SyncError;
use atelier_sync::session::{self, SignIn, SignedInReport, StudioStatus};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::{ApiError, ApiResult};

/// `POST /api/studio/login`.
#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct StudioLogin {
    /// The studio's address.
    pub url: String,
    /// The account's email.
    pub email: String,
    /// Its password.
    pub password: String,
    /// What the studio's device list calls this library (default "Atelier (desktop)").
    #[serde(default)]
    #[ts(optional)]
    pub device: Option<String>,
    /// Keep the sign-in in memory until the app quits (when no keyring can keep it).
    #[serde(default)]
    #[ts(optional)]
    pub session_only: Option<bool>,
}

pub(crate) async fn on_library<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Library) -> Result<T, SyncError> + Send + 'static,
) -> ApiResult<T> {
    let lib: Arc<Library> = state.library.clone();
    tokio::task::spawn_blocking(move || f(&lib))
        .await
        .map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                atelier_domain::ErrorCode::InternalError,
                e.to_string(),
            )
        })?
        .map_err(ApiError::from)
}

pub(crate) async fn status(State(s): State<AppState>) -> ApiResult<Json<StudioStatus>> {
    Ok(Json(on_library(&s, session::status).await?))
}

pub(crate) async fn login(
    State(s): State<AppState>,
    Json(body): Json<StudioLogin>,
) -> ApiResult<Json<SignedInReport>> {
    let report = on_library(&s, move |lib| {
        let device = body.device.unwrap_or_else(|| "Atelier (desktop)".into());
        session::login(
            lib,
            &SignIn {
                url: &body.url,
                email: &body.email,
                password: &body.password,
                device: &device,
                session_only: body.session_only.unwrap_or(false),
            },
        )
    })
    .await?;
    // Signed in: the first sync starts now, not at the next idle tick.
    if let Some(live) = &s.sync {
        live.wake();
    }
    Ok(Json(report))
}

/// `GET /api/studio/sync`: the top bar's sync indicator.
pub(crate) async fn sync_status(State(s): State<AppState>) -> ApiResult<Json<SyncStatus>> {
    let live = s.sync.clone();
    Ok(Json(
        on_library(&s, move |lib| match live {
            Some(live) => live.status(),
            // Not served (tests): what the library alone says.
            None => Ok(SyncStatus {
                state: if lib.studio_binding()?.is_some() {
                    SyncState::Offline
                } else {
                    SyncState::Standalone
                },
                pending: lib.outbox_len()?,
                refusals: lib.refusals()?.len() as i64,
                last_sync_at: None,
                message: None,
                uploads_waiting: 0,
                thumbnails_waiting: 0,
                transfers: Vec::new(),
            }),
        })
        .await?,
    ))
}

/// `POST /api/studio/sync`: sync now (the indicator's "Sync now"), then its state.
pub(crate) async fn sync_now(State(s): State<AppState>) -> ApiResult<Json<SyncStatus>> {
    if let Some(live) = &s.sync {
        live.wake();
    }
    sync_status(State(s)).await
}

/// `GET /api/studio/refusals`: the *Couldn't sync* list.
pub(crate) async fn refusals(State(s): State<AppState>) -> ApiResult<Json<Vec<SyncRefusal>>> {
    Ok(Json(on_library(&s, atelier_sync::engine::refusals).await?))
}

/// `POST /api/studio/refusals/discard`.
#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct RefusalRef {
    /// The entry.
    #[ts(type = "number")]
    pub id: i64,
}

/// `POST /api/studio/refusals/discard`: takes an entry off the list.
pub(crate) async fn refusal_discard(
    State(s): State<AppState>,
    Json(body): Json<RefusalRef>,
) -> ApiResult<Json<Vec<SyncRefusal>>> {
    Ok(Json(
        on_library(&s, move |lib| {
            lib.discard_refusal(body.id)?;
            atelier_sync::engine::refusals(lib)
        })
        .await?,
    ))
}

/// `POST /api/studio/refusals/retry`: sends the refused change again as a new intent (it
/// leaves the list; the next sync, at once in the background, decides it anew).
pub(crate) async fn refusal_retry(
    State(s): State<AppState>,
    Json(body): Json<RefusalRef>,
) -> ApiResult<Json<Vec<SyncRefusal>>> {
    let list = on_library(&s, move |lib| {
        lib.retry_refusal(body.id)?;
        atelier_sync::engine::refusals(lib)
    })
    .await?;
    if let Some(live) = &s.sync {
        live.wake();
    }
    Ok(Json(list))
}

/// Where the originals this server fetches are listed: the background sync's transfers, so the
/// indicator's panel shows their progress.
pub(crate) fn transfers_of(s: &AppState) -> atelier_sync::Transfers {
    s.sync.as_ref().map(|l| l.transfers().clone()).unwrap_or_default()
}

/// Downloads another member's original if it is only on the studio (listed in `transfers`
/// while it comes); whether it came.
pub(crate) fn fetch_original(
    lib: &Library,
    id: atelier_domain::AssetId,
    transfers: &atelier_sync::Transfers,
) -> Result<bool, SyncError> {
    let Some(remote) = lib.remote_original(id)? else {
        return Ok(false);
    };
    let shown = transfers.begin(
        atelier_protocol::TransferKind::Download,
        &remote.name,
        remote.bytes,
    );
    atelier_sync::download_original(lib, id, |done, total| shown.advance(done, total)).map(|p| p.is_some())
}

/// `POST /api/studio/download`: another member's original, fetched from the studio now (the
/// lightbox's *Download original*, *Make available offline*).
#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct OriginalRef {
    /// The asset.
    pub id: atelier_domain::AssetId,
}

/// The answer: whether it was fetched now (false: it was here already).
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct OriginalFetched {
    /// Fetched now.
    pub fetched: bool,
}

pub(crate) async fn download_original(
    State(s): State<AppState>,
    Json(body): Json<OriginalRef>,
) -> ApiResult<Json<OriginalFetched>> {
    let transfers = transfers_of(&s);
    let fetched = on_library(&s, move |lib| fetch_original(lib, body.id, &transfers)).await?;
    Ok(Json(OriginalFetched { fetched }))
}

pub(crate) async fn logout(State(s): State<AppState>) -> ApiResult<Json<bool>> {
    let told = on_library(&s, session::logout).await?;
    // Signed out: the indicator says so now, not at the next idle tick.
    if let Some(live) = &s.sync {
        live.wake();
    }
    Ok(Json(told))
}

/// `POST /api/studio/members/role`.
#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct MemberRole {
    /// The member.
    pub user_id: UserId,
    /// Their new studio role.
    pub role: StudioRole,
}

/// `POST /api/studio/members/remove`.
#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct MemberRef {
    /// The member.
    pub user_id: UserId,
}

/// `POST /api/studio/invitations/revoke|resend`.
#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct InvitationRef {
    /// The invitation's id.
    #[ts(type = "string")]
    pub id: uuid::Uuid,
}

/// `POST /api/studio/devices/revoke`.
#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct DeviceRef {
    /// The device.
    pub id: DeviceId,
}

pub(crate) async fn members(State(s): State<AppState>) -> ApiResult<Json<Vec<StudioMember>>> {
    Ok(Json(
        on_library(&s, |lib| {
            session::with_studio(lib, |c, t| c.members(&t.access_token))
        })
        .await?,
    ))
}

pub(crate) async fn member_role(
    State(s): State<AppState>,
    Json(b): Json<MemberRole>,
) -> ApiResult<Json<StudioMember>> {
    Ok(Json(
        on_library(&s, move |lib| {
            session::with_studio(lib, |c, t| c.set_role(&t.access_token, b.user_id, b.role))
        })
        .await?,
    ))
}

pub(crate) async fn member_remove(
    State(s): State<AppState>,
    Json(b): Json<MemberRef>,
) -> ApiResult<Json<bool>> {
    on_library(&s, move |lib| {
        session::with_studio(lib, |c, t| c.remove_member(&t.access_token, b.user_id))
    })
    .await?;
    Ok(Json(true))
}

pub(crate) async fn invite(
    State(s): State<AppState>,
    Json(b): Json<NewInvitation>,
) -> ApiResult<Json<InvitationLink>> {
    Ok(Json(
        on_library(&s, move |lib| {
            session::with_studio(lib, |c, t| c.invite(&t.access_token, &b))
        })
        .await?,
    ))
}

pub(crate) async fn invitations(State(s): State<AppState>) -> ApiResult<Json<Vec<StudioInvitation>>> {
    Ok(Json(
        on_library(&s, |lib| {
            session::with_studio(lib, |c, t| c.invitations(&t.access_token))
        })
        .await?,
    ))
}

pub(crate) async fn invitation_revoke(
    State(s): State<AppState>,
    Json(b): Json<InvitationRef>,
) -> ApiResult<Json<bool>> {
    on_library(&s, move |lib| {
        session::with_studio(lib, |c, t| c.revoke_invitation(&t.access_token, b.id))
    })
    .await?;
    Ok(Json(true))
}

pub(crate) async fn invitation_resend(
    State(s): State<AppState>,
    Json(b): Json<InvitationRef>,
) -> ApiResult<Json<InvitationLink>> {
    Ok(Json(
        on_library(&s, move |lib| {
            session::with_studio(lib, |c, t| c.resend_invitation(&t.access_token, b.id))
        })
        .await?,
    ))
}

pub(crate) async fn devices(State(s): State<AppState>) -> ApiResult<Json<Vec<StudioDevice>>> {
    Ok(Json(
        on_library(&s, |lib| {
            session::with_studio(lib, |c, t| c.devices(&t.access_token))
        })
        .await?,
    ))
}

pub(crate) async fn device_revoke(
    State(s): State<AppState>,
    Json(b): Json<DeviceRef>,
) -> ApiResult<Json<bool>> {
    on_library(&s, move |lib| {
        session::with_studio(lib, |c, t| c.revoke_device(&t.access_token, b.id))
    })
    .await?;
    Ok(Json(true))
}

/// `POST /api/studio/login/browser`: sign in through the browser.
#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BrowserLoginStart {
    /// The studio's address.
    pub url: String,
    /// Keep the sign-in in memory until the app quits (when no keyring can keep it).
    #[serde(default)]
    #[ts(optional)]
    pub session_only: Option<bool>,
}

/// Where the app's browser sign-in stands (`GET /api/studio/login/browser`).
#[derive(Debug, Clone, Default, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BrowserLogin {
    /// `idle`, `waiting` (for the person to approve in the browser), `done` or `failed`.
    pub state: String,
    /// The studio's sign-in page to open, while waiting.
    pub login_url: Option<String>,
    /// Who signed in (done), or why not (failed).
    pub message: Option<String>,
}

/// This process's browser sign-in (a process serves one library), with the attempt it belongs
/// to so that an older attempt finishing late never overwrites a newer one.
static BROWSER: LazyLock<Mutex<(u64, BrowserLogin)>> = LazyLock::new(Default::default);

fn browser() -> std::sync::MutexGuard<'static, (u64, BrowserLogin)> {
    BROWSER.lock().unwrap_or_else(|p| p.into_inner())
}

/// The person has ten minutes to approve, as the studio allows.
const BROWSER_WAIT: Duration = Duration::from_secs(600);

pub(crate) async fn browser_login(
    State(s): State<AppState>,
    Json(b): Json<BrowserLoginStart>,
) -> ApiResult<Json<BrowserLogin>> {
    let attempt = {
        let mut g = browser();
        g.0 += 1;
        g.1 = BrowserLogin {
            state: "waiting".into(),
            ..Default::default()
        };
        g.0
    };
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let lib = s.library.clone();
    let live = s.sync.clone();
    // The sign-in waits for the person (minutes): on its own thread, reporting the link as soon
    // as the studio gives it and the outcome when it comes.
    std::thread::Builder::new()
        .name("studio-browser-sign-in".into())
        .spawn(move || {
            let open = |url: &str| {
                if let Ok(mut g) = BROWSER.lock()
                    && g.0 == attempt
                {
                    g.1.login_url = Some(url.to_string());
                }
                let _ = tx.send(url.to_string());
            };
            let outcome = session::login_with_browser(
                &lib,
                &b.url,
                "Atelier (desktop)",
                b.session_only.unwrap_or(false),
                open,
                BROWSER_WAIT,
            );
            if let (Ok(_), Some(live)) = (&outcome, &live) {
                live.wake();
            }
            let mut g = browser();
            if g.0 == attempt {
                g.1 = match outcome {
                    Ok(r) => BrowserLogin {
                        state: "done".into(),
                        login_url: None,
                        message: Some(format!("Signed in to {} as {}", r.studio, r.user.display_name)),
                    },
                    Err(e) => BrowserLogin {
                        state: "failed".into(),
                        login_url: None,
                        message: Some(ApiError::from(e).body.message),
                    },
                };
            }
        })
        .map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                atelier_domain::ErrorCode::InternalError,
                e.to_string(),
            )
        })?;
    // Answer once the link is known, or with the refusal when it never comes (a bad address, a
    // library bound elsewhere, no keyring).
    let _ = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(30))).await;
    let now = browser().1.clone();
    if now.state == "failed" {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            atelier_domain::ErrorCode::NotSignedIn,
            now.message.unwrap_or_default(),
        ));
    }
    Ok(Json(now))
}

pub(crate) async fn browser_login_state() -> Json<BrowserLogin> {
    Json(browser().1.clone())
}

/// `GET /api/campaigns/link?name=&brand=`.
#[derive(Debug, Deserialize)]
pub struct CampaignLinkQuery {
    name: String,
    brand: String,
}

/// `GET /api/campaigns/link`: what the campaign page's Visibility section shows — asked of
/// the studio (a standalone library answers `needs_studio`).
pub(crate) async fn campaign_link(
    State(s): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<CampaignLinkQuery>,
) -> ApiResult<Json<CampaignLinkState>> {
    Ok(Json(
        on_library(&s, move |lib| {
            atelier_sync::links::state(&lib.as_owner(), &q.name, &q.brand)
        })
        .await?,
    ))
}

/// `POST /api/campaigns/link`.
#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CampaignLinkChange {
    /// The campaign.
    pub name: String,
    /// Its brand.
    pub brand: String,
    /// `publish` (a public campaign keeps its link), `regenerate` (a new link, the old one
    /// dead at once) or `unpublish` (private; its link deleted).
    pub op: String,
}

/// `POST /api/campaigns/link`: publishes, regenerates or withdraws the link (the studio
/// decides who may), then the section's state.
pub(crate) async fn campaign_link_change(
    State(s): State<AppState>,
    Json(body): Json<CampaignLinkChange>,
) -> ApiResult<Json<CampaignLinkState>> {
    use atelier_sync::links::LinkOp;
    let op = match body.op.as_str() {
        "publish" => LinkOp::Publish,
        "regenerate" => LinkOp::Regenerate,
        "unpublish" => LinkOp::Unpublish,
        other => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                atelier_domain::ErrorCode::InvalidLinkAction,
                format!("'{other}' isn't something a link can do: use publish, regenerate or unpublish"),
            ));
        }
    };
    let state = on_library(&s, move |lib| {
        let acting = lib.as_owner();
        atelier_sync::links::control(&acting, &body.name, &body.brand, op)?;
        atelier_sync::links::state(&acting, &body.name, &body.brand)
    })
    .await?;
    // The studio republished the campaign's row: pull it now rather than at the next poke.
    if let Some(live) = &s.sync {
        live.wake();
    }
    Ok(Json(state))
}

//! One handler per route: take the access extractor the route table classifies it with, parse
//! the path and body, call one use case, answer its wire type.
//!
//! Must not know SQL or the rules (the services ask atelier-domain); no authorisation logic
//! beyond taking [`Device`] or [`Admin`].

use atelier_domain::ErrorCode;
use atelier_domain::ids::{CampaignId, DeviceId, UserId};
use atelier_protocol::{
    ApiError as ErrorBody, BrowserSignIn, BrowserSignInPoll, BrowserSignInStart, InvitationAccept,
    InvitationLink, NewInvitation, PasswordSignIn, RefreshRequest, RoleChange, SignedIn, StudioDevice,
    StudioInfo, StudioInvitation, StudioMe, StudioMember,
};
use atelier_protocol::{BlobCheck, BlobsNeeded, PART_HASH_HEADER, UploadDone, UploadSession, UploadStart};
use atelier_protocol::{CampaignVisibility, PublicSharing, PublishCampaign, SetPublicSharing};
use atelier_protocol::{PullResponse, PushRequest, PushResponse, StudioLimits, SyncPoke};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::auth::{Admin, Device};
use super::error::{ApiError, ApiResult, Json};

/// A public id in the path; a malformed one is `invalid_id`, like everywhere else.
fn parse_id<T: std::str::FromStr<Err = atelier_domain::InvalidInput>>(raw: &str) -> ApiResult<T> {
    raw.parse::<T>().map_err(|e| ApiError::new(e.code, e.message))
}

/// `GET /api/v1/studio`
pub async fn studio(State(state): State<AppState>) -> Json<StudioInfo> {
    Json(state.studio.info())
}

/// `POST /api/v1/auth/password`
pub async fn sign_in_password(
    State(state): State<AppState>,
    Json(body): Json<PasswordSignIn>,
) -> ApiResult<Json<SignedIn>> {
    let signed = state
        .studio
        .sign_in_password(&body.email, body.password, &body.device)
        .await?;
    Ok(Json(signed))
}

/// `POST /api/v1/auth/browser/start`: a login link for the person's browser and a poll token
/// for the desktop.
pub async fn browser_start(
    State(state): State<AppState>,
    Json(body): Json<BrowserSignInStart>,
) -> ApiResult<Json<BrowserSignIn>> {
    Ok(Json(state.studio.browser_start(&body.device).await?))
}

/// `POST /api/v1/auth/browser/poll`: `202 {code: "sign_in_pending"}` until the person decides;
/// then the new device's [`SignedIn`], once.
pub async fn browser_poll(
    State(state): State<AppState>,
    Json(body): Json<BrowserSignInPoll>,
) -> ApiResult<Response> {
    Ok(match state.studio.browser_poll(&body.poll_token).await? {
        Some(signed) => Json(signed).into_response(),
        None => (
            StatusCode::ACCEPTED,
            Json(ErrorBody::new(
                ErrorCode::SignInPending,
                "waiting for the person to sign in and approve in the browser: poll again in a second or two",
            )),
        )
            .into_response(),
    })
}

/// `POST /api/v1/auth/refresh`
pub async fn refresh(
    State(state): State<AppState>,
    Json(body): Json<RefreshRequest>,
) -> ApiResult<Json<SignedIn>> {
    let signed = state.studio.refresh(body.device_id, &body.refresh_secret).await?;
    Ok(Json(signed))
}

/// `GET /api/v1/me`
pub async fn me(State(state): State<AppState>, Device(caller): Device) -> Json<StudioMe> {
    Json(state.studio.me(&caller))
}

/// `GET /api/v1/devices`
pub async fn devices(
    State(state): State<AppState>,
    Device(caller): Device,
) -> ApiResult<Json<Vec<StudioDevice>>> {
    Ok(Json(state.studio.devices(&caller).await?))
}

/// `DELETE /api/v1/devices/{id}`
pub async fn revoke_device(
    State(state): State<AppState>,
    Device(caller): Device,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id: DeviceId = parse_id(&id)?;
    state.studio.revoke_device(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/members`
pub async fn members(
    State(state): State<AppState>,
    Device(_caller): Device,
) -> ApiResult<Json<Vec<StudioMember>>> {
    Ok(Json(state.studio.members().await?))
}

/// `POST /api/v1/members/{user_id}/role`
pub async fn change_role(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Path(user_id): Path<String>,
    Json(body): Json<RoleChange>,
) -> ApiResult<Json<StudioMember>> {
    let member: UserId = parse_id(&user_id)?;
    Ok(Json(state.studio.change_role(&caller, member, body.role).await?))
}

/// `DELETE /api/v1/members/{user_id}`: removes a member and revokes their devices.
pub async fn remove_member(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Path(user_id): Path<String>,
) -> ApiResult<StatusCode> {
    let member: UserId = parse_id(&user_id)?;
    state.studio.remove_member(&caller, member).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/invitations`: the answer holds the link, the only time it is shown.
pub async fn invite(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Json(body): Json<NewInvitation>,
) -> ApiResult<(StatusCode, Json<InvitationLink>)> {
    let link = state.studio.invite(&caller, &body.email, body.role).await?;
    Ok((StatusCode::CREATED, Json(link)))
}

/// `GET /api/v1/invitations`
pub async fn invitations(
    State(state): State<AppState>,
    Admin(_caller): Admin,
) -> ApiResult<Json<Vec<StudioInvitation>>> {
    Ok(Json(state.studio.invitations().await?))
}

/// `POST /api/v1/invitations/{id}/resend`: a new link; the old one stops working.
pub async fn resend_invitation(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Path(id): Path<String>,
) -> ApiResult<Json<InvitationLink>> {
    Ok(Json(state.studio.resend_invitation(&caller, &id).await?))
}

/// `DELETE /api/v1/invitations/{id}`
pub async fn revoke_invitation(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.studio.revoke_invitation(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/invitations/accept`: join with a link's secret (public: the secret is the
/// authorisation). Signing in afterwards is the normal `POST /api/v1/auth/password`.
pub async fn accept_invitation(
    State(state): State<AppState>,
    Json(body): Json<InvitationAccept>,
) -> ApiResult<Json<StudioMember>> {
    let member = state
        .studio
        .accept_invitation(
            &body.token,
            &body.email,
            body.password,
            body.display_name.as_deref(),
        )
        .await?;
    Ok(Json(member))
}

/// `POST /api/v1/sync/push`: intents in order; one result each (applied with its seq, or
/// refused with its reason — consumed either way).
pub async fn sync_push(
    State(state): State<AppState>,
    Device(caller): Device,
    Json(body): Json<PushRequest>,
) -> ApiResult<Json<PushResponse>> {
    Ok(Json(state.studio.push(&caller, body).await?))
}

/// A whole number in the query string (`cursor=12&limit=100`), `{code, message}` otherwise.
fn query_number(query: Option<&str>, name: &str, code: ErrorCode) -> ApiResult<Option<i64>> {
    let Some(q) = query else {
        return Ok(None);
    };
    for pair in q.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if k == name {
            return v
                .parse::<i64>()
                .map(Some)
                .map_err(|_| ApiError::new(code, format!("{name} must be a whole number (got '{v}')")));
        }
    }
    Ok(None)
}

/// A text value in the query string, as sent (the values taken this way never need escapes).
fn query_text<'q>(query: Option<&'q str>, name: &str) -> Option<&'q str> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// `GET /api/v1/sync/pull?cursor=N[&limit=M][&only=SCOPE]`: the rows after the cursor the
/// caller may see (in one of their scopes only, with `only`: a backfill).
pub async fn sync_pull(
    State(state): State<AppState>,
    Device(caller): Device,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<PullResponse>> {
    let cursor = query_number(query.as_deref(), "cursor", ErrorCode::InvalidCursor)?.unwrap_or(0);
    let limit = query_number(query.as_deref(), "limit", ErrorCode::InvalidLimit)?;
    let only = query_text(query.as_deref(), "only");
    Ok(Json(state.studio.pull(&caller, cursor, limit, only).await?))
}

/// How often the event stream re-checks that its device is still signed in, and sends a
/// keep-alive comment through proxies.
const EVENTS_RECHECK: std::time::Duration = std::time::Duration::from_secs(20);

/// `GET /api/v1/sync/events`: server-sent events, data-less pokes `{"seq": N}` — one at once,
/// then one whenever something commits. A device revoked meanwhile gets `event: revoked` and
/// the stream ends.
pub async fn sync_events(State(state): State<AppState>, Device(caller): Device) -> ApiResult<Response> {
    use axum::response::sse::{Event, KeepAlive, Sse};
    let mut pokes = state.studio.pokes();
    state.studio.poke().await;
    let studio = state.studio.clone();
    let device = caller.device;
    let first = *pokes.borrow_and_update();
    let stream = futures_util::stream::unfold(
        (Some(first), pokes, studio, false),
        move |(pending, mut pokes, studio, done)| async move {
            if done {
                return None;
            }
            let poke = |seq: i64| {
                Event::default()
                    .event("poke")
                    .json_data(SyncPoke { seq })
                    .map_err(std::io::Error::other)
            };
            if let Some(seq) = pending {
                return Some((poke(seq), (None, pokes, studio, false)));
            }
            loop {
                tokio::select! {
                    changed = pokes.changed() => {
                        if changed.is_err() {
                            return None;
                        }
                        let seq = *pokes.borrow_and_update();
                        return Some((poke(seq), (None, pokes, studio, false)));
                    }
                    () = tokio::time::sleep(EVENTS_RECHECK) => {
                        if let Err(e) = studio.device_still_signed_in(device).await {
                            let body = ErrorBody::new(e.code(), e.to_string());
                            let event = Event::default().event("revoked").json_data(body).map_err(std::io::Error::other);
                            return Some((event, (None, pokes, studio, true)));
                        }
                    }
                }
            }
        },
    );
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(EVENTS_RECHECK))
        .into_response())
}

/// `GET /api/v1/limits`: the studio's plan limits (every member may read them).
pub async fn limits(State(state): State<AppState>, Device(_caller): Device) -> ApiResult<Json<StudioLimits>> {
    Ok(Json(state.studio.limits().await?))
}

/// `POST /api/v1/limits`: set the plan limits (Owners and Admins).
pub async fn set_limits(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Json(body): Json<StudioLimits>,
) -> ApiResult<Json<StudioLimits>> {
    Ok(Json(state.studio.set_limits(&caller, body).await?))
}

/// `POST /api/v1/blobs/check`: which originals the caller must send.
pub async fn blobs_check(
    State(state): State<AppState>,
    Device(caller): Device,
    Json(body): Json<BlobCheck>,
) -> ApiResult<Json<BlobsNeeded>> {
    Ok(Json(state.studio.blobs_needed(&caller, body).await?))
}

/// `POST /api/v1/uploads`: start or resume sending an original.
pub async fn upload_start(
    State(state): State<AppState>,
    Device(caller): Device,
    Json(body): Json<UploadStart>,
) -> ApiResult<Json<UploadSession>> {
    Ok(Json(
        state.studio.start_upload(&caller, &state.blobs, body).await?,
    ))
}

/// `PUT /api/v1/uploads/{id}/parts/{n}`: one part, its BLAKE3 in `x-atelier-part-blake3`.
pub async fn upload_part(
    State(state): State<AppState>,
    Device(_caller): Device,
    Path((id, n)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<UploadSession>> {
    let n: u32 = n.parse().map_err(|_| {
        ApiError::new(
            ErrorCode::BadUpload,
            format!("part numbers are 0, 1, 2… (got '{n}')"),
        )
    })?;
    let Some(part_hash) = headers.get(PART_HASH_HEADER).and_then(|v| v.to_str().ok()) else {
        return Err(ApiError::new(
            ErrorCode::MissingField,
            format!("a part carries its BLAKE3 (hex) in the {PART_HASH_HEADER} header"),
        ));
    };
    Ok(Json(
        state
            .studio
            .put_part(&state.blobs, &id, n, part_hash, body)
            .await?,
    ))
}

/// `POST /api/v1/uploads/{id}/complete`: verify the whole and store it.
pub async fn upload_complete(
    State(state): State<AppState>,
    Device(caller): Device,
    Path(id): Path<String>,
) -> ApiResult<Json<UploadDone>> {
    Ok(Json(
        state.studio.complete_upload(&caller, &state.blobs, &id).await?,
    ))
}

/// A file's bytes as a response, streamed.
fn file_response(read: crate::services::files::FileRead) -> Response {
    let mut response = Response::new(axum::body::Body::from_stream(read.body));
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&read.mime) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(read.size));
    // Files are private to who may read them now: never kept by a cache in between.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// `GET /api/v1/blobs/{hash}`: an original the caller may read.
pub async fn blob_get(
    State(state): State<AppState>,
    Device(caller): Device,
    Path(hash): Path<String>,
) -> ApiResult<Response> {
    Ok(file_response(
        state.studio.read_original(&caller, &state.blobs, &hash).await?,
    ))
}

/// `PUT /api/v1/blobs/{hash}/{kind}`: a rendition (thumb, preview) of an original the caller holds.
pub async fn rendition_put(
    State(state): State<AppState>,
    Device(caller): Device,
    Path((hash, kind)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let mime = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    state
        .studio
        .put_rendition(&caller, &state.blobs, &hash, &kind, mime, body)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/blobs/{hash}/{kind}`: a rendition of an original the caller may read.
pub async fn rendition_get(
    State(state): State<AppState>,
    Device(caller): Device,
    Path((hash, kind)): Path<(String, String)>,
) -> ApiResult<Response> {
    Ok(file_response(
        state
            .studio
            .read_rendition(&caller, &state.blobs, &hash, &kind)
            .await?,
    ))
}

/// `GET /api/v1/sharing`: whether public campaign links can be made (every member: the
/// campaign page says why its Visibility control is off).
pub async fn sharing(
    State(state): State<AppState>,
    Device(_caller): Device,
) -> ApiResult<Json<PublicSharing>> {
    Ok(Json(state.studio.public_sharing().await?))
}

/// `POST /api/v1/sharing`: turn public sharing on or off (Owners and Admins).
pub async fn set_sharing(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Json(body): Json<SetPublicSharing>,
) -> ApiResult<Json<PublicSharing>> {
    Ok(Json(state.studio.set_public_sharing(&caller, body.on).await?))
}

/// `GET /api/v1/campaigns/{id}/link`: the campaign's visibility (whoever sees the brand's
/// campaigns) and, when public, its link (only who may control it: the brand's Managers, the
/// studio's Owners and Admins).
pub async fn campaign_link(
    State(state): State<AppState>,
    Device(caller): Device,
    Path(id): Path<String>,
) -> ApiResult<Json<CampaignVisibility>> {
    let id: CampaignId = parse_id(&id)?;
    Ok(Json(
        state
            .studio
            .campaign_visibility(&caller, &state.blobs, id)
            .await?,
    ))
}

/// `POST /api/v1/campaigns/{id}/link`: publish (or regenerate) the campaign's link.
pub async fn publish_campaign(
    State(state): State<AppState>,
    Device(caller): Device,
    Path(id): Path<String>,
    Json(body): Json<PublishCampaign>,
) -> ApiResult<Json<CampaignVisibility>> {
    let id: CampaignId = parse_id(&id)?;
    Ok(Json(
        state
            .studio
            .publish_campaign(&caller, &state.blobs, id, body.regenerate)
            .await?,
    ))
}

/// `DELETE /api/v1/campaigns/{id}/link`: make the campaign private (its link deleted).
pub async fn unpublish_campaign(
    State(state): State<AppState>,
    Device(caller): Device,
    Path(id): Path<String>,
) -> ApiResult<Json<CampaignVisibility>> {
    let id: CampaignId = parse_id(&id)?;
    Ok(Json(state.studio.unpublish_campaign(&caller, id).await?))
}

//! One handler per route: take the access extractor the route table classifies it with, parse
//! the path and body, call one use case, answer its wire type.
//!
//! Must not know SQL or the rules (the services ask atelier-domain); no authorisation logic
//! beyond taking [`Device`] or [`Admin`].

use atelier_domain::ids::{DeviceId, UserId};
use atelier_protocol::{
    PasswordSignIn, RefreshRequest, RoleChange, SignedIn, StudioDevice, StudioInfo, StudioMe, StudioMember,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;

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

//! Authorisation, in one place per kind of access: the extractors a handler takes decide who
//! may call it. [`Device`]: a valid, unexpired bearer access token of an unrevoked device.
//! [`Admin`]: a [`Device`] whose user is Owner or Admin *now* (the role is read from the store
//! on every request, never from the token). Public routes take neither.
//!
//! Must not know SQL or what a handler does. Tokens come from `Authorization: Bearer` only —
//! never from a query string or a cookie — and are never logged.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use atelier_domain::ErrorCode;

use super::AppState;
use super::error::ApiError;
use crate::services::Caller;

/// The caller is a signed-in device.
#[derive(Debug, Clone)]
pub struct Device(pub Caller);

/// The caller is a signed-in device of an Owner or Admin.
#[derive(Debug, Clone)]
pub struct Admin(pub Caller);

/// The token in `Authorization: Bearer <token>` (the scheme in any case, RFC 7235).
fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    let missing = || {
        ApiError::new(
            ErrorCode::Unauthorized,
            "sign in first: send the access token as `Authorization: Bearer <token>`",
        )
    };
    let value = parts
        .headers
        .get(header::AUTHORIZATION)
        .ok_or_else(missing)?
        .to_str()
        .map_err(|_| missing())?;
    let (scheme, token) = value.trim().split_once(' ').ok_or_else(missing)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(missing());
    }
    Ok(token)
}

impl FromRequestParts<AppState> for Device {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts)?;
        Ok(Device(state.studio.authenticate(token).await?))
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Device(caller) = Device::from_request_parts(parts, state).await?;
        if !caller.account.role.acts_as_manager() {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "this needs the studio's Owner or Admin role",
            ));
        }
        Ok(Admin(caller))
    }
}

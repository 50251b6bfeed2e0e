//! The library's studio sign-in over the local API (the app's *Sign in to a studio* and its sync
//! indicator): status, sign in with an email and a password, sign out — each one atelier-sync
//! call on a blocking thread, its refusal as `{code, message}`.
//!
//! Knows no HTTP of the studio's and no keyring: atelier-sync does.

use std::sync::Arc;

use atelier_library::Library;
use atelier_sync::SyncError;
use atelier_sync::session::{self, SignIn, SignedInReport, StudioStatus};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

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
}

async fn on_library<T: Send + 'static>(
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
            },
        )
    })
    .await?;
    Ok(Json(report))
}

pub(crate) async fn logout(State(s): State<AppState>) -> ApiResult<Json<bool>> {
    Ok(Json(on_library(&s, session::logout).await?))
}

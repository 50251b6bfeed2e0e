//! Errors cross the HTTP edge as one typed object, `{code, message, details?}`, with a status
//! that fits the code; the UI switches on `code`.

use atelier_library::LibraryError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The JSON body of every error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ApiError {
    /// Stable machine-readable code.
    pub code: String,
    /// What was wrong and what to do, for a person.
    pub message: String,
    /// More, when there is more.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown")]
    pub details: Option<serde_json::Value>,
    #[serde(skip)]
    status: StatusCode,
}

impl ApiError {
    /// An error with an explicit status.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            code: code.into(),
            message: message.into(),
            details: None,
            status,
        }
    }
}

/// The HTTP status for a library error code.
fn status_for(code: &str) -> StatusCode {
    match code {
        "not_found"
        | "asset_not_found"
        | "project_not_found"
        | "brand_not_found"
        | "campaign_not_found"
        | "collection_not_found"
        | "tag_not_found"
        | "user_not_found" => StatusCode::NOT_FOUND,
        "forbidden" | "not_a_member" | "private_brand" | "self_approval_off" => StatusCode::FORBIDDEN,
        "approved_locked"
        | "invalid_transition"
        | "name_taken"
        | "last_manager"
        | "project_has_approved"
        | "needs_studio"
        | "collection_cycle" => StatusCode::CONFLICT,
        "io_error"
        | "storage_error"
        | "catalog_unavailable"
        | "catalog_damaged"
        | "internal_error"
        | "export_failed" => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

impl From<LibraryError> for ApiError {
    fn from(e: LibraryError) -> Self {
        let code = e.code().to_string();
        let message = match &e {
            LibraryError::Invalid(i) => i.message.clone(),
            other => other.to_string(),
        };
        ApiError {
            status: status_for(&code),
            code,
            message,
            details: None,
        }
    }
}

impl From<atelier_domain::InvalidInput> for ApiError {
    fn from(e: atelier_domain::InvalidInput) -> Self {
        LibraryError::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self)).into_response()
    }
}

/// Shorthand for handler results.
pub type ApiResult<T> = Result<T, ApiError>;

//! Errors at the HTTP edge: every refusal and failure answers `{code, message}`
//! (`atelier_protocol::ApiError`) with a status that fits its code, and request bodies that
//! aren't the expected JSON are refused the same way ([`Json`], which replaces axum's
//! plain-text rejections).
//!
//! Must not know SQL or the rules. Storage and internal failures are logged here with their
//! detail and answered with a generic message: the client learns nothing of the internals.

use atelier_domain::ErrorCode;
use atelier_protocol::ApiError as Body;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::services::ServiceError;

/// An error answered over HTTP: the wire body and its status.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// What the client receives.
    pub body: Body,
    /// The HTTP status.
    pub status: StatusCode,
}

impl ApiError {
    /// An error whose status follows from its code.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            body: Body::new(code, message),
            status: status_for(code),
        }
    }
}

/// The HTTP status for an error code.
pub fn status_for(code: ErrorCode) -> StatusCode {
    use ErrorCode::*;
    match code {
        Unauthorized | BadCredentials | RefreshReused | DeviceRevoked | BadToken => StatusCode::UNAUTHORIZED,
        Forbidden => StatusCode::FORBIDDEN,
        NotFound | UserNotFound | DeviceNotFound | StudioNotFound | InvitationNotFound
        | InvitationInvalid | BrandNotFound | CampaignNotFound => StatusCode::NOT_FOUND,
        NameTaken | LastOwner | StudioExists | AlreadyMember | LastManager | StaleState
        | PublicSharingOff => StatusCode::CONFLICT,
        LimitReached => StatusCode::PAYLOAD_TOO_LARGE,
        TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
        SignInPending => StatusCode::ACCEPTED,
        SignInDenied => StatusCode::FORBIDDEN,
        SignInExpired => StatusCode::GONE,
        StorageError | IoError | InternalError => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Refused(i) => ApiError::new(i.code, i.message),
            ServiceError::Store(inner) => {
                tracing::error!(error = %inner, "storage failed");
                ApiError::new(
                    ErrorCode::StorageError,
                    "the studio's database failed: try again, and tell the studio's admin if it lasts",
                )
            }
            ServiceError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                ApiError::new(
                    ErrorCode::InternalError,
                    "the studio hit an internal error: try again, and tell the studio's admin if it lasts",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            // RFC 6750: say which scheme the studio expects.
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Shorthand for handler results.
pub type ApiResult<T> = Result<T, ApiError>;

/// A JSON request body; anything else is refused with `{code, message}`: `missing_field` when
/// a required field is absent, `invalid_body` otherwise. Values inside are validated by the
/// services (an email that isn't one is `invalid_email`, not a parse error).
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(body_error(&rejection)),
        }
    }
}

fn body_error(rejection: &JsonRejection) -> ApiError {
    let detail = rejection.body_text();
    let code = if matches!(rejection, JsonRejection::JsonDataError(_)) && detail.contains("missing field") {
        ErrorCode::MissingField
    } else {
        ErrorCode::InvalidBody
    };
    let message = match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "send a JSON body with `Content-Type: application/json`".to_string()
        }
        // serde's text names the field and what was expected ("missing field `password`").
        _ => detail,
    };
    ApiError::new(code, message)
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

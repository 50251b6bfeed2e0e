//! Errors cross the HTTP edge as one typed object, `{code, message, details?}`
//! (`atelier_protocol::ApiError`), with a status that fits the code; the UI switches on `code`.

use atelier_domain::ErrorCode;
use atelier_library::LibraryError;
use atelier_protocol::ApiError as Body;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An error answered over HTTP: the wire body and its status.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// What the client receives.
    pub body: Body,
    status: StatusCode,
}

impl ApiError {
    /// An error with an explicit status.
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            body: Body::new(code, message),
            status,
        }
    }
}

/// The HTTP status for an error code.
fn status_for(code: ErrorCode) -> StatusCode {
    use ErrorCode::*;
    match code {
        NotFound | AssetNotFound | ProjectNotFound | BrandNotFound | CampaignNotFound
        | CollectionNotFound | TagNotFound | UserNotFound | ModelNotFound | FileMissing | NoThumbnail => {
            StatusCode::NOT_FOUND
        }
        Forbidden | NotAMember | PrivateBrand | PrivateProject | SelfApprovalOff | CrossOrigin
        | HostNotAllowed => StatusCode::FORBIDDEN,
        Unauthorized | BadToken => StatusCode::UNAUTHORIZED,
        ApprovedLocked | InvalidTransition | NameTaken | LastManager | ProjectHasApproved | NeedsStudio
        | CollectionCycle | InTrash | NotInTrash | DestinationExists => StatusCode::CONFLICT,
        DiskFull => StatusCode::INSUFFICIENT_STORAGE,
        LibraryReadOnly => StatusCode::SERVICE_UNAVAILABLE,
        IoError | StorageError | CatalogUnavailable | CatalogDamaged | CatalogTooNew | CatalogLost
        | CatalogFilesGone | InternalError | ExportFailed => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

impl From<atelier_sync::SyncError> for ApiError {
    fn from(e: atelier_sync::SyncError) -> Self {
        use atelier_sync::SyncError;
        let code = e.code();
        let message = match &e {
            SyncError::Library(LibraryError::Invalid(i)) => i.message.clone(),
            SyncError::Studio(body) => format!("the studio says: {}", body.message),
            other => other.to_string(),
        };
        // The studio's own 401s (a wrong password, a revoked device) are not this API's: the
        // app's session is fine, so they answer 400/409 like any refusal.
        let status = match code {
            ErrorCode::NetworkError | ErrorCode::HttpError => StatusCode::BAD_GATEWAY,
            ErrorCode::BoundElsewhere => StatusCode::CONFLICT,
            ErrorCode::BadCredentials
            | ErrorCode::NotSignedIn
            | ErrorCode::DeviceRevoked
            | ErrorCode::RefreshReused
            | ErrorCode::Unauthorized => StatusCode::BAD_REQUEST,
            other => status_for(other),
        };
        ApiError::new(status, code, message)
    }
}

impl From<LibraryError> for ApiError {
    fn from(e: LibraryError) -> Self {
        let code = e.code();
        let message = match &e {
            LibraryError::Invalid(i) => i.message.clone(),
            other => other.to_string(),
        };
        ApiError::new(status_for(code), code, message)
    }
}

impl From<atelier_domain::InvalidInput> for ApiError {
    fn from(e: atelier_domain::InvalidInput) -> Self {
        LibraryError::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}

/// Shorthand for handler results.
pub type ApiResult<T> = Result<T, ApiError>;

/// A JSON body in and out. A body that isn't the JSON the route takes is refused like every
/// other error, `{code, message}` (axum's own rejection is plain text): `missing_field` when a
/// required field is absent, `invalid_body` otherwise, with serde's words for what was wrong.
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
        _ => detail,
    };
    ApiError::new(StatusCode::BAD_REQUEST, code, message)
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

//! Files over HTTP: thumbnails, previews (made on first request) and originals with range
//! requests; uploads streamed to disk and imported; zip exports; and the built web UI.

use atelier_domain::ErrorCode;
use std::path::{Path as FsPath, PathBuf};

use crate::error::Json;
use atelier_domain::AssetId;
use atelier_library::{CancelToken, ImportMode, ImportOptions};
use axum::body::Body;
use axum::extract::{Multipart, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use tower_http::services::ServeFile;

use crate::AppState;
use crate::api::blocking;
use crate::error::{ApiError, ApiResult};

/// The built UI (`ui/dist`), embedded in release builds and read from disk in debug builds.
#[derive(RustEmbed)]
#[folder = "../../ui/dist/"]
#[allow_missing = true]
struct Ui;

async fn serve_file(
    path: PathBuf,
    request: Request,
    cache: &'static str,
    download: Option<String>,
) -> Response {
    match ServeFile::new(&path).try_call(request).await {
        Ok(mut r) => {
            if r.status() == StatusCode::NOT_FOUND {
                return ApiError::new(
                    StatusCode::NOT_FOUND,
                    ErrorCode::FileMissing,
                    "the file is not there (moved, deleted, or on an unplugged drive)",
                )
                .into_response();
            }
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            if let Some(name) = download
                && let Ok(v) = HeaderValue::from_str(&format!(
                    "attachment; filename=\"{}\"",
                    name.replace(['"', '\\'], "_")
                ))
            {
                r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
            }
            r.map(Body::new)
        }
        Err(e) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::IoError,
            e.to_string(),
        )
        .into_response(),
    }
}

fn id(raw: &str) -> ApiResult<AssetId> {
    Ok(raw.parse::<AssetId>()?)
}

/// A rendition never changes for an asset (content is immutable), so browsers may keep it.
const IMMUTABLE: &str = "private, max-age=31536000, immutable";

pub(crate) async fn thumb(State(s): State<AppState>, Path(raw): Path<String>, request: Request) -> Response {
    let result = async {
        let id = id(&raw)?;
        let detail = blocking(&s, move |l| l.show(id)).await?;
        detail.thumbnail.map(PathBuf::from).ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                ErrorCode::NoThumbnail,
                "this asset has no thumbnail yet",
            )
        })
    }
    .await;
    match result {
        Ok(path) => serve_file(path, request, IMMUTABLE, None).await,
        Err(e) => e.into_response(),
    }
}

pub(crate) async fn preview(
    State(s): State<AppState>,
    Path(raw): Path<String>,
    request: Request,
) -> Response {
    let result = async {
        let id = id(&raw)?;
        blocking(&s, move |l| l.preview(id)).await
    }
    .await;
    match result {
        Ok(path) => serve_file(path, request, IMMUTABLE, None).await,
        Err(e) => e.into_response(),
    }
}

pub(crate) async fn original(
    State(s): State<AppState>,
    Path(raw): Path<String>,
    request: Request,
) -> Response {
    let download = request.uri().query().is_some_and(|q| q.contains("download"));
    let result = async {
        let id = id(&raw)?;
        // Another member's original, only on the studio: fetched first (listed with the
        // sync's transfers while it comes).
        let transfers = crate::studio::transfers_of(&s);
        crate::studio::on_library(&s, move |lib| crate::studio::fetch_original(lib, id, &transfers)).await?;
        blocking(&s, move |l| {
            Ok((l.original_path(id)?, l.show(id)?.detail.summary.name))
        })
        .await
    }
    .await;
    match result {
        Ok((path, name)) => serve_file(path, request, "private, no-cache", download.then_some(name)).await,
        Err(e) => e.into_response(),
    }
}

/// Streams uploaded files into a folder of the library's cache, then imports them as copies
/// (`uploaded`); the folder is removed afterwards. Form fields: `file` (repeated), `project`,
/// `brand`, `tag` (repeated).
pub(crate) async fn upload(
    State(s): State<AppState>,
    mut form: Multipart,
) -> ApiResult<Json<atelier_library::ImportReport>> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadUpload, e.body_text())
    };
    let dir = tempfile::Builder::new()
        .prefix(atelier_library::UPLOAD_SPOOL)
        .tempdir_in(s.library.layout().cache_tmp())
        .map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::IoError,
                e.to_string(),
            )
        })?;
    let mut options = ImportOptions {
        mode: Some(ImportMode::Copy),
        source: Some(atelier_domain::Source::Uploaded),
        ..Default::default()
    };
    let mut names = Vec::new();
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or_default() {
            "file" => {
                let name = atelier_library::safe_name(field.file_name().unwrap_or("upload"));
                // Files share a folder, as they did on the sender's disk (so a RAW and its JPEG
                // stack); a second file of the same name goes to the next folder, keeping its name.
                let clashes = names
                    .iter()
                    .filter(|(_, n): &&(String, String)| n.to_lowercase() == name.to_lowercase())
                    .count();
                let unique = format!("{clashes:04}");
                let folder = dir.path().join(&unique);
                tokio::fs::create_dir_all(&folder).await.map_err(|e| {
                    ApiError::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        ErrorCode::IoError,
                        e.to_string(),
                    )
                })?;
                let path = folder.join(&name);
                let mut out = tokio::fs::File::create(&path).await.map_err(|e| {
                    ApiError::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        ErrorCode::IoError,
                        e.to_string(),
                    )
                })?;
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    out.write_all(&chunk).await.map_err(|e| {
                        ApiError::new(
                            StatusCode::INTERNAL_SERVER_ERROR,
                            ErrorCode::IoError,
                            e.to_string(),
                        )
                    })?;
                }
                out.flush().await.map_err(|e| {
                    ApiError::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        ErrorCode::IoError,
                        e.to_string(),
                    )
                })?;
                names.push((unique, name));
            }
            "project" => options.project = Some(field.text().await.map_err(bad)?),
            "brand" => {
                options.brand = Some(field.text().await.map_err(bad)?).filter(|b| !b.trim().is_empty())
            }
            "tag" => options.tags.push(field.text().await.map_err(bad)?),
            _ => {}
        }
    }
    if names.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::NothingToImport,
            "the upload holds no file",
        ));
    }
    let spool = dir.path().to_path_buf();
    let mut report = blocking(&s, move |l| {
        l.import(&[spool], &options, &CancelToken::new(), &None)
    })
    .await?;
    // Report the names people uploaded, not the spool's.
    let shown = |p: &mut PathBuf| {
        if let Some(file) = p.file_name().map(PathBuf::from) {
            *p = file;
        }
    };
    report.imported.iter_mut().for_each(|f| shown(&mut f.path));
    report.duplicates.iter_mut().for_each(|f| shown(&mut f.path));
    report.skipped.iter_mut().for_each(|f| shown(&mut f.path));
    report.failed.iter_mut().for_each(|f| shown(&mut f.path));
    drop(dir);
    Ok(Json(report))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct ExportBody {
    selection: atelier_protocol::AssetSelection,
}

/// Writes a zip of the selection into the cache and answers where to download it.
pub(crate) async fn export(
    State(s): State<AppState>,
    Json(b): Json<ExportBody>,
) -> ApiResult<Json<serde_json::Value>> {
    let selection = crate::api::selection(b.selection)?;
    // Other members' originals only on the studio come down first; one that can't (offline)
    // is reported as not exported, as a missing file is.
    let remote = {
        let selection = selection.clone();
        blocking(&s, move |l| l.remote_among(&selection)).await?
    };
    let unfetched = if remote.is_empty() {
        Vec::new()
    } else {
        let transfers = crate::studio::transfers_of(&s);
        crate::studio::on_library(&s, move |lib| {
            // Not fetched (offline): the export lists it as not exported, saying why.
            Ok(remote
                .into_iter()
                .filter_map(|id| {
                    crate::studio::fetch_original(lib, id, &transfers)
                        .err()
                        .map(|e| (id, e.to_string()))
                })
                .collect::<Vec<_>>())
        })
        .await?
    };
    let (name, mut report) = blocking(&s, move |l| {
        l.export_for_download(&selection, &CancelToken::new())
    })
    .await?;
    report.explain_unfetched(&unfetched);
    Ok(Json(
        serde_json::json!({ "url": format!("/media/export/{name}"), "report": report }),
    ))
}

pub(crate) async fn export_file(
    State(s): State<AppState>,
    Path(name): Path<String>,
    request: Request,
) -> Response {
    let Some(path) = s.library.download_path(&name) else {
        return ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such export").into_response();
    };
    serve_file(
        path,
        request,
        "private, no-store",
        Some("atelier-export.zip".into()),
    )
    .await
}

/// The web UI: files of the built app, and `index.html` for every other page (client routing).
pub(crate) async fn ui(request: Request) -> Response {
    let path = request.uri().path().trim_start_matches('/');
    let file = if path.is_empty() { "index.html" } else { path };
    let found = Ui::get(file).map(|f| (file.to_string(), f)).or_else(|| {
        let is_asset = FsPath::new(file).extension().is_some();
        (!is_asset)
            .then(|| Ui::get("index.html").map(|f| ("index.html".to_string(), f)))
            .flatten()
    });
    match found {
        Some((name, content)) => {
            let mime = content.metadata.mimetype().to_string();
            let cache = if name == "index.html" {
                "no-cache"
            } else {
                "public, max-age=31536000, immutable"
            };
            (
                [
                    (header::CONTENT_TYPE, mime),
                    (header::CACHE_CONTROL, cache.to_string()),
                ],
                content.data.into_owned(),
            )
                .into_response()
        }
        None if Ui::get("index.html").is_none() => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "The web UI is not built into this binary: run scripts/build-ui.sh, then build Atelier again.",
        )
            .into_response(),
        None => ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such file").into_response(),
    }
}

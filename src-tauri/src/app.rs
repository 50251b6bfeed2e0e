//! The shell: starts atelier-web in this process on a free loopback port, opens the main window
//! on it (the URL carries the session token), and offers the few things a browser can't do —
//! reveal in folder, open with, the native file and folder pickers, dragging originals out of
//! the window (commands below, and drag_out.rs), and OS notifications (a Tauri plugin, reached from the UI through `window.__TAURI__`).
//!
//! Knows no SQL and no HTTP routes: the library answers through atelier-web and atelier-library.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result};
use atelier_domain::{AssetId, ErrorCode};
use atelier_library::Library;
use atelier_protocol::ApiError;
use tauri::{Manager, WebviewUrl, WebviewWindowBuilder};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

/// What the native commands need.
struct Native {
    library: Arc<Library>,
}

fn library_root() -> Result<PathBuf> {
    match std::env::var_os("ATELIER_LIBRARY") {
        Some(dir) => Ok(PathBuf::from(dir)),
        None => Library::default_root().context("no data folder is known for this user: set ATELIER_LIBRARY"),
    }
}

/// A native command's failure, in the `{code, message}` every edge speaks.
fn failure(code: ErrorCode, message: impl std::fmt::Display) -> ApiError {
    ApiError::new(code, message.to_string())
}

/// The original file of an asset, for the native commands.
fn original(native: &Native, id: &str) -> Result<PathBuf, ApiError> {
    let id: AssetId = id.parse().map_err(ApiError::from)?;
    native
        .library
        .as_owner()
        .original_path(id)
        .map_err(|e| failure(e.code(), e))
}

/// Shows an asset's original in the system file manager.
#[tauri::command]
fn reveal(app: tauri::AppHandle, native: tauri::State<'_, Native>, id: String) -> Result<(), ApiError> {
    let path = original(&native, &id)?;
    app.opener()
        .reveal_item_in_dir(&path)
        .map_err(|e| failure(ErrorCode::IoError, e))
}

/// Opens an asset's original with the system's default app for its type.
#[tauri::command]
fn open_with(app: tauri::AppHandle, native: tauri::State<'_, Native>, id: String) -> Result<(), ApiError> {
    let path = original(&native, &id)?;
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| failure(ErrorCode::IoError, e))
}

/// Starts dragging the originals of `ids` out of the window (at most 1,000), while the mouse
/// button that asked is still down.
#[tauri::command]
async fn drag_out(
    window: tauri::WebviewWindow,
    native: tauri::State<'_, Native>,
    ids: Vec<String>,
) -> Result<(), ApiError> {
    if ids.is_empty() || ids.len() > 1000 {
        return Err(failure(
            ErrorCode::SelectionTooLarge,
            format!("drag between 1 and 1,000 assets, not {}", ids.len()),
        ));
    }
    let mut paths = Vec::with_capacity(ids.len());
    for id in &ids {
        let path = original(&native, id)?;
        if !path.is_file() {
            return Err(failure(
                ErrorCode::FileMissing,
                format!(
                    "{} is not on disk (missing or offline), so it can't be dragged",
                    path.display()
                ),
            ));
        }
        paths.push(path);
    }
    let icon = ids
        .first()
        .and_then(|id| id.parse::<AssetId>().ok())
        .and_then(|id| native.library.as_owner().show(id).ok())
        .and_then(|d| d.thumbnail)
        .map(PathBuf::from);
    crate::drag_out::start(&window, paths, icon).map_err(|e| failure(ErrorCode::IoError, e))
}

/// Asks for folders or files with the system's picker; the chosen paths (empty when cancelled).
///
/// `ATELIER_DESKTOP_PICK` (paths joined like `PATH`) answers instead of the picker: a GTK file
/// chooser can't be driven over WebDriver, so the desktop smoke test stands in for the user's
/// choice this way and everything after the pick stays real.
#[tauri::command]
async fn pick(app: tauri::AppHandle, folders: bool) -> Result<Vec<String>, ApiError> {
    if let Some(given) = std::env::var_os("ATELIER_DESKTOP_PICK") {
        return Ok(std::env::split_paths(&given)
            .map(|p| p.to_string_lossy().into_owned())
            .collect());
    }
    // An async command runs off the main thread, where the blocking pickers are allowed.
    let dialog = app.dialog().file();
    let picked = if folders {
        dialog.blocking_pick_folders()
    } else {
        dialog.blocking_pick_files()
    };
    Ok(picked
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.into_path().ok())
        .map(|p| p.to_string_lossy().into_owned())
        .collect())
}

/// Opens the library and the window; returns when the window closes.
pub fn run() -> Result<()> {
    let root = library_root()?;
    let library = Arc::new(
        Library::open(&root).with_context(|| format!("cannot open the library at {}", root.display()))?,
    );
    // One library for the server and the native commands: a second handle would hold a second
    // copy of the catalog's in-memory indexes.
    let native = Native {
        library: library.clone(),
    };
    let served = library;
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .manage(native)
        .invoke_handler(tauri::generate_handler![reveal, open_with, pick, drag_out])
        .setup(move |app| {
            let (tx, rx) = mpsc::channel();
            tauri::async_runtime::spawn(async move {
                let result = atelier_web::serve(
                    served,
                    0,
                    true,
                    move |_, url| drop(tx.send(url)),
                    std::future::pending(),
                )
                .await;
                if let Err(e) = result {
                    eprintln!("atelier-desktop: the library server stopped: {e}");
                }
            });
            let url = rx
                .recv_timeout(Duration::from_secs(30))
                .context("the library server did not start")?;
            let window = WebviewWindowBuilder::new(app, "main", WebviewUrl::External(url.parse()?))
                .title("Atelier")
                .inner_size(1280.0, 800.0)
                .min_inner_size(900.0, 600.0)
                .build()?;
            window.set_focus()?;
            let _ = app.get_webview_window("main");
            Ok(())
        })
        .run(tauri::generate_context!())
        .context("the desktop window failed")?;
    Ok(())
}

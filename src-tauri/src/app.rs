//! The shell: starts atelier-web in this process on a free loopback port, opens the main window
//! on it (the URL carries the session token), and offers the few things a browser can't do —
//! reveal in folder and open with (commands below), native file and folder pickers and OS
//! notifications (Tauri plugins, reached from the UI through `window.__TAURI__`).
//!
//! Knows no SQL and no HTTP routes: the library answers through atelier-web and atelier-library.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result};
use atelier_domain::AssetId;
use atelier_library::Library;
use tauri::{Manager, WebviewUrl, WebviewWindowBuilder};
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

/// The original file of an asset, for the native commands.
fn original(native: &Native, id: &str) -> Result<PathBuf, String> {
    let id: AssetId = id.parse().map_err(|e: atelier_domain::InvalidInput| e.message)?;
    native.library.original_path(id).map_err(|e| e.to_string())
}

/// Shows an asset's original in the system file manager.
#[tauri::command]
fn reveal(app: tauri::AppHandle, native: tauri::State<'_, Native>, id: String) -> Result<(), String> {
    let path = original(&native, &id)?;
    app.opener().reveal_item_in_dir(&path).map_err(|e| e.to_string())
}

/// Opens an asset's original with the system's default app for its type.
#[tauri::command]
fn open_with(app: tauri::AppHandle, native: tauri::State<'_, Native>, id: String) -> Result<(), String> {
    let path = original(&native, &id)?;
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| e.to_string())
}

/// Opens the library and the window; returns when the window closes.
pub fn run() -> Result<()> {
    let root = library_root()?;
    let served =
        Library::open(&root).with_context(|| format!("cannot open the library at {}", root.display()))?;
    // A second handle for the native commands: SQLite's WAL lets both read at once.
    let native = Native {
        library: Arc::new(Library::open(&root)?),
    };
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .manage(native)
        .invoke_handler(tauri::generate_handler![reveal, open_with])
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

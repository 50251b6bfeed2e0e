//! Tauri's build step: reads tauri.conf.json and the capabilities, declares the app's commands.

fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&["reveal", "open_with", "pick", "drag_out"]),
    ))
    .unwrap_or_else(|e| panic!("tauri build step failed: {e:#}"));
}

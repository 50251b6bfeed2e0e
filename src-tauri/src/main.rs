//! `atelier-desktop`: the native window around Atelier's web UI.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod app;
mod drag_out;

fn main() -> std::process::ExitCode {
    match app::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("atelier-desktop: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

//! Rebuilds atelier-web when the built UI (ui/dist, embedded by rust-embed) changes or first
//! appears: without this, a binary compiled before `npm run build` would keep serving the
//! "UI not built" page.

fn main() {
    println!("cargo:rerun-if-changed=../../ui/dist");
}

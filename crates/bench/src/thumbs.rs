//! `thumbs`: the grid thumbnail of each file given, timed on one thread from its bytes in
//! memory (median of several runs): what import spends per file, RAWs with an embedded preview
//! above all. atelier-media only; touches no library.

use std::path::PathBuf;
use std::time::Instant;

use atelier_media::{Detected, THUMB_SIDE, detect, read_metadata, render};
use serde::Serialize;

use crate::{BenchError, Result};

/// One file's grid-thumbnail time.
#[derive(Debug, Clone, Serialize)]
pub struct ThumbTiming {
    /// The file.
    pub path: String,
    /// What it is ("Canon CRW RAW"…).
    pub format: String,
    /// Median time to make its grid thumbnail from its bytes in memory, on one thread, ms.
    pub p50_ms: f64,
}

/// Times the grid thumbnail of each file (read once, rendered `runs` times on this thread, so
/// the time is CPU time): what import spends per RAW with an embedded preview.
pub fn thumbnails(paths: &[PathBuf], runs: usize) -> Result<Vec<ThumbTiming>> {
    let mut out = Vec::new();
    for path in paths {
        let bytes = std::fs::read(path).map_err(|e| BenchError::io(path, e))?;
        let ext = path.extension().and_then(|e| e.to_str());
        let Detected::Known(format) = detect(&bytes, ext) else {
            continue;
        };
        let Ok(meta) = read_metadata(&bytes, format) else {
            continue;
        };
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs.max(1) {
            let t = Instant::now();
            if render(&bytes, format, meta.orientation, THUMB_SIDE).is_err() {
                break;
            }
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        if times.is_empty() {
            continue;
        }
        times.sort_by(f64::total_cmp);
        out.push(ThumbTiming {
            path: path.to_string_lossy().into_owned(),
            format: format.describe(),
            p50_ms: times[times.len() / 2],
        });
    }
    Ok(out)
}

//! Videos, through the `ffprobe` and `ffmpeg` programs (Debian's `ffmpeg` package): duration,
//! size, codec, rotation and capture time ([`probe`]), and a poster frame ([`poster`]).
//!
//! Both take a path: videos are too big to read into memory, and ffmpeg seeks in the file. The
//! byte-based entry points of this crate still accept videos by writing them to a temporary file
//! first; an importer should call [`crate::read_metadata_path`] and [`crate::render_path`].
//!
//! Without the programs every call fails with [`MediaError::ToolMissing`]; a broken or truncated
//! file fails with a reason taken from what ffprobe/ffmpeg said, in words a person can act on.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::pixels::{Pixels, Rendition, encode, fit};
use crate::{CaptureTime, MediaError};

/// How long ffprobe may take on one file.
const PROBE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long ffmpeg may take to extract one frame.
const POSTER_TIMEOUT: Duration = Duration::from_secs(60);

/// What ffprobe says about a video.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoInfo {
    /// Duration in seconds, when the container knows it.
    pub duration_secs: Option<f64>,
    /// Coded width of the first video stream (before rotation).
    pub width: u32,
    /// Coded height of the first video stream (before rotation).
    pub height: u32,
    /// The video codec, ffmpeg's short name ("h264", "hevc", "vp9", "mjpeg"…).
    pub codec: String,
    /// Clockwise rotation to apply for display: 0, 90, 180 or 270.
    pub rotation: u16,
    /// Width ÷ height of one pixel (1 for square pixels; DV and DVD video differ).
    pub pixel_aspect: f64,
    /// The container, ffmpeg's short name ("mov,mp4,m4a,3gp,3g2,mj2", "avi", "matroska,webm"…).
    pub container: String,
    /// When it was recorded, from the container's tags (QuickTime creation date, MP4
    /// `creation_time`, AVI `IDIT`), when present.
    pub captured_at: Option<CaptureTime>,
    /// Camera maker, from QuickTime tags, when present.
    pub camera_make: Option<String>,
    /// Camera model, from QuickTime tags, when present.
    pub camera_model: Option<String>,
    /// Frames per second (the stream's average), when known.
    pub frame_rate: Option<f64>,
    /// Bits per second of the whole file (the container's, else the video stream's), when known.
    pub bit_rate: Option<u64>,
    /// The first audio stream's codec, ffmpeg's short name ("aac", "pcm_s16le"…); `None`: silent.
    pub audio_codec: Option<String>,
}

impl VideoInfo {
    /// Size for display: rotation and pixel aspect applied.
    pub fn display_size(&self) -> (u32, u32) {
        let w = ((f64::from(self.width) * self.pixel_aspect).round() as u32).max(1);
        if self.rotation % 180 == 90 {
            (self.height, w)
        } else {
            (w, self.height)
        }
    }

    /// The EXIF orientation equivalent to the rotation (1, 6, 3 or 8).
    pub fn orientation(&self) -> u8 {
        match self.rotation {
            90 => 6,
            180 => 3,
            270 => 8,
            _ => 1,
        }
    }
}

fn missing() -> MediaError {
    MediaError::ToolMissing {
        tool: "ffmpeg",
        hint: "install it to import videos (apt install ffmpeg)",
    }
}

fn corrupt(reason: impl Into<String>) -> MediaError {
    MediaError::Corrupt {
        format: "video",
        reason: reason.into(),
    }
}

/// A person's reason from ffmpeg's error output.
fn reason_from(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lower = text.to_lowercase();
    if lower.contains("moov atom not found") {
        return "the file is truncated or was never finished (its index, the moov atom, is missing)".into();
    }
    if lower.contains("end of file") || lower.contains("truncat") || lower.contains("partial file") {
        return "the file is truncated".into();
    }
    if lower.contains("invalid data found") {
        return "the file is damaged or is not a video ffmpeg can read".into();
    }
    if lower.contains("no such file") {
        return "the file disappeared".into();
    }
    if lower.contains("permission denied") {
        return "permission denied".into();
    }
    // The last line usually carries the conclusion; strip ffmpeg's "[mov,mp4 @ 0x…]" prefix.
    let line = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("ffmpeg failed");
    let line = match line.split_once("] ") {
        Some((head, rest)) if head.starts_with('[') => rest,
        _ => line,
    };
    line.trim().chars().take(200).collect()
}

/// Runs a program to completion (or until `timeout`), collecting its output.
fn run(mut cmd: Command, timeout: Duration) -> Result<(bool, Vec<u8>, Vec<u8>), MediaError> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => missing(),
        _ => MediaError::Io {
            reason: format!("could not start ffmpeg: {e}"),
        },
    })?;
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(corrupt(format!(
                    "ffmpeg gave up after {} seconds on this file",
                    timeout.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                return Err(MediaError::Io {
                    reason: format!("ffmpeg did not finish: {e}"),
                });
            }
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    Ok((status.success(), stdout, stderr))
}

/// `file:` keeps ffmpeg from reading a name as an option or a protocol ("-x.mp4", "http:…").
fn input(path: &Path) -> std::ffi::OsString {
    let mut s = std::ffi::OsString::from("file:");
    s.push(path.as_os_str());
    s
}

fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|n: &f64| n.is_finite())
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Parses the capture-time forms containers use.
fn capture_time(s: &str) -> Option<CaptureTime> {
    let s = s.trim();
    if s.starts_with("1970-01-01") || s.starts_with("1904-01-01") || s.starts_with("0000") {
        return None; // an unset clock
    }
    CaptureTime::from_iso(s)
        .or_else(|| CaptureTime::from_exif(s, None))
        .or_else(|| {
            // AVI IDIT: "MON JAN 20 08:13:24 2003" (ctime).
            let t = chrono::NaiveDateTime::parse_from_str(
                &s.split_whitespace().collect::<Vec<_>>().join(" "),
                "%a %b %d %H:%M:%S %Y",
            )
            .ok()?;
            CaptureTime::from_exif(&t.format("%Y:%m:%d %H:%M:%S").to_string(), None)
        })
}

/// Reads what ffprobe says about the video at `path`.
pub fn probe(path: &Path) -> Result<VideoInfo, MediaError> {
    let mut cmd = Command::new("ffprobe");
    cmd.args([
        "-v",
        "error",
        "-hide_banner",
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
        "-i",
    ])
    .arg(input(path));
    let (ok, stdout, stderr) = run(cmd, PROBE_TIMEOUT)?;
    if !ok {
        return Err(corrupt(reason_from(&stderr)));
    }
    let json: Value = serde_json::from_slice(&stdout)
        .map_err(|e| corrupt(format!("ffprobe's answer was unreadable: {e}")))?;
    let streams = json
        .get("streams")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let video = streams
        .iter()
        .find(|s| {
            s.get("codec_type").and_then(Value::as_str) == Some("video")
                && s.pointer("/disposition/attached_pic").and_then(Value::as_i64) != Some(1)
        })
        .ok_or_else(|| corrupt("it holds no video stream"))?;
    let width = number(video.get("width")).unwrap_or(0.0) as u32;
    let height = number(video.get("height")).unwrap_or(0.0) as u32;
    if width == 0 || height == 0 {
        return Err(corrupt(if stderr.is_empty() {
            "its video stream has no picture size".to_string()
        } else {
            reason_from(&stderr)
        }));
    }
    let format = json.get("format");
    let duration = number(format.and_then(|f| f.get("duration")))
        .or_else(|| number(video.get("duration")))
        .filter(|d| *d >= 0.0);
    // Display matrix rotation is counter-clockwise; the old `rotate` tag is clockwise.
    let rotation = video
        .get("side_data_list")
        .and_then(Value::as_array)
        .and_then(|list| list.iter().find_map(|d| number(d.get("rotation"))))
        .map(|ccw| -ccw)
        .or_else(|| number(video.pointer("/tags/rotate")))
        .map(|cw| ((cw.round() as i64).rem_euclid(360) as u16 + 45) / 90 * 90 % 360)
        .unwrap_or(0);
    let pixel_aspect = text(video.get("sample_aspect_ratio"))
        .and_then(|s| {
            let (n, d) = s.split_once(':')?;
            let (n, d): (f64, f64) = (n.parse().ok()?, d.parse().ok()?);
            (n > 0.0 && d > 0.0).then_some(n / d)
        })
        .filter(|a| (0.25..=4.0).contains(a))
        .unwrap_or(1.0);
    let tag = |name: &str| {
        text(format.and_then(|f| f.pointer(&format!("/tags/{name}"))))
            .or_else(|| text(video.pointer(&format!("/tags/{name}"))))
    };
    let captured_at = ["com.apple.quicktime.creationdate", "creation_time", "date"]
        .iter()
        .find_map(|k| tag(k).as_deref().and_then(capture_time));
    // "30000/1001": a ratio; "0/0" when unknown.
    let frame_rate = ["avg_frame_rate", "r_frame_rate"].iter().find_map(|k| {
        let (n, d) = text(video.get(*k))?
            .split_once('/')
            .map(|(n, d)| (n.to_string(), d.to_string()))?;
        let (n, d): (f64, f64) = (n.parse().ok()?, d.parse().ok()?);
        (n > 0.0 && d > 0.0).then_some(n / d).filter(|f| *f < 1000.0)
    });
    let bit_rate = number(format.and_then(|f| f.get("bit_rate")))
        .or_else(|| number(video.get("bit_rate")))
        .filter(|b| *b > 0.0)
        .map(|b| b as u64);
    let audio_codec = streams
        .iter()
        .find(|s| s.get("codec_type").and_then(Value::as_str) == Some("audio"))
        .and_then(|s| text(s.get("codec_name")));
    Ok(VideoInfo {
        frame_rate,
        bit_rate,
        audio_codec,
        duration_secs: duration,
        width,
        height,
        codec: text(video.get("codec_name")).unwrap_or_else(|| "unknown".into()),
        rotation,
        pixel_aspect,
        container: text(format.and_then(|f| f.get("format_name"))).unwrap_or_default(),
        captured_at,
        camera_make: tag("com.apple.quicktime.make").or_else(|| tag("make")),
        camera_model: tag("com.apple.quicktime.model").or_else(|| tag("model")),
    })
}

/// When the poster frame is taken: 10 % into the video, at most 1 s in.
fn poster_time(info: &VideoInfo) -> f64 {
    info.duration_secs.map_or(0.0, |d| (d * 0.1).min(1.0))
}

/// Extracts a poster frame of the video at `path` (rotation applied, fitted to `max_side`),
/// encoded as JPEG.
pub fn poster(path: &Path, max_side: u32) -> Result<Rendition, MediaError> {
    let info = probe(path)?;
    let (dw, dh) = info.display_size();
    let (tw, th) = fit(dw, dh, max_side);
    let frame = |at: f64| -> Result<Option<Vec<u8>>, MediaError> {
        let mut cmd = Command::new("ffmpeg");
        cmd.args(["-v", "error", "-hide_banner", "-nostdin"]);
        if at > 0.0 {
            cmd.args(["-ss", &format!("{at:.3}")]);
        }
        cmd.arg("-i").arg(input(path)).args([
            "-map",
            "0:v:0",
            "-frames:v",
            "1",
            "-vf",
            &format!("scale={tw}:{th}:flags=bicubic,setsar=1"),
            "-pix_fmt",
            "rgb24",
            "-f",
            "rawvideo",
            "pipe:1",
        ]);
        let (_, stdout, _) = run(cmd, POSTER_TIMEOUT)?;
        let want = tw as usize * th as usize * 3;
        Ok((stdout.len() >= want).then(|| stdout[..want].to_vec()))
    };
    let at = poster_time(&info);
    let pixels = match frame(at)? {
        Some(p) => Some(p),
        // Seeking can land past what a damaged file holds: try the very first frame.
        None if at > 0.0 => frame(0.0)?,
        None => None,
    }
    .ok_or_else(|| {
        corrupt("no frame of it could be decoded (the file is damaged or holds no picture data)")
    })?;
    let img = image::RgbImage::from_raw(tw, th, pixels).ok_or_else(|| corrupt("frame size mismatch"))?;
    encode(Pixels::Rgb(img))
}

/// Reads a whole file, with a reason when it cannot be read.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, MediaError> {
    std::fs::read(path).map_err(|e| MediaError::Io {
        reason: match e.kind() {
            std::io::ErrorKind::NotFound => "the file does not exist".into(),
            std::io::ErrorKind::PermissionDenied => "permission denied".into(),
            _ => e.to_string(),
        },
    })
}

/// A temporary file removed when dropped.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs `f` on a temporary copy of `bytes` (for the byte-based entry points).
pub(crate) fn with_temp_file<T>(
    bytes: &[u8],
    f: impl FnOnce(&Path) -> Result<T, MediaError>,
) -> Result<T, MediaError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("atelier-media-{}-{n}.video", std::process::id()));
    let file = TempFile(path);
    std::fs::write(&file.0, bytes).map_err(|e| MediaError::Io {
        reason: format!("could not write a temporary copy for ffmpeg: {e}"),
    })?;
    f(&file.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(rotation: u16, duration: Option<f64>) -> VideoInfo {
        VideoInfo {
            duration_secs: duration,
            width: 1920,
            height: 1080,
            codec: "h264".into(),
            rotation,
            pixel_aspect: 1.0,
            container: "mov,mp4,m4a,3gp,3g2,mj2".into(),
            captured_at: None,
            camera_make: None,
            camera_model: None,
            frame_rate: None,
            bit_rate: None,
            audio_codec: None,
        }
    }

    #[test]
    fn rotation_turns_the_display_size_and_maps_to_orientation() {
        assert_eq!(info(90, None).display_size(), (1080, 1920));
        assert_eq!(info(90, None).orientation(), 6);
        assert_eq!(info(270, None).orientation(), 8);
        assert_eq!(info(0, None).display_size(), (1920, 1080));
    }

    #[test]
    fn the_poster_is_taken_at_ten_percent_but_at_most_one_second() {
        assert_eq!(poster_time(&info(0, Some(5.0))), 0.5);
        assert_eq!(poster_time(&info(0, Some(600.0))), 1.0);
        assert_eq!(poster_time(&info(0, None)), 0.0);
    }

    #[test]
    fn container_dates_are_parsed() {
        assert_eq!(
            capture_time("2021-07-24T14:23:06.000000Z").unwrap().iso,
            "2021-07-24T14:23:06+00:00"
        );
        assert_eq!(
            capture_time("2021-07-24T14:23:06-0600").unwrap().iso,
            "2021-07-24T14:23:06-06:00"
        );
        assert_eq!(
            capture_time("MON JAN 20 08:13:24 2003").unwrap().iso,
            "2003-01-20T08:13:24"
        );
        assert_eq!(capture_time("1970-01-01T00:00:00.000000Z"), None);
    }

    #[test]
    fn ffmpeg_messages_become_reasons() {
        assert!(
            reason_from(b"[mov,mp4,m4a @ 0x55] moov atom not found\nfoo: Invalid data").contains("moov atom")
        );
        assert_eq!(reason_from(b"[matroska @ 0x1] Something odd\n"), "Something odd");
    }

    #[test]
    fn a_missing_program_is_reported_as_such() {
        let err = run(Command::new("atelier-no-such-program-ffmpeg"), PROBE_TIMEOUT).unwrap_err();
        assert_eq!(
            err.to_string(),
            "ffmpeg is not installed: install it to import videos (apt install ffmpeg)"
        );
    }
}

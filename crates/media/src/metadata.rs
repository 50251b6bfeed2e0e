//! Everything a file says about itself, merged from EXIF, IPTC, XMP and AI generation
//! parameters into one [`Metadata`] (SPEC R2.4–R2.5). Where sources disagree, XMP (what
//! editing tools wrote last) wins over IPTC, which wins over EXIF. RAW, HEIF/AVIF, SVG and
//! video files bring their own sources (see [`read_metadata`]).

use chrono::{NaiveDate, NaiveDateTime, Timelike};
use serde_json::{Map, Value, json};

use crate::containers::blocks;
use crate::exif::ExifData;
use crate::generation::{self, Generation};
use crate::render::dimensions;
use crate::video::VideoInfo;
use crate::{Format, MediaError, iptc, xmp};

/// When a picture was taken, as the camera recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureTime {
    /// ISO 8601: `2019-05-01T14:03:22`, with `+02:00` when the file records the offset, or a
    /// bare date when only the date is known.
    pub iso: String,
    /// Wall-clock seconds since 1970 (offset ignored): the Captured sort key.
    pub sort_key: i64,
}

impl CaptureTime {
    /// Parses EXIF's `YYYY:MM:DD HH:MM:SS` plus an optional `+HH:MM` offset. Zeroed dates
    /// ("0000:00:00 00:00:00", written by cameras without a clock) are `None`.
    pub fn from_exif(text: &str, offset: Option<&str>) -> Option<Self> {
        Self::from_exif_parts(text, None, offset)
    }

    /// As [`CaptureTime::from_exif`], with EXIF's SubSecTime digits (`"144"` is 0.144 s):
    /// frames of a burst shot within one second differ only there.
    pub fn from_exif_parts(text: &str, subsec: Option<&str>, offset: Option<&str>) -> Option<Self> {
        let t = text.trim().trim_end_matches('\0');
        let local = [
            "%Y:%m:%d %H:%M:%S",
            "%Y-%m-%d %H:%M:%S",
            "%Y:%m:%d %H:%M",
            "%Y/%m/%d %H:%M:%S",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_and_remainder(t, f).ok().map(|(d, _)| d))?;
        let digits = subsec
            .map(|s| s.trim().trim_end_matches('\0'))
            .unwrap_or_default();
        let local = if !digits.is_empty() && digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit()) {
            let nanos: u32 = format!("{digits:0<9}").parse().unwrap_or(0);
            local.with_nanosecond(nanos).unwrap_or(local)
        } else {
            local
        };
        let offset = offset.and_then(parse_offset);
        Some(Self::new(local, offset))
    }

    /// Parses the ISO 8601 forms XMP and IPTC use (`2019-05-01T14:03:22.50+02:00`,
    /// `2019-05-01T14:03`, `2019-05-01`).
    pub fn from_iso(text: &str) -> Option<Self> {
        let t = text.trim();
        if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            return Some(CaptureTime {
                iso: d.format("%Y-%m-%d").to_string(),
                sort_key: d.and_hms_opt(0, 0, 0)?.and_utc().timestamp(),
            });
        }
        let (body, offset) = split_offset(t);
        let local = [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(body, f).ok())?;
        Some(Self::new(local, offset.and_then(parse_offset)))
    }

    fn new(local: NaiveDateTime, offset_minutes: Option<i32>) -> Self {
        // Milliseconds only when the file records a fraction of a second.
        let format = if local.nanosecond() == 0 {
            "%Y-%m-%dT%H:%M:%S"
        } else {
            "%Y-%m-%dT%H:%M:%S%.3f"
        };
        let mut iso = local.format(format).to_string();
        if let Some(m) = offset_minutes {
            let sign = if m < 0 { '-' } else { '+' };
            iso.push_str(&format!("{sign}{:02}:{:02}", m.abs() / 60, m.abs() % 60));
        }
        CaptureTime {
            iso,
            sort_key: local.and_utc().timestamp(),
        }
    }
}

fn split_offset(t: &str) -> (&str, Option<&str>) {
    if let Some(body) = t.strip_suffix('Z') {
        return (body, Some("+00:00"));
    }
    // An offset is a trailing +HH:MM / -HH:MM after the time part.
    if let Some(tpos) = t.find('T')
        && let Some(pos) = t[tpos..].rfind(['+', '-'])
    {
        return (&t[..tpos + pos], Some(&t[tpos + pos..]));
    }
    (t, None)
}

fn parse_offset(s: &str) -> Option<i32> {
    let s = s.trim();
    let sign = match s.chars().next()? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let digits: String = s[1..].chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 4 {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = digits[2..].parse().ok()?;
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

/// GPS position in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gps {
    /// North positive.
    pub latitude: f64,
    /// East positive.
    pub longitude: f64,
    /// Metres, when recorded.
    pub altitude: Option<f64>,
}

/// Exposure settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exposure {
    /// "1/250".
    pub time: Option<String>,
    /// f-number.
    pub f_number: Option<f64>,
    /// ISO.
    pub iso: Option<u32>,
    /// Focal length, mm.
    pub focal_length: Option<f64>,
}

/// What a file says about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    /// Stored pixel width (before orientation).
    pub width: u32,
    /// Stored pixel height (before orientation).
    pub height: u32,
    /// EXIF orientation 1–8 (1 when absent).
    pub orientation: u8,
    /// Capture time.
    pub captured_at: Option<CaptureTime>,
    /// Camera maker.
    pub camera_make: Option<String>,
    /// Camera model.
    pub camera_model: Option<String>,
    /// Lens.
    pub lens: Option<String>,
    /// Exposure.
    pub exposure: Exposure,
    /// Location.
    pub gps: Option<Gps>,
    /// Title.
    pub title: Option<String>,
    /// Description / caption.
    pub description: Option<String>,
    /// Keywords, in the order found, without case-insensitive duplicates.
    pub keywords: Vec<String>,
    /// Rating 0–5 as recorded (XMP may say -1 for rejected: clamped to 0).
    pub rating: Option<u8>,
    /// AI generation parameters.
    pub generation: Option<Generation>,
    /// Display values for the Info panel and `show --json` (for videos also `duration_secs`,
    /// `video_codec`, `rotation` and `container`).
    pub exif: Map<String, Value>,
    /// What ffprobe said, for videos.
    pub video: Option<VideoInfo>,
}

/// Reads dimensions and metadata of a supported image. Damaged metadata is skipped (the
/// pixels may be fine); an unreadable image header is an error.
///
/// RAW files report their declared full size and the EXIF inside them; HEIC/HEIF and AVIF their
/// stored size and EXIF/XMP blocks, with an orientation that matches what libheif does to the
/// pixels; SVGs their declared size. Videos are accepted for compatibility (through a temporary
/// file); prefer [`read_metadata_path`], which never reads a video into memory.
pub fn read_metadata(bytes: &[u8], format: Format) -> Result<Metadata, MediaError> {
    match format {
        Format::Raw(name) => {
            let scan = crate::raw::scan(bytes, name)?;
            let (width, height) = scan.dimensions().ok_or(MediaError::NoImage { format: name })?;
            let orientation = scan.exif.orientation.or(scan.orientation);
            Ok(merge(Sources {
                width,
                height,
                orientation,
                exif: scan.exif,
                xmp: scan.xmp,
                ..Sources::default()
            }))
        }
        Format::Heif | Format::Avif => {
            let meta = match crate::heif::metadata(bytes, format) {
                Err(e) if crate::heif::is_sequence(&e) => {
                    return crate::video::with_temp_file(bytes, crate::video::probe)
                        .map(from_video)
                        .map_err(|_| e);
                }
                other => other?,
            };
            let exif = meta
                .exif
                .as_deref()
                .and_then(crate::exif::parse)
                .unwrap_or_default();
            let orientation = Some(crate::heif::orientation(exif.orientation, meta.turned));
            Ok(merge(Sources {
                width: meta.width,
                height: meta.height,
                orientation,
                exif,
                xmp: meta.xmp.as_deref(),
                ..Sources::default()
            }))
        }
        Format::Svg => {
            let (width, height) = crate::svg::dimensions(bytes)?;
            Ok(merge(Sources {
                width,
                height,
                ..Sources::default()
            }))
        }
        Format::Video(_) => crate::video::with_temp_file(bytes, crate::video::probe).map(from_video),
        _ => {
            let (width, height) = dimensions(bytes, format)?;
            let mut found = blocks(bytes, format);
            // Parameters hidden in the pixels by a "stealth pnginfo" extension, when no text
            // chunk carries any.
            if format == Format::Png
                && crate::generation::from_png_text(&found.text).is_none()
                && let Some(parameters) = crate::stealth::read(bytes)
            {
                found.text.push(("parameters".into(), parameters));
            }
            let exif = found.exif.and_then(crate::exif::parse).unwrap_or_default();
            let xmp = found.xmp.or_else(|| {
                found
                    .text
                    .iter()
                    .find(|(k, _)| k == "XML:com.adobe.xmp")
                    .map(|(_, v)| v.as_bytes())
            });
            Ok(merge(Sources {
                width,
                height,
                orientation: None,
                exif,
                xmp,
                app13: found.app13,
                text: &found.text,
            }))
        }
    }
}

/// Reads the metadata of the file at `path`: videos through ffprobe without reading them into
/// memory, every other format by reading the file and calling [`read_metadata`].
pub fn read_metadata_path(path: &std::path::Path, format: Format) -> Result<Metadata, MediaError> {
    match format {
        Format::Video(_) => crate::video::probe(path).map(from_video),
        _ => read_metadata(&crate::video::read_file(path)?, format),
    }
}

/// A video's metadata: coded size, the rotation as an orientation, capture time and camera from
/// the container's tags, and the whole [`VideoInfo`].
fn from_video(info: VideoInfo) -> Metadata {
    let exif = ExifData {
        make: info.camera_make.clone(),
        model: info.camera_model.clone(),
        ..ExifData::default()
    };
    let mut m = merge(Sources {
        width: info.width,
        height: info.height,
        orientation: Some(info.orientation()),
        exif,
        ..Sources::default()
    });
    m.captured_at = info.captured_at.clone();
    if let Some(d) = info.duration_secs {
        m.exif
            .insert("duration_secs".into(), json!((d * 1000.0).round() / 1000.0));
    }
    m.exif.insert("video_codec".into(), json!(info.codec));
    if info.rotation != 0 {
        m.exif.insert("rotation".into(), json!(info.rotation));
    }
    m.exif.insert("container".into(), json!(info.container));
    if let Some(fps) = info.frame_rate {
        m.exif
            .insert("frame_rate".into(), json!((fps * 1000.0).round() / 1000.0));
    }
    if let Some(rate) = info.bit_rate {
        m.exif.insert("bit_rate".into(), json!(rate));
    }
    if let Some(audio) = &info.audio_codec {
        m.exif.insert("audio_codec".into(), json!(audio));
    }
    m.video = Some(info);
    m
}

/// Everything found in a file, before merging.
#[derive(Default)]
struct Sources<'a> {
    width: u32,
    height: u32,
    /// Overrides EXIF's (HEIF, CRW, videos).
    orientation: Option<u8>,
    exif: ExifData,
    xmp: Option<&'a [u8]>,
    app13: Option<&'a [u8]>,
    text: &'a [(String, String)],
}

fn merge(s: Sources<'_>) -> Metadata {
    let Sources {
        width,
        height,
        orientation,
        exif,
        xmp,
        app13,
        text,
    } = s;
    let xmp = xmp.and_then(xmp::parse).unwrap_or_default();
    let iptc = app13.and_then(iptc::parse_app13).unwrap_or_default();

    let generation = generation::from_png_text(text).or_else(|| {
        exif.user_comment
            .as_deref()
            .and_then(generation::from_user_comment)
    });

    let captured_at = exif
        .date_time_original
        .as_deref()
        .and_then(|t| {
            CaptureTime::from_exif_parts(
                t,
                exif.sub_sec_time_original.as_deref(),
                exif.offset_time.as_deref(),
            )
        })
        .or_else(|| xmp.created.as_deref().and_then(CaptureTime::from_iso))
        .or_else(|| iptc.created.as_deref().and_then(CaptureTime::from_iso));

    let mut keywords: Vec<String> = Vec::new();
    for k in xmp.keywords.iter().chain(&iptc.keywords).chain(&exif.keywords) {
        let k = k.trim();
        if !k.is_empty()
            && !keywords
                .iter()
                .any(|e| e.eq_ignore_ascii_case(k) || e.to_lowercase() == k.to_lowercase())
        {
            keywords.push(k.to_string());
        }
    }
    let rating = xmp
        .rating
        .map(|r| atelier_domain::Rating::from_foreign(r).stars())
        .or(exif
            .rating
            .map(|r| atelier_domain::Rating::from_foreign(f64::from(r)).stars()));
    let gps = match (exif.gps_latitude, exif.gps_longitude) {
        (Some(latitude), Some(longitude)) => Some(Gps {
            latitude,
            longitude,
            altitude: exif.gps_altitude,
        }),
        _ => None,
    };

    Metadata {
        width,
        height,
        orientation: orientation.or(exif.orientation).unwrap_or(1),
        captured_at,
        camera_make: exif.make.clone(),
        camera_model: exif.model.clone(),
        lens: exif.lens.clone(),
        exposure: Exposure {
            time: exif.exposure_time.clone(),
            f_number: exif.f_number,
            iso: exif.iso,
            focal_length: exif.focal_length,
        },
        gps,
        title: xmp.title.or(iptc.title).or_else(|| exif.title.clone()),
        description: xmp
            .description
            .or(iptc.description)
            .or_else(|| exif.description.clone()),
        keywords,
        rating,
        generation,
        exif: display_values(&exif),
        video: None,
    }
}

fn display_values(e: &ExifData) -> Map<String, Value> {
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        if !v.is_null() {
            m.insert(k.to_string(), v);
        }
    };
    put("make", json!(e.make));
    put("model", json!(e.model));
    put("lens", json!(e.lens));
    put("exposure_time", json!(e.exposure_time));
    put("f_number", json!(e.f_number));
    put("iso", json!(e.iso));
    put("focal_length", json!(e.focal_length));
    put("focal_length_35mm", json!(e.focal_length_35mm));
    put("exposure_bias", json!(e.exposure_bias));
    put("date_time_original", json!(e.date_time_original));
    put("offset_time", json!(e.offset_time));
    put("software", json!(e.software));
    put("artist", json!(e.artist));
    put("copyright", json!(e.copyright));
    if let (Some(lat), Some(lon)) = (e.gps_latitude, e.gps_longitude) {
        put(
            "gps",
            json!({ "latitude": lat, "longitude": lon, "altitude": e.gps_altitude }),
        );
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exif_times_keep_the_offset_when_recorded() {
        let t = CaptureTime::from_exif("2019:05:01 14:03:22", Some("+02:00")).unwrap();
        assert_eq!(t.iso, "2019-05-01T14:03:22+02:00");
        let t = CaptureTime::from_exif("2019:05:01 14:03:22", None).unwrap();
        assert_eq!(t.iso, "2019-05-01T14:03:22");
        assert_eq!(t.sort_key, 1_556_719_402);
        assert_eq!(CaptureTime::from_exif("0000:00:00 00:00:00", None), None);
        assert_eq!(CaptureTime::from_exif("    :  :     :  :  ", None), None);
    }

    #[test]
    fn sub_seconds_tell_burst_frames_apart() {
        let a = CaptureTime::from_exif_parts("2020:04:17 10:03:42", Some("144"), None).unwrap();
        let b = CaptureTime::from_exif_parts("2020:04:17 10:03:42", Some("262"), None).unwrap();
        assert_eq!(a.iso, "2020-04-17T10:03:42.144");
        assert_ne!(a.iso, b.iso);
        assert_eq!(a.sort_key, b.sort_key, "the sort key stays in seconds");
        let t = CaptureTime::from_exif_parts("2020:04:17 10:03:42", Some("00"), Some("+02:00")).unwrap();
        assert_eq!(t.iso, "2020-04-17T10:03:42+02:00");
        let t = CaptureTime::from_exif_parts("2020:04:17 10:03:42", Some("5"), None).unwrap();
        assert_eq!(t.iso, "2020-04-17T10:03:42.500");
        let t = CaptureTime::from_exif_parts("2020:04:17 10:03:42", Some("junk"), None).unwrap();
        assert_eq!(t.iso, "2020-04-17T10:03:42");
    }

    #[test]
    fn iso_times_from_xmp_and_iptc() {
        assert_eq!(
            CaptureTime::from_iso("2010-03-04T05:06:07.25-05:30").unwrap().iso,
            "2010-03-04T05:06:07.250-05:30"
        );
        assert_eq!(
            CaptureTime::from_iso("2010-03-04T05:06:07Z").unwrap().iso,
            "2010-03-04T05:06:07+00:00"
        );
        assert_eq!(
            CaptureTime::from_iso("2010-03-04T05:06").unwrap().iso,
            "2010-03-04T05:06:00"
        );
        assert_eq!(CaptureTime::from_iso("2010-03-04").unwrap().iso, "2010-03-04");
        assert_eq!(CaptureTime::from_iso("yesterday"), None);
    }
}

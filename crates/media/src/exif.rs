//! EXIF, read with kamadak-exif from the raw TIFF structure a container holds: orientation,
//! capture time, camera, lens, exposure, GPS, the embedded description and rating, the
//! Windows keywords, and the UserComment that A1111 writes its parameters into.

use exif::{Exif, Field, In, Tag, Value};
use serde::Serialize;

/// The EXIF values Atelier uses.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExifData {
    /// Orientation 1–8.
    pub orientation: Option<u8>,
    /// DateTimeOriginal (or DateTimeDigitized) as written, "YYYY:MM:DD HH:MM:SS".
    pub date_time_original: Option<String>,
    /// SubSecTimeOriginal (or SubSecTimeDigitized): the fraction of a second, digits as written.
    pub sub_sec_time_original: Option<String>,
    /// OffsetTimeOriginal (or OffsetTimeDigitized / OffsetTime), "+HH:MM".
    pub offset_time: Option<String>,
    /// Camera maker.
    pub make: Option<String>,
    /// Camera model.
    pub model: Option<String>,
    /// Lens model (or maker + model).
    pub lens: Option<String>,
    /// Exposure time, "1/250" or "2.5".
    pub exposure_time: Option<String>,
    /// F-number.
    pub f_number: Option<f64>,
    /// ISO sensitivity.
    pub iso: Option<u32>,
    /// Focal length in mm.
    pub focal_length: Option<f64>,
    /// 35 mm equivalent focal length.
    pub focal_length_35mm: Option<u32>,
    /// Exposure bias in EV.
    pub exposure_bias: Option<f64>,
    /// Latitude in degrees, north positive.
    pub gps_latitude: Option<f64>,
    /// Longitude in degrees, east positive.
    pub gps_longitude: Option<f64>,
    /// Altitude in metres.
    pub gps_altitude: Option<f64>,
    /// ImageDescription, unless it is a camera's placeholder.
    pub description: Option<String>,
    /// Artist.
    pub artist: Option<String>,
    /// Copyright.
    pub copyright: Option<String>,
    /// Software.
    pub software: Option<String>,
    /// Windows rating (0x4746).
    pub rating: Option<u16>,
    /// Windows XPKeywords, split on ';'.
    pub keywords: Vec<String>,
    /// Windows XPTitle.
    pub title: Option<String>,
    /// UserComment, decoded.
    pub user_comment: Option<String>,
}

impl ExifData {
    /// Fills every value still missing from `other` (a second EXIF block of the same file, as in
    /// CR3's separate IFD0, EXIF and GPS boxes).
    pub fn fill_from(&mut self, other: ExifData) {
        macro_rules! fill {
            ($($f:ident),*) => {$(
                if self.$f.is_none() {
                    self.$f = other.$f;
                }
            )*};
        }
        fill!(
            orientation,
            date_time_original,
            offset_time,
            make,
            model,
            lens,
            exposure_time,
            f_number,
            iso,
            focal_length,
            focal_length_35mm,
            exposure_bias,
            gps_latitude,
            gps_longitude,
            gps_altitude,
            description,
            artist,
            copyright,
            software,
            rating,
            title,
            user_comment
        );
        if self.keywords.is_empty() {
            self.keywords = other.keywords;
        }
    }
}

/// Descriptions cameras write by default; they describe nothing.
const PLACEHOLDER_DESCRIPTIONS: &[&str] = &[
    "olympus digital camera",
    "sony dsc",
    "default",
    "digital camera",
    "kodak csc",
    "minolta digital camera",
    "sanyo digital camera",
    "konica minolta digital camera",
    "ricoh",
    "exif_jpeg_picture",
    "camera",
];

const RATING: Tag = Tag(exif::Context::Tiff, 0x4746);
const IFD0_DATE_TIME_ORIGINAL: Tag = Tag(exif::Context::Tiff, 0x9003);
const XP_TITLE: Tag = Tag(exif::Context::Tiff, 0x9C9B);
const XP_KEYWORDS: Tag = Tag(exif::Context::Tiff, 0x9C9E);

/// Parses raw EXIF (a TIFF structure, with or without the JPEG "Exif\0\0" prefix). Damaged
/// EXIF yields whatever could be read; unreadable EXIF yields `None`.
pub fn parse(raw: &[u8]) -> Option<ExifData> {
    let raw = raw.strip_prefix(b"Exif\0\0").unwrap_or(raw);
    let exif = exif::Reader::new()
        .continue_on_error(true)
        .read_raw(raw.to_vec())
        .or_else(|e| e.distill_partial_result(|_| {}))
        .ok()?;
    Some(extract(&exif))
}

fn extract(exif: &Exif) -> ExifData {
    let field = |tag: Tag| exif.get_field(tag, In::PRIMARY);
    let text = |tag: Tag| field(tag).and_then(ascii);
    let (lat, lon) = (
        gps_coord(exif, Tag::GPSLatitude, Tag::GPSLatitudeRef, b'S'),
        gps_coord(exif, Tag::GPSLongitude, Tag::GPSLongitudeRef, b'W'),
    );
    let lens = text(Tag::LensModel).map(|model| match text(Tag::LensMake) {
        Some(make) if !model.to_lowercase().starts_with(&make.to_lowercase()) => format!("{make} {model}"),
        _ => model,
    });
    ExifData {
        orientation: field(Tag::Orientation)
            .and_then(|f| f.value.get_uint(0))
            .and_then(|v| u8::try_from(v).ok())
            .filter(|v| (1..=8).contains(v)),
        // Some writers (old Kodak and Nikon RAWs) put DateTimeOriginal in IFD0.
        date_time_original: text(Tag::DateTimeOriginal)
            .or_else(|| text(Tag::DateTimeDigitized))
            .or_else(|| text(IFD0_DATE_TIME_ORIGINAL)),
        sub_sec_time_original: text(Tag::SubSecTimeOriginal).or_else(|| text(Tag::SubSecTimeDigitized)),
        offset_time: text(Tag::OffsetTimeOriginal)
            .or_else(|| text(Tag::OffsetTimeDigitized))
            .or_else(|| text(Tag::OffsetTime)),
        make: text(Tag::Make),
        model: text(Tag::Model),
        lens,
        exposure_time: field(Tag::ExposureTime).and_then(exposure_time),
        f_number: field(Tag::FNumber).and_then(rational),
        iso: field(Tag::PhotographicSensitivity)
            .and_then(|f| f.value.get_uint(0))
            .filter(|v| *v > 0),
        focal_length: field(Tag::FocalLength).and_then(rational),
        focal_length_35mm: field(Tag::FocalLengthIn35mmFilm)
            .and_then(|f| f.value.get_uint(0))
            .filter(|v| *v > 0),
        exposure_bias: field(Tag::ExposureBiasValue).and_then(rational),
        gps_latitude: lat,
        gps_longitude: lon,
        gps_altitude: gps_altitude(exif),
        description: text(Tag::ImageDescription)
            .filter(|d| !PLACEHOLDER_DESCRIPTIONS.contains(&d.to_lowercase().as_str())),
        artist: text(Tag::Artist),
        copyright: text(Tag::Copyright),
        software: text(Tag::Software),
        rating: field(RATING)
            .and_then(|f| f.value.get_uint(0))
            .and_then(|v| u16::try_from(v).ok()),
        keywords: field(XP_KEYWORDS)
            .and_then(utf16_bytes)
            .map(|s| {
                s.split(';')
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        title: field(XP_TITLE).and_then(utf16_bytes),
        user_comment: field(Tag::UserComment).and_then(user_comment),
    }
}

/// An ASCII field's first string, trimmed; `None` when blank.
fn ascii(f: &Field) -> Option<String> {
    let Value::Ascii(parts) = &f.value else {
        return None;
    };
    let bytes = parts.first()?;
    let s = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    };
    let s = s
        .trim_matches(|c: char| c.is_whitespace() || c == '\0')
        .to_string();
    (!s.is_empty()).then_some(s)
}

fn rational(f: &Field) -> Option<f64> {
    let v = match &f.value {
        Value::Rational(v) => v.first().filter(|r| r.denom != 0).map(|r| r.to_f64()),
        Value::SRational(v) => v.first().filter(|r| r.denom != 0).map(|r| r.to_f64()),
        _ => None,
    }?;
    v.is_finite().then_some((v * 1000.0).round() / 1000.0)
}

fn exposure_time(f: &Field) -> Option<String> {
    let Value::Rational(v) = &f.value else { return None };
    let r = v.first().filter(|r| r.denom != 0 && r.num != 0)?;
    let secs = r.to_f64();
    Some(if secs >= 1.0 {
        format!("{}", (secs * 10.0).round() / 10.0)
    } else {
        format!("1/{}", (1.0 / secs).round() as u64)
    })
}

fn gps_coord(exif: &Exif, tag: Tag, reference: Tag, negative: u8) -> Option<f64> {
    let Value::Rational(parts) = &exif.get_field(tag, In::PRIMARY)?.value else {
        return None;
    };
    if parts.len() < 3 || parts.iter().take(3).any(|r| r.denom == 0) {
        return None;
    }
    let deg = parts[0].to_f64() + parts[1].to_f64() / 60.0 + parts[2].to_f64() / 3600.0;
    if !(0.0..=180.0).contains(&deg) {
        return None;
    }
    let sign = match exif.get_field(reference, In::PRIMARY).map(|f| &f.value) {
        Some(Value::Ascii(r)) if r.first().and_then(|s| s.first()) == Some(&negative) => -1.0,
        _ => 1.0,
    };
    Some((sign * deg * 1e7).round() / 1e7)
}

fn gps_altitude(exif: &Exif) -> Option<f64> {
    let alt = rational(exif.get_field(Tag::GPSAltitude, In::PRIMARY)?)?;
    let below = matches!(exif.get_field(Tag::GPSAltitudeRef, In::PRIMARY).map(|f| &f.value), Some(Value::Byte(b)) if b.first() == Some(&1));
    Some(if below { -alt } else { alt })
}

/// Windows XP* tags: UTF-16LE in a BYTE array.
fn utf16_bytes(f: &Field) -> Option<String> {
    let bytes = match &f.value {
        Value::Byte(b) => b.as_slice(),
        Value::Undefined(b, _) => b.as_slice(),
        _ => return None,
    };
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let s = String::from_utf16_lossy(&units)
        .trim_matches(|c: char| c == '\0' || c.is_whitespace())
        .to_string();
    (!s.is_empty()).then_some(s)
}

/// UserComment: an 8-byte character-code prefix, then the text.
fn user_comment(f: &Field) -> Option<String> {
    let Value::Undefined(bytes, _) = &f.value else {
        return None;
    };
    decode_user_comment(bytes)
}

/// Decodes an EXIF UserComment. `UNICODE` is UTF-16 whose byte order writers disagree on
/// (A1111 writes big-endian even in little-endian files), so the order is guessed from the
/// zero bytes of the text.
pub fn decode_user_comment(bytes: &[u8]) -> Option<String> {
    if bytes.len() < 8 {
        return None;
    }
    let (code, body) = bytes.split_at(8);
    let text = if code.starts_with(b"UNICODE") {
        let be_zeros = body.iter().step_by(2).filter(|b| **b == 0).count();
        let le_zeros = body.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
        let units: Vec<u16> = body
            .chunks_exact(2)
            .map(|c| {
                if be_zeros >= le_zeros {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(body).into_owned()
    };
    let text = text
        .trim_matches(|c: char| c == '\0' || c.is_whitespace())
        .to_string();
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_comment_decodes_both_utf16_orders_and_ascii() {
        let mut be = b"UNICODE\0".to_vec();
        be.extend("hi there".encode_utf16().flat_map(|u| u.to_be_bytes()));
        assert_eq!(decode_user_comment(&be).as_deref(), Some("hi there"));
        let mut le = b"UNICODE\0".to_vec();
        le.extend("hi there".encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(decode_user_comment(&le).as_deref(), Some("hi there"));
        assert_eq!(decode_user_comment(b"ASCII\0\0\0steps").as_deref(), Some("steps"));
        assert_eq!(decode_user_comment(b"ASCII\0\0\0    ").as_deref(), None);
    }

    #[test]
    fn garbage_is_not_exif() {
        assert_eq!(parse(b"not a tiff at all"), None);
        assert_eq!(parse(b""), None);
    }
}

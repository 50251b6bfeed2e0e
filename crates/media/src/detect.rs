//! What a file is, from its first bytes — never from its extension alone. The extension only
//! tells apart dialects that share a container (a TIFF that is really a NEF) and names formats
//! this build cannot open, so that the import report can say what they were.

use atelier_domain::Kind;

/// A file format Atelier recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JPEG / JFIF / EXIF.
    Jpeg,
    /// PNG (APNG shows its first frame).
    Png,
    /// WebP.
    Webp,
    /// GIF (first frame).
    Gif,
    /// TIFF (first page).
    Tiff,
    /// Windows bitmap.
    Bmp,
    /// HEIC / HEIF.
    Heif,
    /// AVIF.
    Avif,
    /// SVG vector image.
    Svg,
    /// Camera RAW; the string names it ("Nikon NEF").
    Raw(&'static str),
    /// Video; the string names the container ("QuickTime MOV").
    Video(&'static str),
    /// A model file; the string names it ("safetensors").
    Model(&'static str),
}

impl Format {
    /// Short lower-case name stored in the catalog.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Webp => "webp",
            Format::Gif => "gif",
            Format::Tiff => "tiff",
            Format::Bmp => "bmp",
            Format::Heif => "heif",
            Format::Avif => "avif",
            Format::Svg => "svg",
            Format::Raw(_) => "raw",
            Format::Video(_) => "video",
            Format::Model(_) => "model",
        }
    }

    /// A person's name for it, used in reasons ("Canon CR2 RAW is not supported yet").
    pub fn describe(self) -> String {
        match self {
            Format::Raw(what) => format!("{what} RAW"),
            Format::Video(what) => format!("{what} video"),
            Format::Model(what) => format!("{what} model"),
            Format::Heif => "HEIC/HEIF".into(),
            other => other.name().to_uppercase(),
        }
    }

    /// MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
            Format::Gif => "image/gif",
            Format::Tiff => "image/tiff",
            Format::Bmp => "image/bmp",
            Format::Heif => "image/heif",
            Format::Avif => "image/avif",
            Format::Svg => "image/svg+xml",
            Format::Raw(_) => "image/x-raw",
            Format::Video("QuickTime MOV") => "video/quicktime",
            Format::Video("WebM") => "video/webm",
            Format::Video("Matroska MKV") => "video/x-matroska",
            Format::Video("AVI") => "video/x-msvideo",
            Format::Video("MPEG") => "video/mpeg",
            Format::Video(_) => "video/mp4",
            Format::Model(_) => "application/octet-stream",
        }
    }

    /// Whether the asset is an image or a video; `None` for models.
    pub fn kind(self) -> Option<Kind> {
        match self {
            Format::Video(_) => Some(Kind::Video),
            Format::Model(_) => None,
            _ => Some(Kind::Image),
        }
    }

    /// Whether this build reads and renders it: every image and video format (a RAW or a video
    /// that turns out unreadable is refused with a reason by `read_metadata`/`render`). Models
    /// are recognised but skipped with "not supported yet".
    pub fn is_supported(self) -> bool {
        !matches!(self, Format::Model(_))
    }
}

/// What [`detect`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detected {
    /// A known format.
    Known(Format),
    /// Not a media file Atelier knows; the hint says what it seems to be, when known.
    Unknown(Option<String>),
}

const RAW_EXTENSIONS: &[(&str, &str)] = &[
    ("cr2", "Canon CR2"),
    ("cr3", "Canon CR3"),
    ("crw", "Canon CRW"),
    ("nef", "Nikon NEF"),
    ("nrw", "Nikon NRW"),
    ("arw", "Sony ARW"),
    ("srf", "Sony SRF"),
    ("sr2", "Sony SR2"),
    ("dng", "Adobe DNG"),
    ("raf", "Fujifilm RAF"),
    ("orf", "Olympus ORF"),
    ("rw2", "Panasonic RW2"),
    ("pef", "Pentax PEF"),
    ("srw", "Samsung SRW"),
    ("x3f", "Sigma X3F"),
    ("kdc", "Kodak KDC"),
    ("dcr", "Kodak DCR"),
    ("mrw", "Minolta MRW"),
    ("3fr", "Hasselblad 3FR"),
    ("iiq", "Phase One IIQ"),
    ("erf", "Epson ERF"),
    ("mos", "Leaf MOS"),
    ("gpr", "GoPro GPR"),
    ("rwl", "Leica RWL"),
];

const MODEL_EXTENSIONS: &[(&str, &str)] = &[
    ("safetensors", "safetensors"),
    ("ckpt", "checkpoint"),
    ("pt", "PyTorch"),
    ("pth", "PyTorch"),
    ("gguf", "GGUF"),
];

fn raw_by_ext(ext: &str) -> Option<&'static str> {
    RAW_EXTENSIONS.iter().find(|(e, _)| *e == ext).map(|(_, n)| *n)
}

/// Recognises a file from its first bytes (at least 64 KiB when available), using
/// `extension` only to tell apart formats that share a container.
pub fn detect(head: &[u8], extension: Option<&str>) -> Detected {
    let ext = extension.map(str::to_ascii_lowercase).unwrap_or_default();
    let starts = |magic: &[u8]| head.starts_with(magic);

    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Detected::Known(Format::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Detected::Known(Format::Png);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Detected::Known(Format::Gif);
    }
    if starts(b"RIFF") && head.len() >= 12 {
        match &head[8..12] {
            b"WEBP" => return Detected::Known(Format::Webp),
            b"AVI " => return Detected::Known(Format::Video("AVI")),
            _ => {}
        }
    }
    if starts(b"II\x1a\x00\x00\x00HEAPCCDR") {
        return Detected::Known(Format::Raw("Canon CRW"));
    }
    if starts(b"FUJIFILMCCD-RAW") {
        return Detected::Known(Format::Raw("Fujifilm RAF"));
    }
    if starts(b"FOVb") {
        return Detected::Known(Format::Raw("Sigma X3F"));
    }
    if starts(b"IIRO") || starts(b"IIRS") || starts(b"MMOR") {
        return Detected::Known(Format::Raw("Olympus ORF"));
    }
    if starts(b"IIU\x00") {
        return Detected::Known(Format::Raw("Panasonic RW2"));
    }
    if starts(b"\x00MRM") {
        return Detected::Known(Format::Raw("Minolta MRW"));
    }
    if starts(b"II*\x00") || starts(b"MM\x00*") {
        if head.len() > 10 && &head[8..10] == b"CR" {
            return Detected::Known(Format::Raw("Canon CR2"));
        }
        if let Some(raw) = raw_by_ext(&ext) {
            return Detected::Known(Format::Raw(raw));
        }
        if tiff_has_tag(head, 0xC612) {
            return Detected::Known(Format::Raw("Adobe DNG"));
        }
        return Detected::Known(Format::Tiff);
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return Detected::Known(isobmff(head));
    }
    // Old QuickTime files start straight with their media data or movie box (no ftyp).
    if head.len() >= 16
        && matches!(&head[4..8], b"mdat" | b"moov" | b"wide" | b"pnot")
        && u32::from_be_bytes([head[0], head[1], head[2], head[3]]) >= 8
    {
        return Detected::Known(Format::Video("QuickTime MOV"));
    }
    if starts(&[0x1A, 0x45, 0xDF, 0xA3]) {
        let probe = &head[..head.len().min(64)];
        let webm = probe.windows(4).any(|w| w == b"webm");
        return Detected::Known(Format::Video(if webm { "WebM" } else { "Matroska MKV" }));
    }
    if starts(&[0x00, 0x00, 0x01, 0xBA]) || starts(&[0x00, 0x00, 0x01, 0xB3]) {
        return Detected::Known(Format::Video("MPEG"));
    }
    if head.len() > 376 && head[0] == 0x47 && head[188] == 0x47 && head[376] == 0x47 {
        return Detected::Known(Format::Video("MPEG-TS"));
    }
    if starts(b"BM") && looks_like_bmp(head) {
        return Detected::Known(Format::Bmp);
    }
    if starts(b"GGUF") {
        return Detected::Known(Format::Model("GGUF"));
    }
    if looks_like_safetensors(head) {
        return Detected::Known(Format::Model("safetensors"));
    }
    if (starts(b"PK\x03\x04") || starts(&[0x80, 0x02]) || starts(&[0x80, 0x04]))
        && let Some((_, name)) = MODEL_EXTENSIONS.iter().find(|(e, _)| *e == ext)
    {
        return Detected::Known(Format::Model(name));
    }
    if looks_like_svg(head) {
        return Detected::Known(Format::Svg);
    }
    // Recognised by extension only: formats whose content varies by camera (old Kodak,
    // Leaf…). They are never decoded from this guess, only reported.
    if let Some(raw) = raw_by_ext(&ext) {
        return Detected::Known(Format::Raw(raw));
    }
    match infer::get(head) {
        Some(t) if t.matcher_type() == infer::MatcherType::Video => {
            Detected::Known(Format::Video(video_label(t.mime_type())))
        }
        other => Detected::Unknown(other.map(|t| t.mime_type().to_string())),
    }
}

fn video_label(mime: &str) -> &'static str {
    match mime {
        "video/quicktime" => "QuickTime MOV",
        "video/x-msvideo" => "AVI",
        "video/x-flv" => "FLV",
        "video/x-ms-wmv" => "WMV",
        "video/mpeg" => "MPEG",
        "video/webm" => "WebM",
        "video/x-matroska" => "Matroska MKV",
        _ => "MP4",
    }
}

fn isobmff(head: &[u8]) -> Format {
    let size = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
    let end = size.clamp(12, head.len());
    let major = &head[8..12];
    let compatible: Vec<&[u8]> = head.get(16..end).unwrap_or_default().chunks_exact(4).collect();
    let has = |b: &[u8]| major == b || compatible.contains(&b);
    if has(b"crx ") {
        Format::Raw("Canon CR3")
    } else if has(b"avif") || has(b"avis") {
        Format::Avif
    } else if ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"]
        .iter()
        .any(|b| has(b.as_bytes()))
    {
        Format::Heif
    } else if major == b"qt  " {
        Format::Video("QuickTime MOV")
    } else {
        Format::Video("MP4")
    }
}

fn looks_like_bmp(head: &[u8]) -> bool {
    head.len() >= 18
        && head[6..10] == [0, 0, 0, 0]
        && matches!(
            u32::from_le_bytes([head[14], head[15], head[16], head[17]]),
            12 | 40 | 52 | 56 | 64 | 108 | 124
        )
}

fn looks_like_safetensors(head: &[u8]) -> bool {
    if head.len() < 10 {
        return false;
    }
    let n = u64::from_le_bytes([
        head[0], head[1], head[2], head[3], head[4], head[5], head[6], head[7],
    ]);
    n > 1 && n < 100_000_000 && head[8] == b'{'
}

fn looks_like_svg(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    (t.starts_with("<?xml")
        || t.starts_with("<svg")
        || t.starts_with("<!--")
        || t.starts_with("<!DOCTYPE svg"))
        && t.contains("<svg")
}

/// Whether IFD0 of a TIFF holds `tag` (within the bytes given).
fn tiff_has_tag(head: &[u8], tag: u16) -> bool {
    let le = head.starts_with(b"II");
    let u16_at = |i: usize| {
        head.get(i..i + 2).map(|b| {
            if le {
                u16::from_le_bytes([b[0], b[1]])
            } else {
                u16::from_be_bytes([b[0], b[1]])
            }
        })
    };
    let u32_at = |i: usize| {
        head.get(i..i + 4).map(|b| {
            if le {
                u32::from_le_bytes([b[0], b[1], b[2], b[3]])
            } else {
                u32::from_be_bytes([b[0], b[1], b[2], b[3]])
            }
        })
    };
    let Some(ifd) = u32_at(4).map(|v| v as usize) else {
        return false;
    };
    let Some(count) = u16_at(ifd) else { return false };
    (0..count as usize).any(|i| u16_at(ifd + 2 + i * 12) == Some(tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_wins_over_the_extension() {
        assert_eq!(
            detect(b"\x89PNG\r\n\x1a\n....", Some("jpg")),
            Detected::Known(Format::Png)
        );
        assert_eq!(
            detect(&[0xFF, 0xD8, 0xFF, 0xE0], Some("png")),
            Detected::Known(Format::Jpeg)
        );
    }

    #[test]
    fn tiff_dialects_use_the_extension() {
        let tiff = b"II*\x00\x08\x00\x00\x00\x00\x00";
        assert_eq!(
            detect(tiff, Some("NEF")),
            Detected::Known(Format::Raw("Nikon NEF"))
        );
        assert_eq!(detect(tiff, Some("tif")), Detected::Known(Format::Tiff));
    }

    #[test]
    fn iso_media_brands_are_told_apart() {
        let ftyp = |brand: &[u8]| {
            let mut v = vec![0, 0, 0, 16];
            v.extend_from_slice(b"ftyp");
            v.extend_from_slice(brand);
            v.extend_from_slice(&[0, 0, 0, 0]);
            v
        };
        assert_eq!(detect(&ftyp(b"heic"), None), Detected::Known(Format::Heif));
        assert_eq!(detect(&ftyp(b"avif"), None), Detected::Known(Format::Avif));
        assert_eq!(
            detect(&ftyp(b"crx "), None),
            Detected::Known(Format::Raw("Canon CR3"))
        );
        assert_eq!(
            detect(&ftyp(b"qt  "), None),
            Detected::Known(Format::Video("QuickTime MOV"))
        );
        assert_eq!(
            detect(&ftyp(b"isom"), None),
            Detected::Known(Format::Video("MP4"))
        );
        let mut old_qt = vec![0, 0, 0, 0x40];
        old_qt.extend(b"mdat");
        old_qt.extend([0x80; 12]);
        assert_eq!(
            detect(&old_qt, Some("MOV")),
            Detected::Known(Format::Video("QuickTime MOV"))
        );
    }

    #[test]
    fn text_and_unknown_files_are_unknown() {
        assert_eq!(detect(b"hello world", Some("jpg")), Detected::Unknown(None));
        assert_eq!(
            detect(b"%PDF-1.7\n", None),
            Detected::Unknown(Some("application/pdf".into()))
        );
        assert_eq!(
            detect(b"<?xml version=\"1.0\"?>\n<svg xmlns=\"\"/>", None),
            Detected::Known(Format::Svg)
        );
    }

    #[test]
    fn images_and_videos_are_supported_models_are_not() {
        assert!(Format::Jpeg.is_supported());
        assert!(Format::Heif.is_supported());
        assert!(Format::Avif.is_supported());
        assert!(Format::Svg.is_supported());
        assert!(Format::Raw("Nikon NEF").is_supported());
        assert!(Format::Video("MP4").is_supported());
        assert!(!Format::Model("GGUF").is_supported());
        assert_eq!(Format::Raw("Nikon NEF").describe(), "Nikon NEF RAW");
    }
}

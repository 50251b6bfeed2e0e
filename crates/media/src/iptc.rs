//! IPTC-IIM records from a JPEG's Photoshop APP13 segment: title, caption, keywords, creation
//! date.
//!
//! Pure byte parsing: the caller finds the segment (or a TIFF's IPTC-NAA tag) and hands over its
//! payload. Truncated or malformed input never panics; it yields what was read before the damage.

/// The IPTC fields Atelier reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Iptc {
    /// 2:05 Object Name.
    pub title: Option<String>,
    /// 2:120 Caption/Abstract.
    pub description: Option<String>,
    /// 2:25 Keywords.
    pub keywords: Vec<String>,
    /// 2:55 Date Created + 2:60 Time Created, as "YYYY-MM-DDTHH:MM:SS[+HH:MM]"; only
    /// "YYYY-MM-DD" when no time was recorded ("YYYY-MM" or "YYYY" when IPTC's 00 marks an
    /// unknown day or month).
    pub created: Option<String>,
}

/// The header that opens a Photoshop APP13 segment.
const PHOTOSHOP_HEADER: &[u8] = b"Photoshop 3.0\0";
/// The image resource that holds IPTC-IIM records.
const IPTC_RESOURCE_ID: u16 = 0x0404;

/// Parses the payload of an APP13 "Photoshop 3.0" segment.
///
/// Also accepts a payload that starts directly with `8BIM` resources, or with IIM records
/// (`0x1C`). Returns `None` when no IPTC record with a value Atelier reads is present.
pub fn parse_app13(payload: &[u8]) -> Option<Iptc> {
    if payload.first() == Some(&0x1C) {
        return parse_iim(payload);
    }
    let resources = payload.strip_prefix(PHOTOSHOP_HEADER).unwrap_or(payload);
    let mut iim = Vec::new();
    for (id, data) in ImageResources(resources) {
        if id == IPTC_RESOURCE_ID {
            iim.extend_from_slice(data);
        }
    }
    parse_iim(&iim)
}

/// Parses raw IPTC-IIM records (the content of 8BIM resource 0x0404, or of a TIFF's IPTC-NAA
/// tag 33723). Returns `None` when none of the fields Atelier reads is present.
pub fn parse_iim(data: &[u8]) -> Option<Iptc> {
    let mut utf8 = false;
    let mut title = None;
    let mut description = None;
    let mut keywords: Vec<Vec<u8>> = Vec::new();
    let mut date = None;
    let mut time = None;
    for (record, dataset, value) in Records(data) {
        match (record, dataset) {
            // ESC % G announces UTF-8.
            (1, 90) => utf8 = value.windows(3).any(|w| w == b"\x1b%G"),
            (2, 5) => title = Some(value),
            (2, 120) => description = Some(value),
            (2, 25) => keywords.push(value.to_vec()),
            (2, 55) => date = Some(value),
            (2, 60) => time = Some(value),
            _ => {}
        }
    }
    let text = |bytes: &[u8]| {
        let s = decode_text(bytes, utf8);
        let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\0');
        (!t.is_empty()).then(|| t.to_string())
    };
    let mut iptc = Iptc {
        title: title.and_then(text),
        description: description.and_then(text),
        keywords: Vec::new(),
        created: date.and_then(|d| created(d, time)),
    };
    for keyword in keywords.iter().filter_map(|k| text(k)) {
        if !iptc.keywords.contains(&keyword) {
            iptc.keywords.push(keyword);
        }
    }
    let found = iptc.title.is_some()
        || iptc.description.is_some()
        || !iptc.keywords.is_empty()
        || iptc.created.is_some();
    found.then_some(iptc)
}

/// UTF-8 when declared or when the bytes are valid UTF-8, else Latin-1.
fn decode_text(bytes: &[u8], declared_utf8: bool) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) if declared_utf8 => String::from_utf8_lossy(bytes).into_owned(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

fn digits(bytes: &[u8]) -> Vec<u32> {
    bytes
        .iter()
        .filter(|b| b.is_ascii_digit())
        .map(|b| u32::from(b - b'0'))
        .collect()
}

fn number(d: &[u32]) -> u32 {
    d.iter().fold(0, |n, x| n * 10 + x)
}

/// 2:55 CCYYMMDD and 2:60 HHMMSS±HHMM as ISO 8601. Tolerates separators some writers add.
fn created(date: &[u8], time: Option<&[u8]>) -> Option<String> {
    let d = digits(date);
    if d.len() != 8 {
        return None;
    }
    let (year, month, day) = (number(&d[..4]), number(&d[4..6]), number(&d[6..]));
    if year == 0 || month > 12 || day > 31 {
        return None;
    }
    if month == 0 {
        return Some(format!("{year:04}"));
    }
    if day == 0 {
        return Some(format!("{year:04}-{month:02}"));
    }
    let mut out = format!("{year:04}-{month:02}-{day:02}");
    let Some(time) = time else {
        return Some(out);
    };
    let sign_at = time.iter().position(|b| *b == b'+' || *b == b'-');
    let (clock, zone) = match sign_at {
        Some(i) => (&time[..i], Some((time[i], &time[i + 1..]))),
        None => (time, None),
    };
    let t = digits(clock);
    if t.len() < 4 {
        return Some(out);
    }
    let (hour, minute) = (number(&t[..2]), number(&t[2..4]));
    let second = if t.len() >= 6 { number(&t[4..6]) } else { 0 };
    if hour > 24 || minute > 59 || second > 60 {
        return Some(out);
    }
    out.push_str(&format!("T{hour:02}:{minute:02}:{second:02}"));
    if let Some((sign, zone)) = zone {
        let z = digits(zone);
        if z.len() == 4 {
            let (zh, zm) = (number(&z[..2]), number(&z[2..]));
            if zh <= 14 && zm <= 59 {
                out.push_str(&format!("{}{zh:02}:{zm:02}", char::from(sign)));
            }
        }
    }
    Some(out)
}

/// Iterates Photoshop image resource blocks: `8BIM`, id (u16), Pascal name padded to even
/// length, size (u32), data padded to even length. Stops at the first malformed block.
struct ImageResources<'a>(&'a [u8]);

impl<'a> Iterator for ImageResources<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let b = self.0;
        // Photoshop's own signature, plus the ones other writers use.
        let signature = b.get(..4)?;
        if !matches!(signature, b"8BIM" | b"PHUT" | b"AgHg" | b"DCSR" | b"MeSa") {
            self.0 = &[];
            return None;
        }
        let id = u16::from_be_bytes([*b.get(4)?, *b.get(5)?]);
        let name_len = usize::from(*b.get(6)?);
        // The length byte plus the name, padded to an even total.
        let name_total = (1 + name_len + 1) & !1;
        let size_at = 6 + name_total;
        let size_bytes = b.get(size_at..size_at + 4);
        let Some(size_bytes) = size_bytes else {
            self.0 = &[];
            return None;
        };
        let size = u32::from_be_bytes([size_bytes[0], size_bytes[1], size_bytes[2], size_bytes[3]]);
        let data_at = size_at + 4;
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let data_end = data_at.saturating_add(size).min(b.len());
        let data = &b[data_at.min(b.len())..data_end];
        let next = data_end.saturating_add(size & 1).min(b.len());
        self.0 = &b[next..];
        Some((id, data))
    }
}

/// Iterates IIM datasets: 0x1C, record, dataset, length (u16, or extended when the top bit is
/// set: the low 15 bits count the length bytes that follow). Stops at the first malformed one;
/// a truncated value is cut to what is present.
struct Records<'a>(&'a [u8]);

impl<'a> Iterator for Records<'a> {
    type Item = (u8, u8, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let b = self.0;
        if b.first() != Some(&0x1C) || b.len() < 5 {
            self.0 = &[];
            return None;
        }
        let (record, dataset) = (b[1], b[2]);
        let raw_len = u16::from_be_bytes([b[3], b[4]]);
        let mut at = 5;
        let len = if raw_len & 0x8000 != 0 {
            let count = usize::from(raw_len & 0x7FFF);
            let Some(len_bytes) = b.get(at..at + count).filter(|l| l.len() <= 8) else {
                self.0 = &[];
                return None;
            };
            at += count;
            len_bytes.iter().fold(0u64, |n, x| (n << 8) | u64::from(*x))
        } else {
            u64::from(raw_len)
        };
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        let end = at.saturating_add(len).min(b.len());
        let value = &b[at..end];
        self.0 = &b[end..];
        Some((record, dataset, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn dataset(record: u8, dataset: u8, value: &[u8]) -> Vec<u8> {
        let mut out = vec![0x1C, record, dataset];
        out.extend_from_slice(&u16::try_from(value.len()).expect("short").to_be_bytes());
        out.extend_from_slice(value);
        out
    }

    fn resource(id: u16, name: &[u8], data: &[u8]) -> Vec<u8> {
        let mut out = b"8BIM".to_vec();
        out.extend_from_slice(&id.to_be_bytes());
        out.push(u8::try_from(name.len()).expect("name"));
        out.extend_from_slice(name);
        if (1 + name.len()) % 2 == 1 {
            out.push(0);
        }
        out.extend_from_slice(&u32::try_from(data.len()).expect("size").to_be_bytes());
        out.extend_from_slice(data);
        if data.len() % 2 == 1 {
            out.push(0);
        }
        out
    }

    fn app13(resources: &[Vec<u8>]) -> Vec<u8> {
        let mut out = PHOTOSHOP_HEADER.to_vec();
        for r in resources {
            out.extend_from_slice(r);
        }
        out
    }

    fn sample_iim() -> Vec<u8> {
        [
            dataset(1, 90, b"\x1b%G"),
            dataset(2, 0, &[0, 4]),
            dataset(2, 5, "Caf\u{e9} du monde".as_bytes()),
            dataset(2, 25, b"paris"),
            dataset(2, 25, b" night "),
            dataset(2, 25, b"paris"),
            dataset(2, 25, b""),
            dataset(2, 55, b"20240315"),
            dataset(2, 60, b"213005+0100"),
            dataset(2, 120, b"A caption, with commas"),
        ]
        .concat()
    }

    #[test]
    fn reads_title_caption_keywords_and_created() {
        // An odd-length data block and a named resource before the IPTC one exercise padding.
        let payload = app13(&[
            resource(0x03ED, b"", &[1, 2, 3]),
            resource(0x0425, b"abc", &[0; 16]),
            resource(IPTC_RESOURCE_ID, b"", &sample_iim()),
        ]);
        let iptc = parse_app13(&payload).expect("iptc");
        assert_eq!(iptc.title.as_deref(), Some("Caf\u{e9} du monde"));
        assert_eq!(iptc.description.as_deref(), Some("A caption, with commas"));
        assert_eq!(iptc.keywords, ["paris", "night"]);
        assert_eq!(iptc.created.as_deref(), Some("2024-03-15T21:30:05+01:00"));
    }

    #[test]
    fn latin1_text_without_charset_declaration() {
        let iim = [dataset(2, 5, b"Caf\xe9"), dataset(2, 25, b"\xfcber")].concat();
        let iptc = parse_app13(&app13(&[resource(IPTC_RESOURCE_ID, b"", &iim)])).expect("iptc");
        assert_eq!(iptc.title.as_deref(), Some("Caf\u{e9}"));
        assert_eq!(iptc.keywords, ["\u{fc}ber"]);
    }

    #[test]
    fn extended_length_dataset() {
        let caption = vec![b'x'; 40_000];
        let mut iim = vec![0x1C, 2, 120, 0x80, 0x04];
        iim.extend_from_slice(&u32::try_from(caption.len()).expect("len").to_be_bytes());
        iim.extend_from_slice(&caption);
        iim.extend(dataset(2, 5, b"after"));
        let iptc = parse_iim(&iim).expect("iptc");
        assert_eq!(iptc.description.map(|d| d.len()), Some(40_000));
        assert_eq!(iptc.title.as_deref(), Some("after"));
    }

    #[test]
    fn created_variants() {
        assert_eq!(created(b"20040226", None).as_deref(), Some("2004-02-26"));
        assert_eq!(
            created(b"20061029", Some(b"062751-0500")).as_deref(),
            Some("2006-10-29T06:27:51-05:00")
        );
        assert_eq!(
            created(b"20061029", Some(b"062751")).as_deref(),
            Some("2006-10-29T06:27:51")
        );
        assert_eq!(
            created(b"2006-10-29", Some(b"06:27:51+00:00")).as_deref(),
            Some("2006-10-29T06:27:51+00:00")
        );
        assert_eq!(created(b"20060000", None).as_deref(), Some("2006"));
        assert_eq!(created(b"20061000", None).as_deref(), Some("2006-10"));
        assert_eq!(created(b"2006", None), None);
        assert_eq!(created(b"20061399", None), None);
        assert_eq!(created(b"20061029", Some(b"99")).as_deref(), Some("2006-10-29"));
    }

    #[test]
    fn raw_iim_and_bare_resources_are_accepted() {
        assert!(parse_app13(&sample_iim()).is_some());
        assert!(parse_app13(&resource(IPTC_RESOURCE_ID, b"", &sample_iim())).is_some());
    }

    #[test]
    fn nothing_useful_gives_none() {
        assert_eq!(parse_app13(b""), None);
        assert_eq!(parse_app13(PHOTOSHOP_HEADER), None);
        assert_eq!(parse_app13(&app13(&[resource(0x040C, b"", &[0; 10])])), None);
        let blank = dataset(2, 120, b"    ");
        assert_eq!(
            parse_app13(&app13(&[resource(IPTC_RESOURCE_ID, b"", &blank)])),
            None
        );
    }

    #[test]
    fn truncated_input_never_panics() {
        let payload = app13(&[
            resource(0x0425, b"ab", &[7; 5]),
            resource(IPTC_RESOURCE_ID, b"", &sample_iim()),
        ]);
        for cut in 0..payload.len() {
            let _ = parse_app13(&payload[..cut]);
        }
        let cut_value = &payload[..payload.len() - 10];
        let iptc = parse_app13(cut_value).expect("partial");
        assert_eq!(iptc.title.as_deref(), Some("Caf\u{e9} du monde"));
        // A resource that claims more bytes than there are, and junk lengths.
        let mut lying = app13(&[]);
        lying.extend_from_slice(b"8BIM\x04\x04\x00\x00\xff\xff\xff\xff\x1c\x02\x05\x00\x03abc");
        assert_eq!(parse_app13(&lying).and_then(|i| i.title).as_deref(), Some("abc"));
        let _ = parse_iim(&[0x1C, 2, 5, 0xFF, 0xFF, 1, 2, 3]);
        let _ = parse_iim(&[0x1C, 2, 5, 0x80, 0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }

    fn corpus() -> Option<PathBuf> {
        let dir = std::env::var_os("ATELIER_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus")));
        if dir.is_dir() {
            Some(dir)
        } else {
            eprintln!("corpus not found at {}: skipping", dir.display());
            None
        }
    }

    /// The payload of the first APP13 "Photoshop 3.0" segment of a JPEG.
    fn app13_of(jpeg: &[u8]) -> Option<&[u8]> {
        let mut at = 2;
        while at + 4 <= jpeg.len() {
            if jpeg[at] != 0xFF {
                return None;
            }
            let marker = jpeg[at + 1];
            if marker == 0xDA || marker == 0xD9 {
                return None;
            }
            let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
            let payload = jpeg.get(at + 4..at + 2 + len)?;
            if marker == 0xED && payload.starts_with(PHOTOSHOP_HEADER) {
                return Some(payload);
            }
            at += 2 + len;
        }
        None
    }

    fn corpus_iptc(name: &str) -> Option<Option<Iptc>> {
        let bytes = std::fs::read(corpus()?.join("exif").join(name)).expect("read jpeg");
        Some(app13_of(&bytes).and_then(parse_app13))
    }

    #[test]
    fn exiftool_iptc_sample() {
        let Some(iptc) = corpus_iptc("exiftool/exiftool__t_images_IPTC.jpg") else {
            return;
        };
        let iptc = iptc.expect("iptc");
        assert_eq!(iptc.title.as_deref(), Some("Test IPTC picture"));
        assert_eq!(iptc.description.as_deref(), Some("A witty caption"));
        assert_eq!(iptc.keywords, ["ExifTool", "Test", "IPTC"]);
        assert_eq!(iptc.created.as_deref(), Some("2004-02-26"));
    }

    #[test]
    fn photomechanic_sample_has_time_and_offset() {
        let Some(iptc) = corpus_iptc("exiftool/exiftool__t_images_PhotoMechanic.jpg") else {
            return;
        };
        let iptc = iptc.expect("iptc");
        assert_eq!(iptc.title.as_deref(), Some("Object Name"));
        assert_eq!(iptc.description.as_deref(), Some("Caption"));
        assert_eq!(iptc.keywords, ["Keywords", "one", "three", "two"]);
        assert_eq!(iptc.created.as_deref(), Some("2006-10-29T06:27:51-05:00"));
    }

    #[test]
    fn blue_square_and_blank_caption_samples() {
        let Some(blue) = corpus_iptc("exif-samples/exif-samples__jpg_xmp_BlueSquare.jpg") else {
            return;
        };
        let blue = blue.expect("iptc");
        assert_eq!(blue.title.as_deref(), Some("Blue Square Test File - .jpg"));
        assert_eq!(
            blue.keywords,
            ["XMP", "Blue Square", "test file", "Photoshop", ".jpg"]
        );
        assert!(
            blue.description
                .is_some_and(|d| d.starts_with("XMPFiles BlueSquare test file"))
        );
        // UTF-8 declared, caption all blanks: nothing to report.
        assert_eq!(
            corpus_iptc("exif-samples/exif-samples__jpg_hdr_canon_hdr_NO.jpg"),
            Some(None)
        );
        let exiftool = corpus_iptc("exiftool/exiftool__t_images_ExifTool.jpg")
            .flatten()
            .expect("iptc");
        assert_eq!(exiftool.keywords, ["jambalaya"]);
    }
}

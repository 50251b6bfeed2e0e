//! Synthetic files, built here byte by byte, so each rule is seen to hold exactly.

use super::*;

/// A little-endian EXIF block: IFD0 with Orientation, a pointer to an EXIF directory
/// (UserComment) and to a GPS directory (latitude ref and an out-of-line latitude).
fn exif_block() -> Vec<u8> {
    let mut t = b"II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes());
    // IFD0 at 8: 3 entries → 2 + 36 + 4 = 42 bytes, ends at 50.
    t.extend_from_slice(&3u16.to_le_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, n: u32, v: u32| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&typ.to_le_bytes());
        t.extend_from_slice(&n.to_le_bytes());
        t.extend_from_slice(&v.to_le_bytes());
    };
    entry(&mut t, 0x0112, 3, 1, 6); // Orientation: rotate 90
    entry(&mut t, 0x8769, 4, 1, 50); // Exif IFD
    entry(&mut t, 0x8825, 4, 1, 100); // GPS IFD
    t.extend_from_slice(&0u32.to_le_bytes());
    // Exif IFD at 50: UserComment (UNDEFINED, 16 bytes at 68) → 2 + 12 + 4 = 18, ends 68.
    t.extend_from_slice(&1u16.to_le_bytes());
    entry(&mut t, 0x9286, 7, 16, 68);
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(b"ASCII\0\0\0a prompt"); // 68..84
    t.resize(100, 0xEE);
    // GPS IFD at 100: LatitudeRef "N", Latitude 3 RATIONALs at 130 → ends 130.
    t.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0"));
    entry(&mut t, 0x0002, 5, 3, 130);
    t.extend_from_slice(&0u32.to_le_bytes());
    for v in [48u32, 1, 51, 1, 2959, 100] {
        t.extend_from_slice(&v.to_le_bytes()); // 130..154
    }
    t
}

fn jpeg_with(segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut j = vec![0xFF, 0xD8];
    for (marker, body) in segments {
        j.extend_from_slice(&[0xFF, *marker]);
        j.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        j.extend_from_slice(body);
    }
    // A scan header and "entropy data" that happens to contain what looks like metadata text.
    j.extend_from_slice(&[0xFF, 0xDA, 0, 4, 1, 2]);
    j.extend_from_slice(&[9, 8, 7, 0xFF, 0x00, 6, 5]);
    j.extend_from_slice(&[0xFF, 0xD9]);
    j
}

fn exif_segment() -> (u8, Vec<u8>) {
    let mut body = b"Exif\0\0".to_vec();
    body.extend(exif_block());
    (0xE1, body)
}

fn xmp_segment() -> (u8, Vec<u8>) {
    let mut body = XMP_ID.to_vec();
    body.extend_from_slice(b"<x:xmpmeta><exif:GPSLatitude>48,51.2N</exif:GPSLatitude></x:xmpmeta>");
    (0xE1, body)
}

fn no_gps_left(tiff: &[u8]) {
    // The GPS directory and its values are zeros; the IFD0 no longer points at it.
    assert!(tiff[100..154].iter().all(|&b| b == 0), "GPS directory zeroed");
    let ifd0 = &tiff[8..50];
    assert_eq!(
        u16::from_le_bytes([ifd0[0], ifd0[1]]),
        2,
        "Orientation and the Exif pointer stay"
    );
    assert_eq!(&ifd0[2..4], &0x0112u16.to_le_bytes());
}

#[test]
fn a_jpeg_loses_its_gps_xmp_iptc_and_comments_and_keeps_the_rest_byte_for_byte() {
    let icc = (0xE2, b"ICC_PROFILE\0\x01\x01profile".to_vec());
    let original = jpeg_with(&[
        (0xE0, b"JFIF\0\x01\x02\0\0\x01\0\x01\0\0".to_vec()),
        exif_segment(),
        xmp_segment(),
        icc.clone(),
        (0xED, b"Photoshop 3.0\08BIM\x04\x04city".to_vec()),
        (0xFE, b"prompt: a castle".to_vec()),
    ]);
    let done = scrub(original.clone()).unwrap();
    let mut kinds = done.removed.clone();
    kinds.sort();
    assert_eq!(kinds, ["comment", "gps", "iptc", "user-comment", "xmp"]);
    let out = &done.bytes;
    assert!(find(out, b"GPSLatitude").is_none());
    assert!(find(out, b"a prompt").is_none());
    assert!(find(out, b"a castle").is_none());
    assert!(find(out, b"8BIM").is_none());
    assert!(
        find(out, b"ICC_PROFILE\0\x01\x01profile").is_some(),
        "the colour profile stays"
    );
    // The scan and everything after it is the original's, byte for byte.
    let sos = |b: &[u8]| find(b, &[0xFF, 0xDA]).unwrap();
    assert_eq!(out[sos(out)..], original[sos(&original)..]);
    // The EXIF block keeps its place and size, the orientation is still there.
    let tiff_at = find(out, b"Exif\0\0").unwrap() + 6;
    let tiff = &out[tiff_at..tiff_at + 154];
    assert_eq!(tiff.len(), exif_block().len());
    let ifd0_count = u16::from_le_bytes([tiff[8], tiff[9]]);
    assert_eq!(
        ifd0_count, 2,
        "Orientation and the Exif pointer stay, the GPS pointer goes"
    );
    assert_eq!(&tiff[10..12], &0x0112u16.to_le_bytes());
    assert_eq!(&tiff[22..24], &0x8769u16.to_le_bytes());
    assert_eq!(&tiff[34..38], &[0, 0, 0, 0], "the next-directory offset moved up");
    let exif_count = u16::from_le_bytes([tiff[50], tiff[51]]);
    assert_eq!(exif_count, 0, "the UserComment entry is gone");
    assert!(tiff[68..84].iter().all(|&b| b == 0), "its text zeroed");
    assert!(
        tiff[100..154].iter().all(|&b| b == 0),
        "the GPS directory and its values zeroed"
    );
    // Scrubbing again changes nothing.
    assert_eq!(scrub(out.clone()).unwrap().bytes, *out);
}

#[test]
fn a_multi_picture_jpeg_keeps_every_offset_by_blanking_in_place() {
    let mut original = jpeg_with(&[exif_segment(), (0xE2, b"MPF\0II*\0".to_vec()), xmp_segment()]);
    // The second picture, appended after the first one's end, with its own GPS.
    let second = jpeg_with(&[exif_segment()]);
    original.extend_from_slice(&second);
    let done = scrub(original.clone()).unwrap();
    assert_eq!(done.bytes.len(), original.len(), "nothing moved");
    assert!(find(&done.bytes, b"GPSLatitude").is_none());
    let tail = &done.bytes[original.len() - second.len()..];
    let tiff_at = find(tail, b"Exif\0\0").unwrap() + 6;
    no_gps_left(&tail[tiff_at..]);
}

#[test]
fn png_text_chunks_go_and_an_exif_chunk_is_cleaned_with_a_true_checksum() {
    let chunk = |name: &[u8], data: &[u8]| {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(name);
        c.extend_from_slice(data);
        c.extend_from_slice(&crc32fast::hash(&c[4..]).to_be_bytes());
        c
    };
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
    png.extend(chunk(b"tEXt", b"parameters\0a castle, Steps: 20"));
    png.extend(chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta/>"));
    png.extend(chunk(b"eXIf", &exif_block()));
    png.extend(chunk(b"IDAT", b"pixels"));
    png.extend(chunk(b"IEND", b""));
    let done = scrub(png).unwrap();
    let out = &done.bytes;
    assert!(find(out, b"a castle").is_none() && find(out, b"xmpmeta").is_none());
    let at = find(out, b"eXIf").unwrap() - 4;
    let len = u32::from_be_bytes(out[at..at + 4].try_into().unwrap()) as usize;
    no_gps_left(&out[at + 8..at + 8 + len]);
    let crc = u32::from_be_bytes(out[at + 8 + len..at + 12 + len].try_into().unwrap());
    assert_eq!(crc, crc32fast::hash(&out[at + 4..at + 8 + len]));
    assert!(find(out, b"IDATpixels").is_some());
}

#[test]
fn webp_drops_xmp_with_its_flag_and_cleans_exif_in_place() {
    let chunk = |name: &[u8], data: &[u8]| {
        let mut c = name.to_vec();
        c.extend_from_slice(&(data.len() as u32).to_le_bytes());
        c.extend_from_slice(data);
        if data.len() % 2 == 1 {
            c.push(0);
        }
        c
    };
    let mut body = b"WEBP".to_vec();
    body.extend(chunk(b"VP8X", &[0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0])); // EXIF (0x08) + XMP (0x04)
    body.extend(chunk(b"VP8 ", b"frame"));
    body.extend(chunk(b"EXIF", &exif_block()));
    body.extend(chunk(b"XMP ", b"<x:xmpmeta>GPS</x:xmpmeta>"));
    let mut webp = b"RIFF".to_vec();
    webp.extend_from_slice(&(body.len() as u32).to_le_bytes());
    webp.extend(body);
    let out = scrub(webp).unwrap().bytes;
    assert_eq!(
        u32::from_le_bytes(out[4..8].try_into().unwrap()) as usize,
        out.len() - 8
    );
    assert!(find(&out, b"XMP ").is_none());
    assert_eq!(out[20], 0x08, "the XMP flag is cleared, the EXIF flag kept");
    let at = find(&out, b"EXIF").unwrap() + 8;
    no_gps_left(&out[at..]);
}

#[test]
fn a_tiff_is_cleaned_in_place() {
    let mut tiff = exif_block();
    tiff.extend_from_slice(b"strip data");
    let out = scrub(tiff.clone()).unwrap().bytes;
    assert_eq!(out.len(), tiff.len());
    no_gps_left(&out);
    assert!(out.ends_with(b"strip data"));
}

#[test]
fn what_cant_be_cleaned_is_refused_and_damage_is_named() {
    let mp4 = b"\0\0\0\x18ftypisom\0\0\0\0isommp41".to_vec();
    assert!(matches!(scrub(mp4), Err(ScrubError::Unsupported { .. })));
    let message = scrub(b"<svg/>".to_vec()).unwrap_err().to_string();
    assert!(message.contains("JPEG, PNG, WebP"), "{message}");

    // A GPS pointer past the end of the block.
    let mut tiff = exif_block();
    tiff[8 + 2 + 24 + 8..8 + 2 + 24 + 12].copy_from_slice(&9999u32.to_le_bytes());
    assert!(matches!(
        scrub(tiff),
        Err(ScrubError::Malformed { format: "TIFF", .. })
    ));

    // A JPEG segment longer than the file.
    let mut jpeg = jpeg_with(&[exif_segment()]);
    jpeg.truncate(30);
    assert!(matches!(
        scrub(jpeg),
        Err(ScrubError::Malformed { format: "JPEG", .. })
    ));
    assert!(supports("image/jpeg") && !supports("video/mp4") && !supports("image/svg+xml"));
}

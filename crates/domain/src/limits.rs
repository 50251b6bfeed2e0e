//! Limits from SPEC R16.1 and R6.1, in one place so that every entry point checks the same numbers.

/// Longest asset, project, brand or collection name, in characters.
pub const MAX_NAME_CHARS: usize = 255;
/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 100;
/// Most tags on one asset.
pub const MAX_TAGS_PER_ASSET: usize = 64;
/// Most assets in one bulk request.
pub const MAX_BULK_ASSETS: usize = 10_000;
/// Largest image a thumbnail is made for, in pixels (250 megapixels): beyond it a file is
/// treated as a decompression bomb and refused with a reason.
pub const MAX_IMAGE_PIXELS: u64 = 250_000_000;
/// Largest page a search returns.
pub const MAX_PAGE: usize = 1_000;
/// Page size when none is asked for.
pub const DEFAULT_PAGE: usize = 100;
/// How far back "Recently added" reaches, in milliseconds (7 days, SPEC R3.1).
pub const RECENT_WINDOW_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// Longest project or campaign description, in characters (R8.1).
pub const MAX_DESCRIPTION_CHARS: usize = 1_000;
/// Most anchors a brand pins (R10.3).
pub const MAX_ANCHORS: usize = 16;
/// Longest prompt prefix or suffix of a brand kit, in characters (R10.3).
pub const MAX_PROMPT_AFFIX_CHARS: usize = 500;
/// Most banned terms in a brand kit (R10.3).
pub const MAX_BANNED_TERMS: usize = 64;
/// Longest banned term, in characters.
pub const MAX_BANNED_TERM_CHARS: usize = 100;
/// Most palette colours in a brand kit.
pub const MAX_PALETTE: usize = 16;
/// Wrong passwords for one email within [`SIGN_IN_WINDOW_MS`] before its sign-ins pause until
/// the window ends (an online guesser gets a few dozen tries a day, a person who mistypes never
/// notices).
pub const MAX_SIGN_IN_FAILURES: u32 = 10;
/// The window wrong passwords are counted in.
pub const SIGN_IN_WINDOW_MS: i64 = 15 * 60 * 1000;

/// A size for people: "2.0 GiB", "640.0 KiB", "12 bytes".
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A size as people type it: a whole number with an optional unit, `500MB`, `2 GiB`, `1t`
/// (KB/MB/GB/TB and KiB/MiB/GiB/TiB are all powers of 1024, as file managers show sizes).
pub fn parse_size(text: &str) -> Result<u64, crate::InvalidInput> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let bad = || {
        crate::InvalidInput::new(
            crate::ErrorCode::InvalidLimitSetting,
            format!("'{text}' is not a size: a whole number with an optional unit, e.g. 500MB, 20GB, 1TB"),
        )
    };
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" | "bytes" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(bad()),
    };
    n.checked_mul(1u64 << shift).ok_or_else(bad)
}

#[cfg(test)]
mod size_tests {
    use super::*;

    #[test]
    fn sizes_read_and_print_in_powers_of_1024() {
        assert_eq!(parse_size("500MB").unwrap(), 500 << 20);
        assert_eq!(parse_size(" 2 GiB ").unwrap(), 2 << 30);
        assert_eq!(parse_size("1t").unwrap(), 1 << 40);
        assert_eq!(parse_size("12").unwrap(), 12);
        for bad in ["", "GB", "1.5GB", "-1", "10 parsecs", "99999999999TB"] {
            let e = parse_size(bad).unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::InvalidLimitSetting, "{bad}");
            assert!(e.message.contains("e.g. 500MB"), "{}", e.message);
        }
        assert_eq!(human_bytes(12), "12 bytes");
        assert_eq!(human_bytes(2 << 30), "2.0 GiB");
    }
}

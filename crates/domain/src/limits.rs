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

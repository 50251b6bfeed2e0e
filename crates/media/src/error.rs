//! Why a file could not be read, decoded or rendered: each variant carries a reason that can be
//! shown to a person in an import report.

/// A per-file media failure. Never fatal to a batch: callers report it and move on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// The content is of a kind this build does not read (yet).
    #[error("{what} is not supported yet")]
    Unsupported {
        /// What the file is, e.g. "Canon CR2 RAW".
        what: String,
    },
    /// The content is not any media format Atelier knows.
    #[error("unrecognised file type{}", hint.as_deref().map(|h| format!(" ({h})")).unwrap_or_default())]
    Unrecognised {
        /// What the content looks like, when known ("PDF document").
        hint: Option<String>,
    },
    /// The file is empty.
    #[error("the file is empty")]
    Empty,
    /// The image is larger than the limit (a decompression bomb or a huge scan).
    #[error("image is {width}×{height} = {megapixels} megapixels; the limit is {limit} megapixels")]
    TooLarge {
        /// Stored width.
        width: u32,
        /// Stored height.
        height: u32,
        /// width × height / 1e6, rounded.
        megapixels: u64,
        /// The limit in megapixels.
        limit: u64,
    },
    /// The file uses a variant of its format that the decoder cannot read.
    #[error("this {format} uses a variant Atelier cannot read: {reason}")]
    Unreadable {
        /// The format.
        format: &'static str,
        /// What the decoder said.
        reason: String,
    },
    /// The bytes are broken: truncated, corrupt headers, bad compressed data.
    #[error("corrupt or truncated {format}: {reason}")]
    Corrupt {
        /// The format the content claims to be.
        format: &'static str,
        /// What the decoder said.
        reason: String,
    },
    /// The file is well formed but carries metadata only: no preview, no pixels (RAW files
    /// stripped of their image data, HEIF files holding only a sequence).
    #[error("this {format} file holds no image data")]
    NoImage {
        /// The format, e.g. "Canon CR3".
        format: &'static str,
    },
    /// An external program this format needs is not installed.
    #[error("{tool} is not installed: {hint}")]
    ToolMissing {
        /// The program's package name, e.g. "ffmpeg".
        tool: &'static str,
        /// What it is needed for and how to install it.
        hint: &'static str,
    },
    /// The file could not be read from disk (path-based entry points).
    #[error("cannot be read: {reason}")]
    Io {
        /// What the operating system said.
        reason: String,
    },
}

impl MediaError {
    /// A stable machine-readable code for front ends and reports.
    pub fn code(&self) -> &'static str {
        match self {
            MediaError::Unsupported { .. } => "unsupported",
            MediaError::Unrecognised { .. } => "unrecognised",
            MediaError::Empty => "empty",
            MediaError::TooLarge { .. } => "too_large",
            MediaError::Unreadable { .. } => "unreadable",
            MediaError::Corrupt { .. } => "corrupt",
            MediaError::NoImage { .. } => "no_image",
            MediaError::ToolMissing { .. } => "tool_missing",
            MediaError::Io { .. } => "io",
        }
    }
}

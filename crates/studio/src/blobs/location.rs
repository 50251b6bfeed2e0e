//! Where a studio's blobs live: the embedded folder `DATA/blobs/` (the default), or an S3 bucket
//! and prefix given as `--blob-url s3://BUCKET[/PREFIX]`. Parsing only; the stores are built in
//! `mod.rs` and `s3.rs`.
//!
//! Must not know credentials (they come from the environment, never from the URL, so that the
//! URL can be printed and logged) or anything about the blobs themselves.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::BlobError;

/// What `--blob-url` accepts, said whenever something else is given.
pub const ALLOWED: &str = "only s3://BUCKET[/PREFIX] is allowed (any S3-compatible store; its \
endpoint, region and keys come from AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID and \
AWS_SECRET_ACCESS_KEY); without --blob-url the blobs stay in the data folder (DIR/blobs)";

/// The folder of a data folder that holds its blobs by default.
pub const EMBEDDED_FOLDER: &str = "blobs";

/// Where the blobs live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobLocation {
    /// A folder on this machine; the embedded default is `DATA/blobs`. Blobs are kept directly
    /// under it (`ab/cd/abcd…`).
    Dir(PathBuf),
    /// An S3 bucket, with a key prefix ("" for the bucket's root). Blobs are kept under
    /// `PREFIX/blobs/` (`PREFIX/blobs/ab/cd/abcd…`), so that whatever else the studio may keep
    /// in the bucket later has a prefix of its own beside them.
    S3 {
        /// The bucket's name.
        bucket: String,
        /// Key prefix without leading or trailing `/`; "" for none.
        prefix: String,
    },
}

impl BlobLocation {
    /// The embedded default: `data/blobs`.
    pub fn embedded(data: &Path) -> BlobLocation {
        BlobLocation::Dir(data.join(EMBEDDED_FOLDER))
    }

    /// Where `--blob-url` points when given, else the embedded folder of `data`.
    pub fn for_data(data: &Path, url: Option<BlobLocation>) -> BlobLocation {
        url.unwrap_or_else(|| BlobLocation::embedded(data))
    }

    /// Whether the blobs are kept by another server (a bucket) rather than on this machine.
    pub fn is_remote(&self) -> bool {
        matches!(self, BlobLocation::S3 { .. })
    }

    /// Parses `s3://BUCKET[/PREFIX]`; anything else is refused with what is allowed.
    pub fn parse_url(url: &str) -> Result<BlobLocation, BlobError> {
        // The URL itself is not repeated: clap's message already quotes it.
        let refuse = |why: &str| BlobError::InvalidUrl(format!("{why}; {ALLOWED}"));
        let Some(rest) = url.strip_prefix("s3://") else {
            return Err(refuse("not an S3 URL"));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if !valid_bucket(bucket) {
            return Err(refuse(
                "no valid bucket name (3 to 63 lowercase letters, digits, dots and hyphens, \
                 starting and ending with a letter or digit)",
            ));
        }
        let prefix = prefix.trim_end_matches('/');
        if !prefix.is_empty() && !valid_prefix(prefix) {
            return Err(refuse(
                "a prefix that can't be a key prefix (no empty, '.' or '..' segments, no \
                 control characters, no '?' or '#')",
            ));
        }
        Ok(BlobLocation::S3 {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
        })
    }
}

/// S3's bucket naming rules (what AWS, MinIO and SeaweedFS all accept).
fn valid_bucket(name: &str) -> bool {
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    (3..=63).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && edge_ok(name.chars().next())
        && edge_ok(name.chars().last())
        && !name.contains("..")
}

/// Segments object_store accepts as they are (it would otherwise percent-encode or refuse
/// them), and no URL syntax that would make the printed URL ambiguous.
fn valid_prefix(prefix: &str) -> bool {
    prefix.split('/').all(|segment| {
        !segment.is_empty()
            && segment != "."
            && segment != ".."
            && !segment
                .chars()
                .any(|c| c.is_control() || c == '?' || c == '#' || c == '\\')
    }) && object_store::path::Path::parse(prefix).is_ok()
}

impl FromStr for BlobLocation {
    type Err = BlobError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        BlobLocation::parse_url(url)
    }
}

impl fmt::Display for BlobLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlobLocation::Dir(dir) => write!(f, "{}", dir.display()),
            BlobLocation::S3 { bucket, prefix } if prefix.is_empty() => write!(f, "s3://{bucket}"),
            BlobLocation::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn s3_urls_parse_with_or_without_a_prefix() {
        assert_eq!(
            BlobLocation::parse_url("s3://atelier-test").unwrap(),
            BlobLocation::S3 {
                bucket: "atelier-test".into(),
                prefix: String::new()
            }
        );
        let at = BlobLocation::parse_url("s3://my.bucket/studio/one/").unwrap();
        assert_eq!(
            at,
            BlobLocation::S3 {
                bucket: "my.bucket".into(),
                prefix: "studio/one".into()
            }
        );
        assert_eq!(at.to_string(), "s3://my.bucket/studio/one");
        assert!(at.is_remote());
    }

    #[test]
    fn anything_else_is_refused_with_what_is_allowed() {
        for bad in [
            "http://x",
            "file:///tmp/blobs",
            "/tmp/blobs",
            "s3://",
            "s3:///prefix",
            "s3://UPPER",
            "s3://ab",
            "s3://-bucket",
            "s3://bucket/a//b",
            "s3://bucket/a/../b",
            "s3://bucket/a?x=1",
        ] {
            let e = BlobLocation::parse_url(bad).unwrap_err();
            assert!(matches!(e, BlobError::InvalidUrl(_)), "{bad}: {e:?}");
            assert!(e.to_string().contains("s3://BUCKET[/PREFIX]"), "{e}");
        }
    }

    #[test]
    fn the_embedded_default_is_the_data_folders_blobs() {
        let at = BlobLocation::for_data(Path::new("/srv/studio"), None);
        assert_eq!(at, BlobLocation::Dir(PathBuf::from("/srv/studio/blobs")));
        assert!(!at.is_remote());
    }
}

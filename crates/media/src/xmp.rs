//! XMP packets (embedded or sidecar): the properties Atelier reads.

/// The XMP properties Atelier reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Xmp {
    /// dc:title (x-default).
    pub title: Option<String>,
    /// dc:description (x-default).
    pub description: Option<String>,
    /// dc:subject keywords, plus lr:hierarchicalSubject paths written with `/`.
    pub keywords: Vec<String>,
    /// xmp:Rating (may be -1 for rejected, or a percentage in some tools).
    pub rating: Option<f64>,
    /// exif:DateTimeOriginal / photoshop:DateCreated, as written (ISO 8601).
    pub created: Option<String>,
}

/// Parses an XMP packet.
pub fn parse(_xml: &[u8]) -> Option<Xmp> {
    None
}

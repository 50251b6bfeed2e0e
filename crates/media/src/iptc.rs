//! IPTC-IIM records from a JPEG's Photoshop APP13 segment: title, caption, keywords.

/// The IPTC fields Atelier reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Iptc {
    /// 2:05 Object Name.
    pub title: Option<String>,
    /// 2:120 Caption/Abstract.
    pub description: Option<String>,
    /// 2:25 Keywords.
    pub keywords: Vec<String>,
    /// 2:55 Date Created + 2:60 Time Created, as "YYYY-MM-DDTHH:MM:SS[+HH:MM]".
    pub created: Option<String>,
}

/// Parses the payload of an APP13 "Photoshop 3.0" segment.
pub fn parse_app13(_payload: &[u8]) -> Option<Iptc> {
    None
}

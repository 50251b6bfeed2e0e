//! XMP packets (embedded or sidecar): title, description, keywords, rating and creation date.
//!
//! Pure parsing of the packet's bytes with quick-xml, namespaces matched by URI, never by
//! prefix. Knows nothing of files or where the packet came from; writing XMP lives elsewhere.
//! Malformed XML never panics: what was read before the damage is used.

use std::collections::HashMap;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// The XMP properties Atelier reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Xmp {
    /// dc:title (x-default).
    pub title: Option<String>,
    /// dc:description (x-default).
    pub description: Option<String>,
    /// dc:subject keywords, plus lr:hierarchicalSubject paths written with `/`
    /// (`darktable|format|nef` becomes `darktable/format/nef`). Deduplicated case-insensitively,
    /// keeping the first spelling; a path whose leaf is also a flat keyword keeps both.
    pub keywords: Vec<String>,
    /// xmp:Rating (may be -1 for rejected, or a percentage in some tools).
    pub rating: Option<f64>,
    /// exif:DateTimeOriginal, else photoshop:DateCreated, else xmp:CreateDate, as written
    /// (usually ISO 8601, but some writers use EXIF's `YYYY:MM:DD HH:MM:SS`).
    pub created: Option<String>,
}

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const XML: &str = "http://www.w3.org/XML/1998/namespace";
const DC: &str = "http://purl.org/dc/elements/1.1/";
const XMP: &str = "http://ns.adobe.com/xap/1.0/";
const LR: &str = "http://ns.adobe.com/lightroom/1.0/";
const PHOTOSHOP: &str = "http://ns.adobe.com/photoshop/1.0/";
const EXIF: &str = "http://ns.adobe.com/exif/1.0/";

/// Elements nested deeper than this are skipped (XMP needs a dozen levels at most).
const MAX_DEPTH: usize = 48;
/// Reading stops at this nesting: quick-xml's namespace scope counter is a `u16` that would
/// overflow (and panic in debug builds) past 65 535 open elements.
const MAX_NESTING: usize = 4096;

/// Parses an XMP packet.
///
/// Accepts a sidecar or an embedded packet: a UTF-8 BOM, UTF-16 (with a BOM or recognizably
/// `<\0`), the `<?xpacket` wrapper, and a packet inside other bytes (an APP1 segment, a whole
/// file) are all fine. Returns `None` when no `rdf:RDF` element can be found; a valid packet
/// without any of the properties gives `Some(Xmp::default())`.
pub fn parse(xml: &[u8]) -> Option<Xmp> {
    let text = packet_text(xml)?;
    let root = build_tree(&text);
    let rdf = find(&root, RDF, "RDF", 0)?;
    Some(read_rdf(rdf))
}

// ---------------------------------------------------------------------------------------------
// Bytes to packet text

/// Decodes the input and cuts it down to the packet.
fn packet_text(bytes: &[u8]) -> Option<String> {
    let utf16 = match bytes {
        [0xFF, 0xFE, rest @ ..] => Some((rest, false)),
        [0xFE, 0xFF, rest @ ..] => Some((rest, true)),
        [b'<', 0, ..] => Some((bytes, false)),
        [0, b'<', ..] => Some((bytes, true)),
        _ => None,
    };
    if let Some((rest, big_endian)) = utf16 {
        let units = rest.chunks_exact(2).map(|pair| {
            let pair = [pair[0], pair[1]];
            if big_endian {
                u16::from_be_bytes(pair)
            } else {
                u16::from_le_bytes(pair)
            }
        });
        let decoded: String = char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        let packet = locate_packet(decoded.as_bytes())?;
        return Some(String::from_utf8_lossy(packet).into_owned());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let packet = locate_packet(bytes)?;
    Some(String::from_utf8_lossy(packet).into_owned())
}

/// A document that starts with markup is taken whole; otherwise the packet is searched for.
fn locate_packet(bytes: &[u8]) -> Option<&[u8]> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace() && *b != 0)?;
    if bytes[start] == b'<' {
        return Some(&bytes[start..]);
    }
    let opener = [
        &b"<?xpacket begin"[..],
        b"<x:xmpmeta",
        b"<xmp:xmpmeta",
        b"<rdf:RDF",
    ]
    .iter()
    .filter_map(|pattern| find_bytes(bytes, pattern))
    .min()?;
    let body = &bytes[opener..];
    let end = [&b"</x:xmpmeta>"[..], b"</xmp:xmpmeta>", b"</rdf:RDF>"]
        .iter()
        .find_map(|pattern| find_bytes(body, pattern).map(|at| at + pattern.len()))
        .unwrap_or(body.len());
    Some(&body[..end])
}

fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

// ---------------------------------------------------------------------------------------------
// XML to a small tree

/// An element with namespaces resolved to URIs.
#[derive(Debug, Default)]
struct Element {
    ns: String,
    local: String,
    attrs: Vec<Attr>,
    children: Vec<Element>,
    text: String,
}

#[derive(Debug)]
struct Attr {
    ns: String,
    local: String,
    value: String,
}

impl Element {
    fn is(&self, ns: &str, local: &str) -> bool {
        self.ns == ns && self.local == local
    }

    fn attr(&self, ns: &str, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns == ns && a.local == local)
            .map(|a| a.value.as_str())
    }
}

/// Well-known prefixes, for packets that use them without declaring them.
fn known_prefix(prefix: &[u8]) -> &'static str {
    match prefix {
        b"rdf" => RDF,
        b"xml" => XML,
        b"dc" => DC,
        b"xmp" | b"xap" => XMP,
        b"lr" => LR,
        b"photoshop" => PHOTOSHOP,
        b"exif" => EXIF,
        _ => "",
    }
}

fn namespace(result: ResolveResult<'_>) -> String {
    match result {
        ResolveResult::Bound(ns) => String::from_utf8_lossy(ns.into_inner()).into_owned(),
        ResolveResult::Unbound => String::new(),
        ResolveResult::Unknown(prefix) => known_prefix(&prefix).to_string(),
    }
}

fn element(reader: &NsReader<&[u8]>, ns: String, start: &BytesStart<'_>) -> Element {
    let mut el = Element {
        ns,
        local: String::from_utf8_lossy(start.local_name().into_inner()).into_owned(),
        ..Element::default()
    };
    for attr in start.attributes().with_checks(false) {
        let Ok(attr) = attr else {
            break;
        };
        if attr.key.as_namespace_binding().is_some() {
            continue;
        }
        let (ns, local) = reader.resolve_attribute(attr.key);
        let value = attr
            .decode_and_unescape_value(reader.decoder())
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| String::from_utf8_lossy(&attr.value).into_owned());
        el.attrs.push(Attr {
            ns: namespace(ns),
            local: String::from_utf8_lossy(local.into_inner()).into_owned(),
            value,
        });
    }
    el
}

/// Reads the whole document into a tree under a nameless root; on an XML error, keeps what
/// was read and closes the open elements.
fn build_tree(text: &str) -> Element {
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = false;
    let mut stack = vec![Element::default()];
    // Elements below MAX_DEPTH are counted, not kept.
    let mut skipped = 0usize;
    // An XML error ends the reading; the tree keeps what came before it.
    while let Ok((ns, event)) = reader.read_resolved_event() {
        let ns = namespace(ns);
        let deep = skipped > 0 || stack.len() > MAX_DEPTH;
        match event {
            Event::Start(_) if stack.len() + skipped >= MAX_NESTING => break,
            Event::Start(_) if deep => skipped += 1,
            Event::Start(e) => {
                let el = element(&reader, ns, &e);
                stack.push(el);
            }
            Event::Empty(e) if !deep => {
                let el = element(&reader, ns, &e);
                attach(&mut stack, el);
            }
            Event::End(_) if skipped > 0 => skipped -= 1,
            Event::End(_) => {
                if stack.len() > 1
                    && let Some(el) = stack.pop()
                {
                    attach(&mut stack, el);
                }
            }
            Event::Text(t) if !deep => {
                push_text(&mut stack, &t.xml10_content().unwrap_or_default());
            }
            Event::CData(t) if !deep => push_text(&mut stack, &String::from_utf8_lossy(&t)),
            Event::GeneralRef(r) if !deep => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => r
                        .decode()
                        .ok()
                        .and_then(|name| resolve_predefined_entity(&name))
                        .map(str::to_string),
                };
                push_text(&mut stack, &resolved.unwrap_or_default());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    while stack.len() > 1 {
        if let Some(el) = stack.pop() {
            attach(&mut stack, el);
        }
    }
    stack.pop().unwrap_or_default()
}

fn attach(stack: &mut [Element], el: Element) {
    if let Some(parent) = stack.last_mut() {
        parent.children.push(el);
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(top) = stack.last_mut() {
        top.text.push_str(text);
    }
}

fn find<'a>(el: &'a Element, ns: &str, local: &str, depth: usize) -> Option<&'a Element> {
    if el.is(ns, local) {
        return Some(el);
    }
    if depth > MAX_DEPTH {
        return None;
    }
    el.children.iter().find_map(|c| find(c, ns, local, depth + 1))
}

// ---------------------------------------------------------------------------------------------
// RDF to properties

/// A property value: a simple string, or the items of an rdf:Bag/Seq/Alt with their language.
#[derive(Debug, Clone)]
enum Value {
    Text(String),
    List(Vec<(Option<String>, String)>),
}

impl Value {
    /// The x-default entry of an Alt (else the first non-blank one), or the text.
    fn single(&self) -> Option<String> {
        match self {
            Value::Text(t) => clean(t),
            Value::List(items) => items
                .iter()
                .find(|(lang, _)| {
                    lang.as_deref()
                        .is_some_and(|l| l.eq_ignore_ascii_case("x-default"))
                })
                .and_then(|(_, t)| clean(t))
                .or_else(|| items.iter().find_map(|(_, t)| clean(t))),
        }
    }

    fn items(&self) -> Vec<String> {
        match self {
            Value::Text(t) => clean(t).into_iter().collect(),
            Value::List(items) => items.iter().filter_map(|(_, t)| clean(t)).collect(),
        }
    }
}

fn clean(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn list_items(container: &Element) -> Vec<(Option<String>, String)> {
    container
        .children
        .iter()
        .filter(|li| li.is(RDF, "li"))
        .map(|li| (li.attr(XML, "lang").map(str::to_string), li.text.clone()))
        .collect()
}

fn is_container(el: &Element) -> bool {
    el.ns == RDF && matches!(el.local.as_str(), "Bag" | "Seq" | "Alt")
}

/// The value of a property element; `None` for structures Atelier does not read.
fn property_value(p: &Element, node_lists: &HashMap<String, Vec<(Option<String>, String)>>) -> Option<Value> {
    if let Some(container) = p.children.iter().find(|c| is_container(c)) {
        return Some(Value::List(list_items(container)));
    }
    if let Some(resource) = p.attr(RDF, "resource") {
        return Some(Value::Text(resource.to_string()));
    }
    if p.children.is_empty()
        && let Some(items) = p.attr(RDF, "nodeID").and_then(|id| node_lists.get(id))
    {
        return Some(Value::List(items.clone()));
    }
    if !p.children.is_empty() || p.attr(RDF, "parseType").is_some() {
        return None;
    }
    Some(Value::Text(p.text.clone()))
}

fn read_rdf(rdf: &Element) -> Xmp {
    // RDF allows a list to be written once with an rdf:nodeID and referenced elsewhere.
    let node_lists: HashMap<String, Vec<(Option<String>, String)>> = rdf
        .children
        .iter()
        .filter(|c| is_container(c))
        .filter_map(|c| Some((c.attr(RDF, "nodeID")?.to_string(), list_items(c))))
        .collect();

    let mut props: Vec<(&str, &str, Value)> = Vec::new();
    for desc in rdf.children.iter().filter(|c| c.is(RDF, "Description")) {
        for attr in &desc.attrs {
            if attr.ns != RDF && attr.ns != XML {
                props.push((&attr.ns, &attr.local, Value::Text(attr.value.clone())));
            }
        }
        for p in &desc.children {
            if let Some(value) = property_value(p, &node_lists) {
                props.push((&p.ns, &p.local, value));
            }
        }
    }
    let values = |ns: &str, local: &str| {
        props
            .iter()
            .filter(move |(n, l, _)| *n == ns && *l == local)
            .map(|(_, _, v)| v)
            .collect::<Vec<_>>()
    };
    let single = |ns: &str, local: &str| values(ns, local).iter().find_map(|v| v.single());

    let mut keywords: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut add = |keyword: String| {
        let folded = keyword.to_lowercase();
        if !seen.contains(&folded) {
            seen.push(folded);
            keywords.push(keyword);
        }
    };
    for keyword in values(DC, "subject").iter().flat_map(|v| v.items()) {
        add(keyword);
    }
    for path in values(LR, "hierarchicalSubject").iter().flat_map(|v| v.items()) {
        let parts: Vec<&str> = path.split('|').map(str::trim).filter(|p| !p.is_empty()).collect();
        if !parts.is_empty() {
            add(parts.join("/"));
        }
    }

    Xmp {
        title: single(DC, "title"),
        description: single(DC, "description"),
        keywords,
        rating: single(XMP, "Rating")
            .and_then(|r| r.parse::<f64>().ok())
            .filter(|r| r.is_finite()),
        created: single(EXIF, "DateTimeOriginal")
            .or_else(|| single(PHOTOSHOP, "DateCreated"))
            .or_else(|| single(XMP, "CreateDate")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

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

    fn sidecar(name: &str) -> Option<Option<Xmp>> {
        let bytes = std::fs::read(corpus()?.join("xmp").join(name)).expect("read sidecar");
        Some(parse(&bytes))
    }

    const ELEMENT_FORM: &str = r#"<?xpacket begin="﻿" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:d="http://purl.org/dc/elements/1.1/"
    xmlns:a="http://ns.adobe.com/xap/1.0/" xmlns:l="http://ns.adobe.com/lightroom/1.0/"
    xmlns:p="http://ns.adobe.com/photoshop/1.0/">
   <a:Rating>4</a:Rating>
   <a:CreateDate>2020-01-01T00:00:00</a:CreateDate>
   <p:DateCreated>2019-05-04T10:11:12+02:00</p:DateCreated>
   <d:title><rdf:Alt><rdf:li xml:lang="fr">Titre</rdf:li><rdf:li xml:lang="x-default">Fish &amp; chips &#x263A;</rdf:li></rdf:Alt></d:title>
   <d:description><rdf:Alt><rdf:li xml:lang="de">Nur deutsch</rdf:li></rdf:Alt></d:description>
   <d:subject><rdf:Bag><rdf:li>Cat</rdf:li><rdf:li> dog </rdf:li><rdf:li>cat</rdf:li><rdf:li></rdf:li></rdf:Bag></d:subject>
   <l:hierarchicalSubject><rdf:Bag><rdf:li>Animals|Cat</rdf:li><rdf:li>animals | cat</rdf:li><rdf:li>Places|Paris|Louvre</rdf:li></rdf:Bag></l:hierarchicalSubject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#;

    #[test]
    fn element_form_with_other_prefixes() {
        let xmp = parse(ELEMENT_FORM.as_bytes()).expect("xmp");
        assert_eq!(xmp.title.as_deref(), Some("Fish & chips \u{263A}"));
        assert_eq!(xmp.description.as_deref(), Some("Nur deutsch"));
        assert_eq!(xmp.keywords, ["Cat", "dog", "Animals/Cat", "Places/Paris/Louvre"]);
        assert_eq!(xmp.rating, Some(4.0));
        assert_eq!(xmp.created.as_deref(), Some("2019-05-04T10:11:12+02:00"));
    }

    #[test]
    fn attribute_form_and_create_date_fallback() {
        let packet = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
          <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"
            xmp:Rating="-1" xmp:CreateDate="2010-09-27T14:35:33+02:00" dc:title="Plain &quot;title&quot;"/>
        </rdf:RDF></x:xmpmeta>"#;
        let xmp = parse(packet.as_bytes()).expect("xmp");
        assert_eq!(xmp.rating, Some(-1.0));
        assert_eq!(xmp.created.as_deref(), Some("2010-09-27T14:35:33+02:00"));
        assert_eq!(xmp.title.as_deref(), Some("Plain \"title\""));
    }

    #[test]
    fn prefixes_do_not_matter_only_uris() {
        // `dc` bound to a foreign URI must not be read as Dublin Core.
        let packet = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
          <rdf:Description xmlns:dc="http://example.com/not-dc/" dc:title="no"/>
          <rdf:Description xmlns:t="http://purl.org/dc/elements/1.1/" t:title="yes"/>
        </rdf:RDF>"#;
        let xmp = parse(packet.as_bytes()).expect("xmp");
        assert_eq!(xmp.title.as_deref(), Some("yes"));
    }

    #[test]
    fn embedded_packet_in_other_bytes_with_bom() {
        let mut bytes = b"\xFF\xD8\xFF\xE1\x10\x00http://ns.adobe.com/xap/1.0/\0".to_vec();
        bytes.extend_from_slice(ELEMENT_FORM.as_bytes());
        bytes.extend_from_slice(b"\xFF\xDB\x00\x43 binary junk < & >");
        let xmp = parse(&bytes).expect("xmp");
        assert_eq!(xmp.rating, Some(4.0));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(ELEMENT_FORM.as_bytes());
        assert_eq!(parse(&bom), parse(ELEMENT_FORM.as_bytes()));
    }

    #[test]
    fn utf16_packets() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = Vec::new();
        for unit in ELEMENT_FORM.encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
            be.extend_from_slice(&unit.to_be_bytes());
        }
        let expected = parse(ELEMENT_FORM.as_bytes());
        assert!(expected.is_some());
        assert_eq!(parse(&le), expected);
        assert_eq!(parse(&be), expected);
    }

    #[test]
    fn malformed_xml_keeps_what_was_read() {
        let cut = &ELEMENT_FORM[..ELEMENT_FORM.find("<d:subject>").expect("subject")];
        let xmp = parse(cut.as_bytes()).expect("partial");
        assert_eq!(xmp.rating, Some(4.0));
        assert_eq!(xmp.title.as_deref(), Some("Fish & chips \u{263A}"));
        assert!(xmp.keywords.is_empty());

        let mismatched = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:Rating>2</xmp:Ratin></rdf:Description></rdf:RDF>"#;
        assert_eq!(parse(mismatched.as_bytes()).and_then(|x| x.rating), Some(2.0));

        for bytes in [
            &b""[..],
            b"   ",
            b"<",
            b"<rdf:RDF",
            b"not xml at all",
            b"<a><b></a>",
            b"\xFF\xFE<\0",
            b"<x:xmpmeta>&bogus;</x:xmpmeta>",
        ] {
            let _ = parse(bytes);
        }
        assert_eq!(parse(b"<html><body>hi</body></html>"), None);
        for cut in 0..ELEMENT_FORM.len() {
            if ELEMENT_FORM.is_char_boundary(cut) {
                let _ = parse(&ELEMENT_FORM.as_bytes()[..cut]);
            }
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let mut packet = String::from(r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">"#);
        packet.push_str(&"<a>".repeat(100_000));
        packet.push_str(&"</a>".repeat(100_000));
        packet.push_str("</rdf:RDF>");
        assert_eq!(parse(packet.as_bytes()), Some(Xmp::default()));
    }

    #[test]
    fn undeclared_well_known_prefixes_are_tolerated() {
        let packet = r#"<rdf:RDF><rdf:Description xmp:Rating="5"><dc:subject><rdf:Bag><rdf:li>x</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF>"#;
        let xmp = parse(packet.as_bytes()).expect("xmp");
        assert_eq!(xmp.rating, Some(5.0));
        assert_eq!(xmp.keywords, ["x"]);
    }

    #[test]
    fn darktable_sidecar() {
        let Some(xmp) = sidecar("darktable__DSC_9034.NEF.xmp") else {
            return;
        };
        let xmp = xmp.expect("xmp");
        assert_eq!(
            xmp.keywords,
            [
                "changed",
                "darktable",
                "exported",
                "format",
                "nef",
                "darktable/changed",
                "darktable/exported",
                "darktable/format/nef",
            ]
        );
        assert_eq!(xmp.rating, Some(1.0));
        assert_eq!(xmp.created.as_deref(), Some("2021:06:19 12:22:10.790"));
        assert_eq!(xmp.title, None);
    }

    #[test]
    fn exiftool_node_id_and_prefix_samples() {
        let Some(xmp2) = sidecar("exiftool__t_images_XMP2.xmp") else {
            return;
        };
        let xmp2 = xmp2.expect("xmp2");
        assert_eq!(
            xmp2.title.as_deref(),
            Some("XMP nodeID test (XMP written by f-spot)")
        );
        assert_eq!(xmp2.keywords, ["ExifTool", "XMP", "nodeID", "test"]);

        let xmp3 = sidecar("exiftool__t_images_XMP3.xmp").flatten().expect("xmp3");
        assert_eq!(
            xmp3.title.as_deref(),
            Some("ExifTool common node, nonstandard namespace prefix, and bad list type tests")
        );

        let xmp6 = sidecar("exiftool__t_images_XMP6.xmp").flatten().expect("xmp6");
        assert_eq!(xmp6.title.as_deref(), Some("a title"));
        assert_eq!(xmp6.keywords, ["x"]);
        assert_eq!(xmp6.rating, Some(2.0));

        let plus = sidecar("exiftool__t_images_PLUS.xmp").flatten().expect("plus");
        assert_eq!(plus.rating, Some(0.0));
        for name in [
            "exiftool__t_images_XMP5.xmp",
            "exiftool__t_images_XMP8.xmp",
            "exiftool__t_images_XMP9.xmp",
        ] {
            assert_eq!(sidecar(name).flatten(), Some(Xmp::default()), "{name}");
        }
    }

    #[test]
    fn test_assets_sidecars() {
        let Some(iso) = sidecar("test-assets__problems_xmp_iso-value-array_iso-value-array.xmp") else {
            return;
        };
        let iso = iso.expect("iso");
        assert_eq!(iso.description, None);
        assert_eq!(iso.created.as_deref(), Some("2009-11-28T13:42:39"));

        // UTF-16LE with a BOM.
        let d2010 = sidecar("test-assets__metadata_xmp_dates_2010.xmp")
            .flatten()
            .expect("2010");
        assert_eq!(d2010.created.as_deref(), Some("2010-09-27T14:35:33+02:00"));
        let d2020 = sidecar("test-assets__metadata_xmp_dates_2020.xmp")
            .flatten()
            .expect("2020");
        assert_eq!(d2020.created.as_deref(), Some("2020-09-27T14:35:33+02:00"));
    }

    #[test]
    fn xmp_embedded_in_a_jpeg() {
        let Some(dir) = corpus() else {
            return;
        };
        let bytes =
            std::fs::read(dir.join("exif/exif-samples/exif-samples__jpg_xmp_BlueSquare.jpg")).expect("jpeg");
        let xmp = parse(&bytes).expect("xmp");
        assert_eq!(xmp.title.as_deref(), Some("Blue Square Test File - .jpg"));
        assert!(xmp.keywords.iter().any(|k| k == "Blue Square"));
    }
}

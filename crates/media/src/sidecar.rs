//! Writing XMP sidecars: the properties Atelier owns (rating, keywords, title, description) set
//! into a packet, every other property left exactly as it was.
//!
//! A sidecar is shared with other tools — darktable keeps its whole edit history there,
//! Lightroom its `crs:` develop settings — so rewriting it must never lose what Atelier doesn't
//! understand. The existing packet is streamed event by event with quick-xml: elements and
//! attributes Atelier owns are dropped wherever they appear inside an `rdf:Description`
//! (matched by namespace URI, never by prefix), everything else is copied through unchanged
//! (comments, processing instructions, whitespace, unknown namespaces), and the new values are
//! written at the end of the first `rdf:Description`. Each inserted element declares its own
//! namespace, so it can't clash with a prefix the file already binds to something else.
//!
//! Owned: `xmp:Rating`, `dc:subject` (every keyword's leaf), `lr:hierarchicalSubject` (paths
//! written with `|`, as Lightroom does), `dc:title` and `dc:description` (x-default).

use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::reader::NsReader;

use crate::MediaError;

const RDF: &[u8] = b"http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const DC: &str = "http://purl.org/dc/elements/1.1/";
const XMP: &str = "http://ns.adobe.com/xap/1.0/";
const LR: &str = "http://ns.adobe.com/lightroom/1.0/";

/// What Atelier writes into a sidecar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Owned {
    /// 0 (none: the property is left out) to 5.
    pub rating: u8,
    /// Tags; `/` separates the levels of a hierarchical one ("Places/France/Paris").
    pub tags: Vec<String>,
    /// Title.
    pub title: Option<String>,
    /// Description (caption).
    pub description: Option<String>,
}

/// Whether an element or attribute in `ns` named `local` is one Atelier owns.
fn owned(ns: &[u8], local: &[u8]) -> bool {
    match (ns, local) {
        (n, b"subject" | b"title" | b"description") if n == DC.as_bytes() => true,
        (n, b"Rating") if n == XMP.as_bytes() => true,
        (n, b"hierarchicalSubject") if n == LR.as_bytes() => true,
        _ => false,
    }
}

fn bound<'a>(r: &'a ResolveResult<'_>) -> &'a [u8] {
    match r {
        ResolveResult::Bound(Namespace(ns)) => ns,
        _ => b"",
    }
}

fn xml_error(e: impl std::fmt::Display) -> MediaError {
    MediaError::Corrupt {
        format: "XMP sidecar",
        reason: format!("its XML can't be read ({e}); it was left as it is"),
    }
}

/// The sidecar's new bytes: `existing` (a sidecar's content, when there is one) with Atelier's
/// properties replaced by `values`. Fails — changing nothing — when the existing file isn't
/// UTF-8 XMP that can be rewritten safely.
pub fn write_sidecar(existing: Option<&[u8]>, values: &Owned) -> Result<Vec<u8>, MediaError> {
    let Some(existing) = existing.filter(|b| !b.iter().all(u8::is_ascii_whitespace)) else {
        return Ok(fresh(values));
    };
    let text = std::str::from_utf8(existing.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(existing))
        .map_err(|_| xml_error("it isn't UTF-8"))?;
    if !text.contains("RDF") {
        return Err(xml_error("it holds no rdf:RDF element"));
    }
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut out = Writer::new(Vec::with_capacity(text.len() + 512));
    // Depth inside an owned element being dropped (0: not dropping).
    let mut dropping = 0usize;
    // Nesting of rdf:Description elements; properties are its direct children.
    let mut in_description = 0usize;
    let mut depth_in_description = 0usize;
    let mut written = false;
    let mut saw_rdf = false;
    let mut pending_space: Option<BytesText<'static>> = None;
    loop {
        let (ns, event) = reader.read_resolved_event().map_err(xml_error)?;
        let ns = bound(&ns).to_vec();
        let at_property_level = dropping == 0 && in_description > 0 && depth_in_description == 0;
        // Indentation before a property goes with it: held until the next event says whether
        // that property stays (so rewriting never piles up blank lines).
        if at_property_level {
            if let Event::Text(t) = &event
                && t.iter().all(u8::is_ascii_whitespace)
            {
                pending_space = Some(t.clone().into_owned());
                continue;
            }
            let goes = match &event {
                Event::Start(e) | Event::Empty(e) => owned(&ns, e.local_name().as_ref()),
                Event::End(_) => true,
                _ => false,
            };
            if let Some(space) = pending_space.take()
                && !goes
            {
                out.write_event(Event::Text(space)).map_err(xml_error)?;
            }
        }
        match event {
            Event::Eof => break,
            _ if dropping > 0 => match event {
                Event::Start(_) => dropping += 1,
                Event::End(_) => dropping -= 1,
                _ => {}
            },
            // An owned property: dropped with its content (an empty one simply goes).
            Event::Start(e)
                if in_description > 0 && depth_in_description == 0 && owned(&ns, e.local_name().as_ref()) =>
            {
                dropping = 1;
            }
            Event::Empty(e)
                if in_description > 0 && depth_in_description == 0 && owned(&ns, e.local_name().as_ref()) => {
            }
            Event::Start(e) if ns == RDF && e.local_name().as_ref() == b"Description" => {
                let start = without_owned_attributes(&reader, &e)?;
                out.write_event(Event::Start(start)).map_err(xml_error)?;
                in_description += 1;
                depth_in_description = 0;
            }
            Event::Empty(e) if ns == RDF && e.local_name().as_ref() == b"Description" => {
                let start = without_owned_attributes(&reader, &e)?;
                if written {
                    out.write_event(Event::Empty(start)).map_err(xml_error)?;
                } else {
                    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                    out.write_event(Event::Start(start)).map_err(xml_error)?;
                    write_owned(&mut out, values, "\n  ")?;
                    out.write_event(Event::End(BytesEnd::new(name)))
                        .map_err(xml_error)?;
                    written = true;
                }
            }
            Event::End(e) if in_description > 0 && depth_in_description == 0 => {
                if ns == RDF && e.local_name().as_ref() == b"Description" {
                    if !written {
                        write_owned(&mut out, values, "\n  ")?;
                        written = true;
                    }
                    in_description -= 1;
                }
                out.write_event(Event::End(e)).map_err(xml_error)?;
            }
            Event::End(e) if ns == RDF && e.local_name().as_ref() == b"RDF" => {
                saw_rdf = true;
                if !written {
                    // A packet with no description at all gets one.
                    let mut d = BytesStart::new("rdf:Description");
                    d.push_attribute(("rdf:about", ""));
                    out.write_event(Event::Start(d)).map_err(xml_error)?;
                    write_owned(&mut out, values, "\n  ")?;
                    out.write_event(Event::End(BytesEnd::new("rdf:Description")))
                        .map_err(xml_error)?;
                    written = true;
                }
                out.write_event(Event::End(e)).map_err(xml_error)?;
            }
            other => {
                if in_description > 0 {
                    match &other {
                        Event::Start(_) => depth_in_description += 1,
                        Event::End(_) => depth_in_description = depth_in_description.saturating_sub(1),
                        _ => {}
                    }
                }
                out.write_event(other).map_err(xml_error)?;
            }
        }
    }
    if !saw_rdf || !written {
        return Err(xml_error("it holds no complete rdf:RDF element"));
    }
    Ok(out.into_inner())
}

/// A copy of `e` without the attributes Atelier owns (darktable writes `xmp:Rating="1"` as an
/// attribute of the description).
fn without_owned_attributes(
    reader: &NsReader<&[u8]>,
    e: &BytesStart<'_>,
) -> Result<BytesStart<'static>, MediaError> {
    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
    let mut copy = BytesStart::new(name);
    for attr in e.attributes().with_checks(false) {
        let attr = attr.map_err(xml_error)?;
        let (ns, local) = reader.resolve_attribute(attr.key);
        if owned(bound(&ns), local.as_ref()) {
            continue;
        }
        copy.push_attribute(attr);
    }
    Ok(copy.into_owned())
}

/// The leaves (for `dc:subject`) and the hierarchical paths (for `lr:hierarchicalSubject`).
fn subjects(tags: &[String]) -> (Vec<String>, Vec<String>) {
    let mut flat: Vec<String> = Vec::new();
    let mut paths = Vec::new();
    for t in tags {
        let parts: Vec<&str> = t.split('/').map(str::trim).filter(|p| !p.is_empty()).collect();
        let Some(leaf) = parts.last() else { continue };
        if !flat.iter().any(|f| f.eq_ignore_ascii_case(leaf)) {
            flat.push((*leaf).to_string());
        }
        if parts.len() > 1 {
            paths.push(parts.join("|"));
        }
    }
    (flat, paths)
}

fn write_owned(out: &mut Writer<Vec<u8>>, v: &Owned, indent: &str) -> Result<(), MediaError> {
    let text = |out: &mut Writer<Vec<u8>>, s: &str| {
        out.write_event(Event::Text(BytesText::new(s))).map_err(xml_error)
    };
    let open = |out: &mut Writer<Vec<u8>>, name: &str, ns: Option<(&str, &str)>| {
        let mut s = BytesStart::new(name);
        if let Some(decl) = ns {
            s.push_attribute(decl);
        }
        out.write_event(Event::Start(s)).map_err(xml_error)
    };
    let close = |out: &mut Writer<Vec<u8>>, name: &str| {
        out.write_event(Event::End(BytesEnd::new(name)))
            .map_err(xml_error)
    };
    let inner = format!("{indent} ");
    let item = format!("{indent}  ");
    if v.rating > 0 {
        text(out, indent)?;
        open(out, "xmp:Rating", Some(("xmlns:xmp", XMP)))?;
        text(out, &v.rating.min(5).to_string())?;
        close(out, "xmp:Rating")?;
    }
    let lang_alt = |out: &mut Writer<Vec<u8>>, name: &str, value: &str| -> Result<(), MediaError> {
        text(out, indent)?;
        open(out, name, Some(("xmlns:dc", DC)))?;
        text(out, &inner)?;
        open(out, "rdf:Alt", None)?;
        text(out, &item)?;
        let mut li = BytesStart::new("rdf:li");
        li.push_attribute(("xml:lang", "x-default"));
        out.write_event(Event::Start(li)).map_err(xml_error)?;
        text(out, value)?;
        close(out, "rdf:li")?;
        text(out, &inner)?;
        close(out, "rdf:Alt")?;
        text(out, indent)?;
        close(out, name)
    };
    if let Some(t) = v.title.as_deref().filter(|t| !t.is_empty()) {
        lang_alt(out, "dc:title", t)?;
    }
    if let Some(d) = v.description.as_deref().filter(|d| !d.is_empty()) {
        lang_alt(out, "dc:description", d)?;
    }
    let (flat, paths) = subjects(&v.tags);
    for (name, decl, list) in [
        ("dc:subject", ("xmlns:dc", DC), flat),
        ("lr:hierarchicalSubject", ("xmlns:lr", LR), paths),
    ] {
        if list.is_empty() {
            continue;
        }
        text(out, indent)?;
        open(out, name, Some(decl))?;
        text(out, &inner)?;
        open(out, "rdf:Bag", None)?;
        for k in &list {
            text(out, &item)?;
            open(out, "rdf:li", None)?;
            text(out, k)?;
            close(out, "rdf:li")?;
        }
        text(out, &inner)?;
        close(out, "rdf:Bag")?;
        text(out, indent)?;
        close(out, name)?;
    }
    text(out, "\n ")?;
    Ok(())
}

/// A new sidecar holding only Atelier's properties.
fn fresh(values: &Owned) -> Vec<u8> {
    let mut out = Writer::new(Vec::new());
    let mut body = || -> Result<(), MediaError> {
        out.get_mut().extend_from_slice(
            "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n<x:xmpmeta xmlns:x=\"adobe:ns:meta/\" x:xmptk=\"Atelier\">\n <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n  "
                .as_bytes(),
        );
        let mut d = BytesStart::new("rdf:Description");
        d.push_attribute(("rdf:about", ""));
        out.write_event(Event::Start(d)).map_err(xml_error)?;
        write_owned(&mut out, values, "\n   ")?;
        out.write_event(Event::Text(BytesText::new(" ")))
            .map_err(xml_error)?;
        out.write_event(Event::End(BytesEnd::new("rdf:Description")))
            .map_err(xml_error)?;
        out.get_mut()
            .extend_from_slice(b"\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>\n");
        Ok(())
    };
    // Writing into a Vec can't fail.
    let _ = body();
    out.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmp;

    fn values() -> Owned {
        Owned {
            rating: 4,
            tags: vec!["Places/France/Paris".into(), "night".into()],
            title: Some("Pont & Seine <2>".into()),
            description: Some("Blue hour".into()),
        }
    }

    #[test]
    fn a_fresh_sidecar_reads_back() {
        let bytes = write_sidecar(None, &values()).unwrap();
        let x = xmp::parse(&bytes).unwrap();
        assert_eq!(x.rating, Some(4.0));
        assert_eq!(x.title.as_deref(), Some("Pont & Seine <2>"));
        assert_eq!(x.description.as_deref(), Some("Blue hour"));
        assert!(
            x.keywords.contains(&"Places/France/Paris".to_string()),
            "{:?}",
            x.keywords
        );
        assert!(x.keywords.contains(&"night".to_string()));
    }

    const DARKTABLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 4.4.0-Exiv2">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:darktable="http://darktable.sf.net/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
   xmp:Rating="1"
   darktable:history_end="3">
   <dc:subject>
    <rdf:Bag>
     <rdf:li>old</rdf:li>
    </rdf:Bag>
   </dc:subject>
   <darktable:history>
    <rdf:Seq>
     <rdf:li darktable:operation="exposure" darktable:params="0000"/>
    </rdf:Seq>
   </darktable:history>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
"#;

    #[test]
    fn unknown_properties_survive_and_owned_ones_are_replaced() {
        let bytes = write_sidecar(Some(DARKTABLE.as_bytes()), &values()).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains(r#"darktable:history_end="3""#), "{text}");
        assert!(text.contains(r#"darktable:operation="exposure" darktable:params="0000""#));
        assert!(!text.contains("old"), "{text}");
        assert!(!text.contains(r#"xmp:Rating="1""#));
        let x = xmp::parse(&bytes).unwrap();
        assert_eq!(x.rating, Some(4.0));
        assert_eq!(x.title.as_deref(), Some("Pont & Seine <2>"));
        // Writing again changes nothing.
        assert_eq!(write_sidecar(Some(&bytes), &values()).unwrap(), bytes);
    }

    #[test]
    fn clearing_removes_the_properties() {
        let bytes = write_sidecar(Some(DARKTABLE.as_bytes()), &Owned::default()).unwrap();
        let x = xmp::parse(&bytes).unwrap();
        assert_eq!((x.rating, x.keywords.len(), x.title), (None, 0, None));
        assert!(String::from_utf8(bytes).unwrap().contains("darktable:history"));
    }

    #[test]
    fn a_self_closed_description_and_other_prefixes_work() {
        let input = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/" xmlns:a="http://ns.adobe.com/xap/1.0/" crs:Exposure2012="+0.50" a:Rating="2"/></rdf:RDF></x:xmpmeta>"#;
        let bytes = write_sidecar(Some(input.as_bytes()), &values()).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains(r#"crs:Exposure2012="+0.50""#), "{text}");
        assert!(!text.contains(r#"a:Rating="2""#), "{text}");
        assert_eq!(xmp::parse(&bytes).unwrap().rating, Some(4.0));
    }

    #[test]
    fn unreadable_sidecars_are_refused_not_replaced() {
        assert!(write_sidecar(Some(b"<x:xmpmeta><rdf:RDF><rdf:Description>"), &values()).is_err());
        assert!(write_sidecar(Some(b"not xml at all"), &values()).is_err());
        assert!(write_sidecar(Some(&[0xff, 0xfe, 0x3c, 0x00]), &values()).is_err());
    }
}

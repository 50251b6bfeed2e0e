//! What an asset's file names that the library filters on (issue 14): its camera, lens and
//! file type — each name kept once in `facet_name` — and whether it knows where it was taken.
//! Read from the metadata an asset arrives with; the lists the toolbar offers, with counts.
//!
//! Knows the tables; not what a filter is for.

use std::collections::BTreeMap;

use atelier_domain::names;
use atelier_protocol::{FacetValue, FacetValues};
use rusqlite::{Connection, OptionalExtension, params};

use crate::postings::{self, Facet, load};
use crate::{Catalog, Result, Scope};

/// The kinds of names `facet_name` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameKind {
    Camera = 1,
    Lens = 2,
    FileType = 3,
}

/// What an asset's file says for the filters, before names become ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Described {
    pub(crate) camera: Option<String>,
    pub(crate) lens: Option<String>,
    pub(crate) file_type: Option<String>,
    pub(crate) gps: bool,
}

impl Described {
    /// From the display metadata (`exif` JSON as stored), the stored format and the file name.
    pub(crate) fn read(exif_json: Option<&str>, format: &str, name: &str) -> Described {
        let exif: Option<serde_json::Value> = exif_json.and_then(|j| serde_json::from_str(j).ok());
        let text = |k: &str| {
            exif.as_ref()
                .and_then(|e| e.get(k))
                .and_then(serde_json::Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        Described {
            camera: camera_name(text("make").as_deref(), text("model").as_deref()),
            lens: text("lens"),
            file_type: file_type(format, name),
            gps: exif
                .as_ref()
                .and_then(|e| e.get("gps"))
                .is_some_and(|g| !g.is_null()),
        }
    }
}

/// A camera as people name it: the model, with the maker in front unless the model already
/// starts with it ("Canon EOS R5", "NIKON D70", "Apple iPhone 12").
pub(crate) fn camera_name(make: Option<&str>, model: Option<&str>) -> Option<String> {
    match (make, model) {
        (_, None) => make.map(str::to_owned),
        (None, Some(model)) => Some(model.to_owned()),
        (Some(make), Some(model)) => {
            let first = make.split_whitespace().next().unwrap_or(make);
            if names::key(model).starts_with(&names::key(first)) {
                Some(model.to_owned())
            } else {
                Some(format!("{make} {model}"))
            }
        }
    }
}

/// The file type the filter offers: the format's name, and for camera RAW and video (one
/// format name each in the catalog) the file's extension (`cr2`, `nef`, `mp4`, `mov`).
pub(crate) fn file_type(format: &str, name: &str) -> Option<String> {
    match format {
        "" => None,
        "raw" | "video" => {
            let ext = names::extension(name).to_lowercase();
            Some(if ext.is_empty() { format.to_owned() } else { ext })
        }
        other => Some(other.to_owned()),
    }
}

/// The id of `name` of `kind`, created when new.
pub(crate) fn name_id(conn: &Connection, kind: NameKind, name: &str) -> Result<i64> {
    conn.prepare_cached("INSERT OR IGNORE INTO facet_name (kind, name) VALUES (?1, ?2)")?
        .execute(params![kind as i64, name])?;
    Ok(conn
        .prepare_cached("SELECT id FROM facet_name WHERE kind = ?1 AND name = ?2")?
        .query_row(params![kind as i64, name], |r| r.get(0))?)
}

/// The ids of names of `kind` among `wanted` (unknown names match nothing).
pub(crate) fn ids_named(conn: &Connection, kind: NameKind, wanted: &[String]) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM facet_name WHERE kind = ?1 AND name = ?2")?;
    let mut out = Vec::new();
    for w in wanted {
        if let Some(id) = stmt
            .query_row(params![kind as i64, w.trim()], |r| r.get(0))
            .optional()?
        {
            out.push(id);
        }
    }
    Ok(out)
}

/// Ids for a [`Described`], creating names met for the first time.
pub(crate) fn ids_of(conn: &Connection, d: &Described) -> Result<(Option<i64>, Option<i64>, Option<i64>)> {
    let id = |kind, name: &Option<String>| name.as_deref().map(|n| name_id(conn, kind, n)).transpose();
    Ok((
        id(NameKind::Camera, &d.camera)?,
        id(NameKind::Lens, &d.lens)?,
        id(NameKind::FileType, &d.file_type)?,
    ))
}

/// 0024's fixup: reads every asset's camera, lens, file type, GPS and sort name from what the
/// catalog already holds, then recomputes the postings (the new facets among them).
pub(crate) fn fill(conn: &Connection) -> Result<()> {
    let rows: Vec<(i64, String, String, Option<String>)> = conn
        .prepare(
            "SELECT a.seq, a.name, coalesce(f.format, ''), m.exif FROM asset a
             LEFT JOIN asset_file f ON f.asset = a.seq LEFT JOIN asset_meta m ON m.asset = a.seq",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<std::result::Result<_, _>>()?;
    let mut set = conn.prepare(
        "UPDATE asset SET camera = ?2, lens = ?3, file_type = ?4, gps = ?5, sort_name = ?6 WHERE seq = ?1",
    )?;
    for (seq, name, format, exif) in rows {
        let d = Described::read(exif.as_deref(), &format, &name);
        let (camera, lens, file_type) = ids_of(conn, &d)?;
        set.execute(params![
            seq,
            camera,
            lens,
            file_type,
            d.gps,
            names::sort_key(&name)
        ])?;
    }
    postings::rebuild(conn)
}

impl Catalog {
    /// The cameras, lenses and file types among the live assets the reader may see, in a brand
    /// (`None`: all brands), each with its count.
    pub fn facet_values(&self, brand: Option<&str>, scope: &Scope) -> Result<FacetValues> {
        let conn = self.conn();
        let mut shown = scope.cards(conn)?;
        if let Some(b) = brand {
            shown &= postings::load_any(
                conn,
                crate::brands::brands_named(conn, b, scope)?
                    .into_iter()
                    .map(Facet::Brand),
            )?;
        }
        let names: Vec<(i64, i64, String)> = conn
            .prepare_cached("SELECT id, kind, name FROM facet_name")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<std::result::Result<_, _>>()?;
        let mut by_kind: BTreeMap<i64, Vec<FacetValue>> = BTreeMap::new();
        for (id, kind, name) in names {
            let facet = match kind {
                1 => Facet::Camera(id),
                2 => Facet::Lens(id),
                _ => Facet::FileType(id),
            };
            let count = load(conn, facet)?.intersection_len(&shown);
            if count > 0 {
                by_kind.entry(kind).or_default().push(FacetValue { name, count });
            }
        }
        let mut take = |k: NameKind| {
            let mut v = by_kind.remove(&(k as i64)).unwrap_or_default();
            v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
            v
        };
        Ok(FacetValues {
            cameras: take(NameKind::Camera),
            lenses: take(NameKind::Lens),
            file_types: take(NameKind::FileType),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cameras_are_named_as_people_name_them() {
        assert_eq!(
            camera_name(Some("Canon"), Some("Canon EOS R5")).unwrap(),
            "Canon EOS R5"
        );
        assert_eq!(
            camera_name(Some("NIKON CORPORATION"), Some("NIKON D70")).unwrap(),
            "NIKON D70"
        );
        assert_eq!(
            camera_name(Some("Apple"), Some("iPhone 12")).unwrap(),
            "Apple iPhone 12"
        );
        assert_eq!(camera_name(None, None), None);
    }

    #[test]
    fn raw_and_video_types_are_their_extensions() {
        assert_eq!(file_type("raw", "IMG_1.CR2").unwrap(), "cr2");
        assert_eq!(file_type("video", "clip.MOV").unwrap(), "mov");
        assert_eq!(file_type("jpeg", "a.jpg").unwrap(), "jpeg");
    }

    #[test]
    fn described_reads_the_stored_metadata() {
        let d = Described::read(
            Some(
                r#"{"make":"Canon","model":"Canon EOS 5D","lens":"EF50mm f/1.8","gps":{"latitude":1.0,"longitude":2.0}}"#,
            ),
            "jpeg",
            "a.jpg",
        );
        assert_eq!(d.camera.as_deref(), Some("Canon EOS 5D"));
        assert_eq!(d.lens.as_deref(), Some("EF50mm f/1.8"));
        assert!(d.gps);
        assert!(!Described::read(None, "png", "b.png").gps);
    }
}

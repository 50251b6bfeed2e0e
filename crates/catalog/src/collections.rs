//! The collections store: each brand's tree of collections — create (with missing parents),
//! find by path, list with counts (rolled up), rename, move (never into itself), delete with
//! what is below.
//!
//! Knows collections' rows, postings and journal entries; filing assets is assets/links.rs.

use std::collections::{HashMap, HashSet};

use atelier_domain::ids::CollectionId;
use atelier_domain::{AssetId, ErrorCode, Id, InvalidInput, names};
use atelier_protocol::{ChangeAction, Entity};
use roaring::RoaringBitmap;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::json;

use crate::brands::brands_named;
use crate::postings::{Facet, load};
use crate::rows::{BrandRow, CollectionRow, UserRow, uuid_of};
use crate::{Catalog, CatalogError, Result, Scope, Tx};

/// A collection in a brand's tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CollectionInfo {
    /// Public id.
    pub id: CollectionId,
    /// Full path ("Shoots/2026/June").
    pub path: String,
    /// Its own name.
    pub name: String,
    /// Depth, 0 at the top.
    pub depth: usize,
    /// Assets filed directly in it.
    #[ts(type = "number")]
    pub count: u64,
    /// Assets in it or any sub-collection (each counted once).
    #[ts(type = "number")]
    pub nested_count: u64,
    /// Its cover: the one chosen while it is a card in it or a sub-collection, else the
    /// newest card there (none when it holds nothing).
    pub cover: Option<AssetId>,
    /// Whether the cover was chosen by hand (and still holds).
    pub cover_chosen: bool,
}

/// Collections at `path` ("Shoots/2026/June"), in `brands`; with `nested`, their descendants
/// too.
pub(crate) fn collections_at(
    conn: &Connection,
    path: &str,
    brands: &[i64],
    nested: bool,
) -> Result<Vec<i64>> {
    let parts = names::split_collection_path(path)?;
    let mut level: Vec<i64> = Vec::new();
    {
        let mut top =
            conn.prepare_cached("SELECT id, brand FROM collection WHERE parent IS NULL AND name_key = ?1")?;
        let mut child =
            conn.prepare_cached("SELECT id FROM collection WHERE parent = ?1 AND name_key = ?2")?;
        for (depth, part) in parts.iter().enumerate() {
            let key = names::key(part);
            if depth == 0 {
                level = top
                    .query_map([&key], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?
                    .filter_map(|r| match r {
                        Ok((id, brand)) if brands.contains(&brand) => Some(Ok(id)),
                        Ok(_) => None,
                        Err(e) => Some(Err(e)),
                    })
                    .collect::<Result<_, _>>()?;
            } else {
                let mut next = Vec::new();
                for parent in &level {
                    next.extend(
                        child
                            .query_map(params![parent, key], |r| r.get::<_, i64>(0))?
                            .collect::<Result<Vec<_>, _>>()?,
                    );
                }
                level = next;
            }
        }
    }
    if level.is_empty() {
        return Err(CatalogError::not_found("collection", path));
    }
    if nested {
        let mut children = conn.prepare_cached("SELECT id FROM collection WHERE parent = ?1")?;
        let mut i = 0;
        while i < level.len() {
            let found: Vec<i64> = children
                .query_map([level[i]], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for id in found {
                if !level.contains(&id) {
                    level.push(id);
                }
            }
            i += 1;
        }
    }
    Ok(level)
}

fn subtree(conn: &Connection, root: i64) -> Result<Vec<i64>> {
    let mut out = vec![root];
    let mut stmt = conn.prepare_cached("SELECT id FROM collection WHERE parent = ?1")?;
    let mut i = 0;
    while i < out.len() {
        let children: Vec<i64> = stmt
            .query_map([out[i]], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for c in children {
            if out.contains(&c) {
                return Err(CatalogError::Corrupt("collection tree has a cycle".into()));
            }
            out.push(c);
        }
        i += 1;
    }
    Ok(out)
}

impl Tx<'_> {
    /// Creates a collection under `parent` (or at the top) in a brand. Names are unique among
    /// siblings, ignoring case.
    pub fn create_collection(
        &mut self,
        brand: BrandRow,
        parent: Option<CollectionRow>,
        name: &str,
        actor: UserRow,
        now_ms: i64,
    ) -> Result<CollectionRow> {
        let parent = parent.map(|r| r.0);
        let name = names::validate_collection_name(name)?;
        let key = names::key(&name);
        let exists: bool = self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM collection WHERE brand = ?1 AND ifnull(parent, 0) = ifnull(?2, 0) AND name_key = ?3)",
            params![brand.0, parent, key],
            |r| r.get(0),
        )?;
        if exists {
            return Err(atelier_domain::InvalidInput::new(
                ErrorCode::NameTaken,
                format!("a collection named '{name}' already exists there: names are unique among siblings"),
            )
            .into());
        }
        self.tx.execute(
            "INSERT INTO collection (uid, brand, parent, name, name_key, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![atelier_domain::ids::CollectionId::new_v7().to_bytes(), brand.0, parent, name, key, now_ms],
        )?;
        let id = self.tx.last_insert_rowid();
        let (uid, brand_uid) = (
            crate::journal::uid_of(&self.tx, "collection", id)?,
            crate::journal::uid_of(&self.tx, "brand", brand.0)?,
        );
        let parent_uid = parent
            .map(|p| crate::journal::uid_of(&self.tx, "collection", p).map(|u| crate::journal::uid_text(&u)))
            .transpose()?;
        crate::journal::record(
            &self.tx,
            crate::journal::Entry::about(
                now_ms,
                actor,
                Entity::Collection,
                ChangeAction::Create,
                Some(&uid),
            )
            .change(
                None,
                Some(serde_json::json!({
                    "name": name,
                    "brand": crate::journal::uid_text(&brand_uid),
                    "parent": parent_uid,
                })),
            ),
        )?;
        Ok(CollectionRow(id))
    }

    /// Renames a collection (unique among its siblings).
    pub fn rename_collection(
        &mut self,
        collection: CollectionRow,
        name: &str,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        let collection = collection.0;
        let name = names::validate_collection_name(name)?;
        let (brand, parent, old): (i64, Option<i64>, String) = self.tx.query_row(
            "SELECT brand, parent, name FROM collection WHERE id = ?1",
            [collection],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        self.check_sibling(brand, parent, &name, Some(collection))?;
        self.tx.execute(
            "UPDATE collection SET name = ?2, name_key = ?3 WHERE id = ?1",
            params![collection, name, names::key(&name)],
        )?;
        self.journal(
            now,
            actor,
            Entity::Collection,
            Some(&self.uid(Entity::Collection, collection)?),
            ChangeAction::Rename,
            json!({ "name": old }),
            json!({ "name": name }),
        )
    }

    fn check_sibling(&self, brand: i64, parent: Option<i64>, name: &str, except: Option<i64>) -> Result<()> {
        let clash: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM collection WHERE brand = ?1 AND ifnull(parent, 0) = ifnull(?2, 0) AND name_key = ?3
                 AND id != ifnull(?4, 0)",
                params![brand, parent, names::key(name), except],
                |r| r.get(0),
            )
            .optional()?;
        if clash.is_some() {
            return Err(InvalidInput::new(
                ErrorCode::NameTaken,
                format!("a collection named '{name}' already exists there: names are unique among siblings"),
            )
            .into());
        }
        Ok(())
    }

    /// Chooses a collection's cover (`None`: back to the automatic one, its newest card):
    /// refused unless the asset is filed in it or below and not in the Trash; the list shows
    /// it only while it is a card there.
    pub fn set_collection_cover(
        &mut self,
        collection: CollectionRow,
        cover: Option<AssetId>,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        let old: Option<Vec<u8>> = self.tx.query_row(
            "SELECT cover FROM collection WHERE id = ?1",
            [collection.0],
            |r| r.get(0),
        )?;
        let old = old.map(|u| uuid_of(&u).map(AssetId::from_uuid)).transpose()?;
        if let Some(asset) = cover {
            let within = subtree(&self.tx, collection.0)?;
            let filed: bool = self.tx.query_row(
                &format!(
                    "SELECT EXISTS (SELECT 1 FROM collection_asset ca JOIN asset a ON a.seq = ca.asset
                     WHERE a.uid = ?1 AND a.trashed_at IS NULL AND ca.collection IN ({}))",
                    within.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
                ),
                [asset.to_bytes()],
                |r| r.get(0),
            )?;
            if !filed {
                return Err(InvalidInput::new(
                    ErrorCode::CoverNotInCollection,
                    format!(
                        "asset {asset} isn't filed in this collection or one inside it: a cover is one of the collection's own assets"
                    ),
                )
                .into());
            }
        }
        if old == cover {
            return Ok(());
        }
        self.tx.execute(
            "UPDATE collection SET cover = ?2 WHERE id = ?1",
            params![collection.0, cover.map(|c| c.to_bytes().to_vec())],
        )?;
        self.journal(
            now,
            actor,
            Entity::Collection,
            Some(&self.uid(Entity::Collection, collection.0)?),
            ChangeAction::Cover,
            json!({ "cover": old }),
            json!({ "cover": cover }),
        )
    }

    /// Moves a collection under `parent` (or to the top). Refused into itself or its own
    /// descendants, or onto a sibling's name.
    pub fn move_collection(
        &mut self,
        collection: CollectionRow,
        parent: Option<CollectionRow>,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        let collection = collection.0;
        let parent = parent.map(|r| r.0);
        let (brand, old_parent, name): (i64, Option<i64>, String) = self.tx.query_row(
            "SELECT brand, parent, name FROM collection WHERE id = ?1",
            [collection],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        if let Some(p) = parent {
            if subtree(&self.tx, collection)?.contains(&p) {
                return Err(InvalidInput::new(
                    ErrorCode::CollectionCycle,
                    format!("'{name}' can't move into itself or one of its own sub-collections"),
                )
                .into());
            }
            let parent_brand: i64 =
                self.tx
                    .query_row("SELECT brand FROM collection WHERE id = ?1", [p], |r| r.get(0))?;
            if parent_brand != brand {
                return Err(InvalidInput::new(
                    ErrorCode::WrongBrand,
                    "collections move only within their brand",
                )
                .into());
            }
        }
        self.check_sibling(brand, parent, &name, Some(collection))?;
        self.tx.execute(
            "UPDATE collection SET parent = ?2 WHERE id = ?1",
            params![collection, parent],
        )?;
        self.journal(
            now,
            actor,
            Entity::Collection,
            Some(&self.uid(Entity::Collection, collection)?),
            ChangeAction::Move,
            json!({ "parent": self.uid_text(Entity::Collection, old_parent)? }),
            json!({ "parent": self.uid_text(Entity::Collection, parent)? }),
        )
    }

    /// Deletes a collection and its sub-collections; the assets stay. Returns how many
    /// collections went.
    pub fn delete_collection(
        &mut self,
        collection: CollectionRow,
        actor: UserRow,
        now: i64,
    ) -> Result<usize> {
        let collection = collection.0;
        let ids = subtree(&self.tx, collection)?;
        let name: String =
            self.tx
                .query_row("SELECT name FROM collection WHERE id = ?1", [collection], |r| {
                    r.get(0)
                })?;
        let uid = self.uid(Entity::Collection, collection)?;
        // Every sub-collection by its public id: a studio whose tree differs (a move of one of
        // them here it refused) deletes what was deleted here, not its own idea of the subtree.
        let within = ids[1..]
            .iter()
            .map(|id| self.uid_text(Entity::Collection, Some(*id)))
            .collect::<Result<Vec<_>>>()?;
        let mut touched = HashSet::new();
        for id in &ids {
            for s in &load(&self.tx, Facet::Collection(*id))? {
                self.postings.remove(Facet::Collection(*id), s);
                touched.insert(i64::from(s));
            }
        }
        // Children go with the parent (ON DELETE CASCADE), and their filings with them.
        self.tx
            .execute("DELETE FROM collection WHERE id = ?1", [collection])?;
        let touched: Vec<i64> = touched.into_iter().collect();
        self.refresh_filed(&touched)?;
        self.journal(
            now,
            actor,
            Entity::Collection,
            Some(&uid),
            ChangeAction::Delete,
            json!({ "name": name, "collections": ids.len(), "within": within }),
            json!(null),
        )?;
        Ok(ids.len())
    }

    /// A collection by path within a brand, inside this transaction.
    pub fn find_collection(&self, brand: BrandRow, path: &str) -> Result<Option<CollectionRow>> {
        Ok(
            crate::collections::collections_at(&self.tx, path, &[brand.0], false)
                .ok()
                .and_then(|v| v.first().copied())
                .map(CollectionRow),
        )
    }
}

impl Catalog {
    /// Every collection path of a brand, parents before children, siblings by name.
    pub fn collection_paths(&self, brand: &str, scope: &Scope) -> Result<Vec<String>> {
        let brands = brands_named(self.conn(), brand, scope)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, parent, name FROM collection WHERE brand IN (SELECT value FROM rarray(?1)) ORDER BY name_key",
        )?;
        let list = std::rc::Rc::new(
            brands
                .into_iter()
                .map(rusqlite::types::Value::Integer)
                .collect::<Vec<_>>(),
        );
        let rows: Vec<(i64, Option<i64>, String)> = stmt
            .query_map([list], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        fn walk(
            rows: &[(i64, Option<i64>, String)],
            parent: Option<i64>,
            prefix: &str,
            out: &mut Vec<String>,
            depth: usize,
        ) {
            if depth > 256 {
                return;
            }
            for (id, p, name) in rows {
                if *p == parent {
                    let path = if prefix.is_empty() {
                        name.clone()
                    } else {
                        format!("{prefix}/{name}")
                    };
                    out.push(path.clone());
                    walk(rows, Some(*id), &path, out, depth + 1);
                }
            }
        }
        walk(&rows, None, "", &mut out, 0);
        Ok(out)
    }

    /// A collection by path within a brand.
    pub fn find_collection(&self, brand: BrandRow, path: &str) -> Result<Option<CollectionRow>> {
        Ok(
            crate::collections::collections_at(self.conn(), path, &[brand.0], false)
                .ok()
                .and_then(|v| v.first().copied())
                .map(CollectionRow),
        )
    }

    /// The collections of a brand, parents before children, with direct and rolled-up counts.
    pub fn list_collections(&self, brand: BrandRow, scope: &Scope) -> Result<Vec<CollectionInfo>> {
        let conn = self.conn();
        let cards = scope.cards(conn)?;
        let rows: Vec<(i64, Vec<u8>, Option<i64>, String)> = conn
            .prepare_cached(
                "SELECT id, uid, parent, name FROM collection WHERE brand = ?1 ORDER BY name_key",
            )?
            .query_map([brand.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_, _>>()?;
        // Covers chosen by hand, as the seq of their asset here (an asset not here: none).
        let chosen: HashMap<i64, u32> = conn
            .prepare_cached(
                "SELECT c.id, a.seq FROM collection c JOIN asset a ON a.uid = c.cover WHERE c.brand = ?1",
            )?
            .query_map([brand.0], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut bits: HashMap<i64, RoaringBitmap> = HashMap::new();
        for (id, ..) in &rows {
            bits.insert(*id, load(conn, Facet::Collection(*id))? & &cards);
        }
        let mut out = Vec::new();
        // Returns the rolled-up set of the subtree at `parent`'s children.
        fn walk(
            rows: &[(i64, Vec<u8>, Option<i64>, String)],
            bits: &HashMap<i64, RoaringBitmap>,
            chosen: &HashMap<i64, u32>,
            parent: Option<i64>,
            prefix: &str,
            depth: usize,
            out: &mut Vec<(CollectionInfo, Option<u32>)>,
        ) -> Result<RoaringBitmap> {
            let mut all = RoaringBitmap::new();
            if depth > 512 {
                return Err(CatalogError::Corrupt(
                    "collection tree is too deep or has a cycle".into(),
                ));
            }
            for (id, uid, p, name) in rows {
                if *p != parent {
                    continue;
                }
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}/{name}")
                };
                let at = out.len();
                let direct = bits.get(id).cloned().unwrap_or_default();
                out.push((
                    CollectionInfo {
                        id: CollectionId::from_uuid(uuid_of(uid)?),
                        path: path.clone(),
                        name: name.clone(),
                        depth,
                        count: direct.len(),
                        nested_count: 0,
                        cover: None,
                        cover_chosen: false,
                    },
                    None,
                ));
                let below = walk(rows, bits, chosen, Some(*id), &path, depth + 1, out)? | direct;
                out[at].0.nested_count = below.len();
                // The one chosen while it is a card in it or below (filed elsewhere since,
                // stacked under another, trashed, or not visible here: the automatic one).
                let hand = chosen.get(id).copied().filter(|seq| below.contains(*seq));
                out[at].0.cover_chosen = hand.is_some();
                out[at].1 = hand.or_else(|| below.max());
                all |= below;
            }
            Ok(all)
        }
        walk(&rows, &bits, &chosen, None, "", 0, &mut out)?;
        // Covers: the chosen one, else the newest card of each (seqs grow with time added).
        let mut uid_of = conn.prepare_cached("SELECT uid FROM asset WHERE seq = ?1")?;
        out.into_iter()
            .map(|(mut info, cover)| {
                if let Some(seq) = cover {
                    let uid: Vec<u8> = uid_of.query_row([i64::from(seq)], |r| r.get(0))?;
                    info.cover = Some(AssetId::from_uuid(uuid_of(&uid)?));
                }
                Ok(info)
            })
            .collect()
    }

    /// The ids of a collection and all its descendants.
    pub fn collection_subtree(&self, collection: CollectionRow) -> Result<Vec<CollectionRow>> {
        Ok(subtree(self.conn(), collection.0)?
            .into_iter()
            .map(CollectionRow)
            .collect())
    }
}

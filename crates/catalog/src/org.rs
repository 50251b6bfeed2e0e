//! People, brands, projects, tags, collections and campaigns as the catalog stores them: the
//! lookups search needs and the "ensure" helpers import needs. The rules about who may create
//! or change them live in atelier-domain and are applied by atelier-library.

use atelier_domain::ids::{BrandId, ProjectId, UserId};
use atelier_domain::{ErrorCode, Id, names};
use atelier_protocol::{ChangeAction, Entity};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::{Catalog, CatalogError, Result, Scope, Tx};

/// A user's local row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserRow(pub i64);
/// A brand's local row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrandRow(pub i64);
/// A project's local row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectRow(pub i64);

/// The name a Personal brand is shown and found by.
pub use atelier_domain::rules::PERSONAL_BRAND;

impl Tx<'_> {
    /// The library's own user (the studio Owner of a standalone library), created on first use.
    pub fn ensure_local_user(&mut self, handle: &str, display_name: &str, now_ms: i64) -> Result<UserRow> {
        if let Some(id) = self
            .tx
            .query_row("SELECT id FROM user WHERE is_local = 1", [], |r| r.get(0))
            .optional()?
        {
            return Ok(UserRow(id));
        }
        let handle = names::validate_name("user name", handle)?;
        self.tx.execute(
            "INSERT INTO user (uid, handle, handle_key, display_name, studio_role, is_local, created_at)
             VALUES (?1, ?2, ?3, ?4, 'owner', 1, ?5)",
            params![
                UserId::new_v7().to_bytes(),
                handle,
                names::key(&handle),
                display_name,
                now_ms
            ],
        )?;
        Ok(UserRow(self.tx.last_insert_rowid()))
    }

    /// The user's Personal brand (SPEC R10.4), created on first use.
    pub fn ensure_personal_brand(&mut self, user: UserRow, now_ms: i64) -> Result<BrandRow> {
        if let Some(id) = self
            .tx
            .query_row("SELECT id FROM brand WHERE personal_of = ?1", [user.0], |r| {
                r.get(0)
            })
            .optional()?
        {
            return Ok(BrandRow(id));
        }
        let uid = BrandId::new_v7().to_bytes();
        self.tx.execute(
            "INSERT INTO brand (uid, name, name_key, personal_of, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![uid, PERSONAL_BRAND, names::key(PERSONAL_BRAND), user.0, now_ms],
        )?;
        let row = BrandRow(self.tx.last_insert_rowid());
        crate::journal::record(
            &self.tx,
            crate::journal::Entry::about(now_ms, user, Entity::Brand, ChangeAction::Create, Some(&uid))
                .change(
                    None,
                    Some(serde_json::json!({ "name": PERSONAL_BRAND, "personal": true })),
                ),
        )?;
        Ok(row)
    }

    /// The team brand called `name` (ignoring case), created when missing.
    pub fn ensure_brand(&mut self, name: &str, now_ms: i64) -> Result<BrandRow> {
        let name = names::validate_name("brand name", name)?;
        let key = names::key(&name);
        if let Some(id) = self
            .tx
            .query_row(
                "SELECT id FROM brand WHERE personal_of IS NULL AND name_key = ?1",
                [&key],
                |r| r.get(0),
            )
            .optional()?
        {
            return Ok(BrandRow(id));
        }
        self.tx.execute(
            "INSERT INTO brand (uid, name, name_key, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![BrandId::new_v7().to_bytes(), name, key, now_ms],
        )?;
        Ok(BrandRow(self.tx.last_insert_rowid()))
    }

    /// The owner's project called `name` (ignoring case), created when missing.
    pub fn ensure_project(&mut self, owner: UserRow, name: &str, now_ms: i64) -> Result<ProjectRow> {
        let name = names::validate_name("project name", name)?;
        let key = names::key(&name);
        if let Some(id) = self
            .tx
            .query_row(
                "SELECT id FROM project WHERE owner = ?1 AND name_key = ?2",
                params![owner.0, key],
                |r| r.get(0),
            )
            .optional()?
        {
            return Ok(ProjectRow(id));
        }
        let uid = ProjectId::new_v7().to_bytes();
        self.tx.execute(
            "INSERT INTO project (uid, owner, name, name_key, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![uid, owner.0, name, key, now_ms],
        )?;
        let row = ProjectRow(self.tx.last_insert_rowid());
        crate::journal::record(
            &self.tx,
            crate::journal::Entry::about(now_ms, owner, Entity::Project, ChangeAction::Create, Some(&uid))
                .change(None, Some(serde_json::json!({ "name": name }))),
        )?;
        Ok(row)
    }

    /// Tag rows for `tags` (already normalised), creating missing ones with this spelling.
    pub(crate) fn ensure_tags(&mut self, tags: &[String], now_ms: i64) -> Result<Vec<i64>> {
        let mut find = self.tx.prepare_cached("SELECT id FROM tag WHERE key = ?1")?;
        let mut insert = self
            .tx
            .prepare_cached("INSERT INTO tag (uid, name, key, created_at) VALUES (?1, ?2, ?3, ?4)")?;
        let mut ids = Vec::with_capacity(tags.len());
        for tag in tags {
            let key = names::key(tag);
            let id = match find.query_row([&key], |r| r.get(0)).optional()? {
                Some(id) => id,
                None => {
                    let id = insert.insert(params![Uuid::now_v7().as_bytes().to_vec(), tag, key, now_ms])?;
                    crate::assets::index_tag(&self.tx, id, tag)?;
                    id
                }
            };
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }
}

impl Catalog {
    /// A user's Personal brand, if it exists yet.
    pub fn find_personal_brand(&self, user: UserRow) -> Result<Option<BrandRow>> {
        Ok(self
            .conn()
            .query_row("SELECT id FROM brand WHERE personal_of = ?1", [user.0], |r| {
                r.get(0)
            })
            .optional()?
            .map(BrandRow))
    }

    /// The library's own user, if the library has been set up.
    pub fn local_user(&self) -> Result<Option<UserRow>> {
        Ok(self
            .conn()
            .query_row("SELECT id FROM user WHERE is_local = 1", [], |r| r.get(0))
            .optional()?
            .map(UserRow))
    }
}

/// The brands called `name` (ignoring case) that the reader may see; "Personal" is the reader's
/// own Personal brand, never another's.
pub(crate) fn brands_named(conn: &Connection, name: &str, scope: &Scope) -> Result<Vec<i64>> {
    let key = names::key(name.trim());
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM brand WHERE id IN rarray(?1)
            AND ((personal_of IS NULL AND name_key = ?2) OR (personal_of = ?3 AND ?2 = ?4))
         ORDER BY personal_of IS NULL",
    )?;
    let ids: Vec<i64> = stmt
        .query_map(
            params![
                crate::edit::array(&scope.brands),
                key,
                scope.user.0,
                names::key(PERSONAL_BRAND)
            ],
            |r| r.get(0),
        )?
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Err(CatalogError::not_found("brand", name));
    }
    Ok(ids)
}

/// The projects called `name` (ignoring case) that the reader may see: their own first, then
/// shared ones.
pub(crate) fn projects_named(conn: &Connection, name: &str, scope: &Scope) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM project WHERE name_key = ?1 AND id IN rarray(?2) ORDER BY owner != ?3",
    )?;
    let ids: Vec<i64> = stmt
        .query_map(
            params![
                names::key(name.trim()),
                crate::edit::array(&scope.projects),
                scope.user.0
            ],
            |r| r.get(0),
        )?
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Err(CatalogError::not_found("project", name));
    }
    Ok(ids)
}

/// Campaigns called `name` ignoring case, in `brands`.
pub(crate) fn campaigns_named(conn: &Connection, name: &str, brands: &[i64]) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached("SELECT id, brand FROM campaign WHERE name_key = ?1")?;
    let ids: Vec<i64> = stmt
        .query_map([names::key(name.trim())], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })?
        .filter_map(|r| match r {
            Ok((id, brand)) if brands.contains(&brand) => Some(Ok(id)),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        })
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Err(CatalogError::not_found("campaign", name));
    }
    Ok(ids)
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

/// Tag rows matching a tag filter: the tag itself and, for a path, every tag below it.
pub(crate) fn tags_under(conn: &Connection, tag: &str) -> Result<Vec<i64>> {
    let tag = names::normalize_tag(tag)?;
    let key = names::key(&tag);
    // Children are keys starting with "key/": the range ["key/", "key0") since '0' follows '/'.
    let mut stmt =
        conn.prepare_cached("SELECT id FROM tag WHERE key = ?1 OR (key >= ?1 || '/' AND key < ?1 || '0')")?;
    Ok(stmt.query_map([key], |r| r.get(0))?.collect::<Result<_, _>>()?)
}

/// Reads a stored UUID.
pub(crate) fn uuid_of(bytes: &[u8]) -> Result<Uuid> {
    Uuid::from_slice(bytes).map_err(|_| CatalogError::Corrupt("stored id is not 16 bytes".into()))
}

impl Tx<'_> {
    /// Tag rows for normalised tag names, creating missing ones with this spelling.
    pub fn tag_ids(&mut self, tags: &[String], now_ms: i64) -> Result<Vec<i64>> {
        self.ensure_tags(tags, now_ms)
    }

    /// Creates a collection under `parent` (or at the top) in a brand. Names are unique among
    /// siblings, ignoring case.
    pub fn create_collection(
        &mut self,
        brand: BrandRow,
        parent: Option<i64>,
        name: &str,
        actor: UserRow,
        now_ms: i64,
    ) -> Result<i64> {
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
        Ok(id)
    }

    /// Creates a campaign in a brand. Names are unique within the brand, ignoring case.
    pub fn create_campaign(
        &mut self,
        brand: BrandRow,
        name: &str,
        description: &str,
        actor: UserRow,
        now_ms: i64,
    ) -> Result<i64> {
        let name = names::validate_name("campaign name", name)?;
        let key = names::key(&name);
        let exists: bool = self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM campaign WHERE brand = ?1 AND name_key = ?2)",
            params![brand.0, key],
            |r| r.get(0),
        )?;
        if exists {
            return Err(atelier_domain::InvalidInput::new(
                ErrorCode::NameTaken,
                "A campaign with that name already exists",
            )
            .into());
        }
        self.tx.execute(
            "INSERT INTO campaign (uid, brand, name, name_key, description, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![atelier_domain::ids::CampaignId::new_v7().to_bytes(), brand.0, name, key, description, now_ms],
        )?;
        let id = self.tx.last_insert_rowid();
        let (uid, brand_uid) = (
            crate::journal::uid_of(&self.tx, "campaign", id)?,
            crate::journal::uid_of(&self.tx, "brand", brand.0)?,
        );
        crate::journal::record(
            &self.tx,
            crate::journal::Entry::about(now_ms, actor, Entity::Campaign, ChangeAction::Create, Some(&uid))
                .change(
                    None,
                    Some(serde_json::json!({ "name": name, "brand": crate::journal::uid_text(&brand_uid) })),
                ),
        )?;
        Ok(id)
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

    /// Every campaign name of a brand, by name.
    pub fn campaign_names(&self, brand: &str, scope: &Scope) -> Result<Vec<String>> {
        let brands = brands_named(self.conn(), brand, scope)?;
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT name FROM campaign WHERE brand = ?1 ORDER BY name_key")?;
        let mut out = Vec::new();
        for b in brands {
            out.extend(
                stmt.query_map([b], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()?,
            );
        }
        Ok(out)
    }
}

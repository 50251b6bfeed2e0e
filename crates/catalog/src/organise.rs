//! Organising things other than assets: tags (rename everywhere, merge, delete), collections
//! (tree edits and counts), campaigns, projects, brands (kit, members, anchors) and local
//! users — as rows, postings and journal entries. Rules (names, limits, who may) are checked
//! by the caller with atelier-domain; this module only refuses what would corrupt the data.

use std::collections::{HashMap, HashSet};

use atelier_domain::ids::{BrandId, CampaignId, CollectionId, ProjectId, UserId};
use atelier_domain::roles::{BrandRole, StudioRole};
use atelier_domain::{ErrorCode, Id, InvalidInput, names};
use atelier_protocol::{ChangeAction, Entity};
use roaring::RoaringBitmap;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::json;

use crate::edit::array;
use crate::org::{BrandRow, ProjectRow, UserRow, uuid_of};
use crate::postings::{Facet, load, seq_u32};
use crate::{Catalog, CatalogError, Result, Scope, Tx, journal};

/// A tag and how many assets carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TagInfo {
    /// The tag as first spelled.
    pub name: String,
    /// Assets carrying it.
    #[ts(type = "number")]
    pub count: u64,
}

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
}

/// A campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CampaignInfo {
    /// Public id.
    pub id: CampaignId,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Its brand's name.
    pub brand: String,
    /// `private` or `public`.
    pub visibility: String,
    /// Assets in it.
    #[ts(type = "number")]
    pub count: u64,
}

/// A project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProjectInfo {
    /// Public id.
    pub id: ProjectId,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Archived projects are hidden from the active list.
    pub archived: bool,
    /// Shared with the studio.
    pub shared: bool,
    /// Brand new assets get, when set.
    pub default_brand: Option<String>,
    /// `in_place` or `copy`.
    pub import_mode: String,
    /// Rename template for copies.
    pub rename_template: Option<String>,
    /// Tags new assets get.
    pub default_tags: Vec<String>,
    /// Assets in it.
    #[ts(type = "number")]
    pub count: u64,
}

/// A brand with its kit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BrandInfo {
    /// Public id.
    pub id: BrandId,
    /// Name ("Personal" for a Personal brand).
    pub name: String,
    /// Whether it is someone's Personal brand.
    pub personal: bool,
    /// Kit colour, `#RRGGBB`.
    pub color: Option<String>,
    /// Text put before every prompt.
    pub prompt_prefix: String,
    /// Text put after every prompt.
    pub prompt_suffix: String,
    /// Terms that block generation.
    pub banned_terms: Vec<String>,
    /// Whether Managers may approve their own work.
    pub self_approval: bool,
    /// Kit palette, `#RRGGBB` each.
    pub palette: Vec<String>,
    /// Logo asset.
    pub logo: Option<atelier_domain::AssetId>,
    /// Pinned anchor assets, in order.
    pub anchors: Vec<atelier_domain::AssetId>,
    /// Members and their roles.
    pub members: Vec<MemberInfo>,
    /// Assets in it.
    #[ts(type = "number")]
    pub count: u64,
}

/// A brand member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct MemberInfo {
    /// Login name.
    pub user: String,
    /// Brand role.
    pub role: BrandRole,
}

/// The kit fields a caller may change (`None`: leave as is).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KitChange {
    /// New colour (`Some(None)` clears it).
    pub color: Option<Option<String>>,
    /// New prompt prefix.
    pub prompt_prefix: Option<String>,
    /// New prompt suffix.
    pub prompt_suffix: Option<String>,
    /// New banned terms (replacing the list).
    pub banned_terms: Option<Vec<String>>,
    /// Self-approval on or off.
    pub self_approval: Option<bool>,
    /// New palette.
    pub palette: Option<Vec<String>>,
    /// New logo asset row (`Some(None)` clears it).
    pub logo: Option<Option<i64>>,
}

/// Project settings a caller may change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectChange {
    /// Default brand row (`Some(None)` clears it).
    pub default_brand: Option<Option<i64>>,
    /// `in_place` or `copy`.
    pub import_mode: Option<String>,
    /// Rename template (`Some(None)` clears it).
    pub rename_template: Option<Option<String>>,
    /// Default tags.
    pub default_tags: Option<Vec<String>>,
    /// Description.
    pub description: Option<String>,
}

/// What a project gives new imports by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectDefaults {
    /// Default brand's name ("Personal" for the owner's Personal brand).
    pub default_brand: Option<String>,
    /// `in_place` or `copy`.
    pub import_mode: String,
    /// Rename template for copies.
    pub rename_template: Option<String>,
    /// Tags new assets get.
    pub default_tags: Vec<String>,
}

/// One review audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReviewEvent {
    /// When (RFC 3339).
    pub at: String,
    /// Who (login name).
    pub actor: Option<String>,
    /// The action.
    pub action: String,
    /// Status before.
    pub from: atelier_domain::Status,
    /// Status after.
    pub to: atelier_domain::Status,
    /// The note.
    pub note: Option<String>,
}

fn taken(what: &str, name: &str) -> CatalogError {
    InvalidInput::new(
        ErrorCode::NameTaken,
        format!("a {what} named '{name}' already exists"),
    )
    .into()
}

impl Catalog {
    /// Every tag with its asset count, by name.
    pub fn list_tags(&self, scope: &Scope) -> Result<Vec<TagInfo>> {
        let conn = self.conn();
        let rows: Vec<(i64, String)> = conn
            .prepare_cached("SELECT id, name FROM tag ORDER BY key")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(id, name)| {
                Ok(TagInfo {
                    name,
                    count: (load(conn, Facet::Tag(id))? & &scope.assets).len(),
                })
            })
            .collect()
    }

    /// The tag row whose name is `name` ignoring case.
    pub fn find_tag(&self, name: &str) -> Result<Option<i64>> {
        let key = names::key(&names::normalize_tag(name)?);
        Ok(self
            .conn()
            .query_row("SELECT id FROM tag WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// A brand by name (a team brand, or "Personal" for `me`'s Personal brand).
    pub fn find_brand(&self, name: &str, me: UserRow) -> Result<Option<BrandRow>> {
        find_brand(self.conn(), name, me)
    }

    /// The owner's project by name.
    pub fn find_project(&self, owner: UserRow, name: &str) -> Result<Option<ProjectRow>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id FROM project WHERE owner = ?1 AND name_key = ?2",
                params![owner.0, names::key(name.trim())],
                |r| r.get(0),
            )
            .optional()?
            .map(ProjectRow))
    }

    /// A collection by path within a brand.
    pub fn find_collection(&self, brand: BrandRow, path: &str) -> Result<Option<i64>> {
        Ok(crate::org::collections_at(self.conn(), path, &[brand.0], false)
            .ok()
            .and_then(|v| v.first().copied()))
    }

    /// A campaign by name within a brand.
    pub fn find_campaign(&self, brand: BrandRow, name: &str) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id FROM campaign WHERE brand = ?1 AND name_key = ?2",
                params![brand.0, names::key(name.trim())],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// A user by login name.
    pub fn find_user(&self, handle: &str) -> Result<Option<(UserRow, StudioRole)>> {
        let row: Option<(i64, String)> = self
            .conn()
            .query_row(
                "SELECT id, studio_role FROM user WHERE handle_key = ?1",
                [names::key(handle.trim())],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(id, role)| Ok((UserRow(id), role.parse::<StudioRole>()?)))
            .transpose()
    }

    /// A user's role on every brand they belong to.
    pub fn brand_roles(&self, user: UserRow) -> Result<HashMap<i64, BrandRole>> {
        let rows: Vec<(i64, String)> = self
            .conn()
            .prepare_cached("SELECT brand, role FROM brand_member WHERE user = ?1")?
            .query_map([user.0], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(b, r)| Ok((b, r.parse::<BrandRole>()?)))
            .collect()
    }

    /// Facts about a brand the rules need: (Personal owner, self-approval).
    pub fn brand_facts(&self, brand: BrandRow) -> Result<(Option<UserRow>, bool)> {
        Ok(self.conn().query_row(
            "SELECT personal_of, self_approval FROM brand WHERE id = ?1",
            [brand.0],
            |r| Ok((r.get::<_, Option<i64>>(0)?.map(UserRow), r.get(1)?)),
        )?)
    }

    /// The collections of a brand, parents before children, with direct and rolled-up counts.
    pub fn list_collections(&self, brand: BrandRow, scope: &Scope) -> Result<Vec<CollectionInfo>> {
        let conn = self.conn();
        let rows: Vec<(i64, Vec<u8>, Option<i64>, String)> = conn
            .prepare_cached(
                "SELECT id, uid, parent, name FROM collection WHERE brand = ?1 ORDER BY name_key",
            )?
            .query_map([brand.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_, _>>()?;
        let mut bits: HashMap<i64, RoaringBitmap> = HashMap::new();
        for (id, ..) in &rows {
            bits.insert(*id, load(conn, Facet::Collection(*id))? & &scope.assets);
        }
        let mut out = Vec::new();
        // Returns the rolled-up set of the subtree at `parent`'s children.
        fn walk(
            rows: &[(i64, Vec<u8>, Option<i64>, String)],
            bits: &HashMap<i64, RoaringBitmap>,
            parent: Option<i64>,
            prefix: &str,
            depth: usize,
            out: &mut Vec<CollectionInfo>,
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
                out.push(CollectionInfo {
                    id: CollectionId::from_uuid(uuid_of(uid)?),
                    path: path.clone(),
                    name: name.clone(),
                    depth,
                    count: direct.len(),
                    nested_count: 0,
                });
                let below = walk(rows, bits, Some(*id), &path, depth + 1, out)? | direct;
                out[at].nested_count = below.len();
                all |= below;
            }
            Ok(all)
        }
        walk(&rows, &bits, None, "", 0, &mut out)?;
        Ok(out)
    }

    /// The campaigns of a brand (all the reader may see when `None`), by name, with counts of
    /// what the reader may see.
    pub fn list_campaigns(&self, brand: Option<BrandRow>, scope: &Scope) -> Result<Vec<CampaignInfo>> {
        let conn = self.conn();
        let rows: Vec<(i64, Vec<u8>, String, String, String, String)> = conn
            .prepare_cached(
                "SELECT c.id, c.uid, c.name, c.description, b.name, c.visibility FROM campaign c
                 JOIN brand b ON b.id = c.brand WHERE (?1 IS NULL OR c.brand = ?1) AND c.brand IN rarray(?2)
                 ORDER BY b.name_key, c.name_key",
            )?
            .query_map(
                params![brand.map(|b| b.0), crate::edit::array(&scope.brands)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(id, uid, name, description, brand, visibility)| {
                Ok(CampaignInfo {
                    id: CampaignId::from_uuid(uuid_of(&uid)?),
                    name,
                    description,
                    brand,
                    visibility,
                    count: (load(conn, Facet::Campaign(id))? & &scope.assets).len(),
                })
            })
            .collect()
    }

    /// The owner's projects, by name.
    pub fn list_projects(&self, owner: UserRow, scope: &Scope) -> Result<Vec<ProjectInfo>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT p.id, p.uid, p.name, p.description, p.archived, p.shared, b.name, p.import_mode,
                    p.rename_template, p.default_tags
             FROM project p LEFT JOIN brand b ON b.id = p.default_brand WHERE p.owner = ?1 ORDER BY p.name_key",
        )?;
        let rows = stmt.query_map([owner.0], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, bool>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, Option<String>>(8)?,
                r.get::<_, String>(9)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (
                id,
                uid,
                name,
                description,
                archived,
                shared,
                default_brand,
                import_mode,
                rename_template,
                tags,
            ) = row?;
            out.push(ProjectInfo {
                id: ProjectId::from_uuid(uuid_of(&uid)?),
                name,
                description,
                archived,
                shared,
                default_brand,
                import_mode,
                rename_template,
                default_tags: serde_json::from_str(&tags).unwrap_or_default(),
                count: (load(conn, Facet::Project(id))? & &scope.assets).len(),
            });
        }
        Ok(out)
    }

    /// Every brand the reader may see (their Personal brand first, then team brands by name).
    pub fn list_brands(&self, scope: &Scope) -> Result<Vec<BrandInfo>> {
        let ids: Vec<i64> = self
            .conn()
            .prepare_cached(
                "SELECT id FROM brand WHERE id IN rarray(?1) ORDER BY personal_of IS NULL, name_key",
            )?
            .query_map([crate::edit::array(&scope.brands)], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ids.into_iter()
            .map(|b| self.brand_info(BrandRow(b), scope))
            .collect()
    }

    /// One brand with its kit, members and the count of its assets the reader may see.
    pub fn brand_info(&self, brand: BrandRow, scope: &Scope) -> Result<BrandInfo> {
        let conn = self.conn();
        type Row = (
            Vec<u8>,
            String,
            bool,
            Option<String>,
            String,
            String,
            String,
            bool,
            String,
            Option<i64>,
        );
        let row: Row = conn.query_row(
            "SELECT uid, name, personal_of IS NOT NULL, color, prompt_prefix, prompt_suffix, banned_terms,
                    self_approval, palette, logo_asset FROM brand WHERE id = ?1",
            [brand.0],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                ))
            },
        )?;
        let (uid, name, personal, color, prompt_prefix, prompt_suffix, banned, self_approval, palette, logo) =
            row;
        let members: Vec<(String, String)> = conn
            .prepare_cached(
                "SELECT u.handle, m.role FROM brand_member m JOIN user u ON u.id = m.user
                 WHERE m.brand = ?1 ORDER BY u.handle_key",
            )?
            .query_map([brand.0], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let anchors: Vec<i64> = conn
            .prepare_cached("SELECT asset FROM brand_anchor WHERE brand = ?1 ORDER BY position")?
            .query_map([brand.0], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(BrandInfo {
            id: BrandId::from_uuid(uuid_of(&uid)?),
            name,
            personal,
            color,
            prompt_prefix,
            prompt_suffix,
            banned_terms: serde_json::from_str(&banned).unwrap_or_default(),
            self_approval,
            palette: serde_json::from_str(&palette).unwrap_or_default(),
            logo: logo.map(|l| self.ids_of(&[l]).map(|v| v[0])).transpose()?,
            anchors: self.ids_of(&anchors)?,
            members: members
                .into_iter()
                .map(|(user, role)| {
                    Ok(MemberInfo {
                        user,
                        role: role.parse::<BrandRole>()?,
                    })
                })
                .collect::<Result<_>>()?,
            count: (load(conn, Facet::Brand(brand.0))? & &scope.assets).len(),
        })
    }

    /// Number of Managers of a brand.
    pub fn manager_count(&self, brand: BrandRow) -> Result<i64> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM brand_member WHERE brand = ?1 AND role = 'manager'",
            [brand.0],
            |r| r.get(0),
        )?)
    }

    /// Assets of a project in a status (for "approved assets block deleting a project").
    pub fn project_assets(
        &self,
        project: ProjectRow,
        status: Option<atelier_domain::Status>,
    ) -> Result<Vec<i64>> {
        let conn = self.conn();
        let mut bits = load(conn, Facet::Project(project.0))?;
        if let Some(s) = status {
            bits &= load(conn, Facet::Status(s.code()))?;
        }
        Ok(bits.iter().map(i64::from).collect())
    }

    /// A project's defaults for new imports.
    pub fn project_defaults(&self, project: ProjectRow) -> Result<ProjectDefaults> {
        let (brand, personal, mode, template, tags): (Option<String>, bool, String, Option<String>, String) =
            self.conn().query_row(
                "SELECT b.name, b.personal_of IS NOT NULL, p.import_mode, p.rename_template, p.default_tags
                 FROM project p LEFT JOIN brand b ON b.id = p.default_brand WHERE p.id = ?1",
                [project.0],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get::<_, Option<bool>>(1)?.unwrap_or(false),
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                    ))
                },
            )?;
        Ok(ProjectDefaults {
            default_brand: if personal {
                Some(crate::org::PERSONAL_BRAND.to_string())
            } else {
                brand
            },
            import_mode: mode,
            rename_template: template,
            default_tags: serde_json::from_str(&tags).unwrap_or_default(),
        })
    }

    /// The review audit log of an asset, oldest first.
    pub fn review_log(&self, seq: i64) -> Result<Vec<ReviewEvent>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT e.at, u.handle, e.action, e.from_status, e.to_status, e.note FROM review_event e
             LEFT JOIN user u ON u.id = e.actor WHERE e.asset = ?1 ORDER BY e.id",
        )?;
        let rows = stmt.query_map([seq], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get(5)?,
            ))
        })?;
        rows.map(|row| {
            let (at, actor, action, from, to, note) = row?;
            let status = |c: i64| {
                atelier_domain::Status::from_code(c)
                    .ok_or_else(|| CatalogError::Corrupt(format!("status {c}")))
            };
            Ok(ReviewEvent {
                at: crate::views::format_ms(at),
                actor,
                action,
                from: status(from)?,
                to: status(to)?,
                note,
            })
        })
        .collect()
    }

    /// The ids of a collection and all its descendants.
    pub fn collection_subtree(&self, collection: i64) -> Result<Vec<i64>> {
        subtree(self.conn(), collection)
    }
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

pub(crate) fn find_brand(conn: &Connection, name: &str, me: UserRow) -> Result<Option<BrandRow>> {
    let key = names::key(name.trim());
    if key == names::key(crate::org::PERSONAL_BRAND) {
        return Ok(conn
            .query_row("SELECT id FROM brand WHERE personal_of = ?1", [me.0], |r| {
                r.get(0)
            })
            .optional()?
            .map(BrandRow));
    }
    Ok(conn
        .query_row(
            "SELECT id FROM brand WHERE personal_of IS NULL AND name_key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?
        .map(BrandRow))
}

impl Tx<'_> {
    /// The public id of a row of `entity`'s table (tag, collection, campaign, project, brand).
    fn uid(&self, entity: Entity, id: i64) -> Result<Vec<u8>> {
        journal::uid_of(&self.tx, entity.as_str(), id)
    }

    /// The public id of a row as text, for the journal's before/after (never row ids there).
    fn uid_text(&self, entity: Entity, id: Option<i64>) -> Result<Option<String>> {
        id.map(|id| self.uid(entity, id).map(|u| journal::uid_text(&u)))
            .transpose()
    }

    #[allow(clippy::too_many_arguments)]
    fn journal(
        &self,
        now: i64,
        actor: UserRow,
        entity: Entity,
        subject: Option<&[u8]>,
        action: ChangeAction,
        before: serde_json::Value,
        after: serde_json::Value,
    ) -> Result<()> {
        let given = |v: serde_json::Value| (!v.is_null()).then_some(v);
        journal::record(
            &self.tx,
            journal::Entry::about(now, actor, entity, action, subject).change(given(before), given(after)),
        )
    }

    /// Renames a tag everywhere, and the tags below it when it is a path (`client/acme` →
    /// `client/acme-co` also renames `client/acme/summer`; the path need not be a tag itself).
    /// Refused when a new name is another tag's: merge instead. Returns how many tags changed.
    pub fn rename_tag_path(&mut self, old: &str, new: &str, actor: UserRow, now: i64) -> Result<usize> {
        let old = names::normalize_tag(old)?;
        let new = names::normalize_tag(new)?;
        let old_key = names::key(&old);
        let affected: Vec<(i64, String)> = self
            .tx
            .prepare("SELECT id, name FROM tag WHERE key = ?1 OR (key >= ?1 || '/' AND key < ?1 || '0')")?
            .query_map([&old_key], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        if affected.is_empty() {
            return Err(InvalidInput::new(
                ErrorCode::TagNotFound,
                format!("no tag named '{old}' (nor below it)"),
            )
            .into());
        }
        let ids: HashSet<i64> = affected.iter().map(|(id, _)| *id).collect();
        for (id, name) in &affected {
            // The old prefix has the same length in characters whatever its case.
            let rest: String = name.chars().skip(old.chars().count()).collect();
            let renamed = format!("{new}{rest}");
            let key = names::key(&renamed);
            let clash: Option<i64> = self
                .tx
                .query_row("SELECT id FROM tag WHERE key = ?1", [&key], |r| r.get(0))
                .optional()?;
            if clash.is_some_and(|c| !ids.contains(&c)) {
                return Err(InvalidInput::new(
                    ErrorCode::NameTaken,
                    format!("a tag named '{renamed}' already exists: merge '{name}' into it instead"),
                )
                .into());
            }
            // Through a placeholder key, so that swapping case within the set can't collide.
            self.tx
                .execute("UPDATE tag SET key = '\u{1}' || id WHERE id = ?1", [id])?;
            self.tx
                .execute("UPDATE tag SET name = ?2 WHERE id = ?1", params![id, renamed])?;
            crate::assets::index_tag(&self.tx, *id, &renamed)?;
        }
        for (id, name) in &affected {
            let rest: String = name.chars().skip(old.chars().count()).collect();
            self.tx.execute(
                "UPDATE tag SET key = ?2 WHERE id = ?1",
                params![id, names::key(&format!("{new}{rest}"))],
            )?;
        }
        let tags = affected
            .iter()
            .map(|(id, _)| self.uid(Entity::Tag, *id).map(|u| journal::uid_text(&u)))
            .collect::<Result<Vec<_>>>()?;
        self.journal(
            now,
            actor,
            Entity::Tag,
            None,
            ChangeAction::Rename,
            json!({ "name": old }),
            json!({ "name": new, "tags": tags }),
        )?;
        Ok(affected.len())
    }

    /// Moves every asset of tag `from` onto tag `into` and deletes `from`.
    pub fn merge_tags(&mut self, from: i64, into: i64, actor: UserRow, now: i64) -> Result<()> {
        if from == into {
            return Ok(());
        }
        let assets = load(&self.tx, Facet::Tag(from))?;
        let seqs: Vec<i64> = assets.iter().map(i64::from).collect();
        // Assets that would pass 64 tags by gaining `into` keep `from` instead of being refused:
        // a merge never loses a label, and gaining `into` only happens where `from` was.
        self.tx.execute(
            "INSERT OR IGNORE INTO asset_tag (tag, asset) SELECT ?2, asset FROM asset_tag WHERE tag = ?1",
            params![from, into],
        )?;
        for s in &assets {
            self.postings.add(Facet::Tag(into), s);
        }
        let (from_name, into_name): (String, String) = self.tx.query_row(
            "SELECT (SELECT name FROM tag WHERE id = ?1), (SELECT name FROM tag WHERE id = ?2)",
            params![from, into],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let (from_uid, into_uid) = (self.uid(Entity::Tag, from)?, self.uid(Entity::Tag, into)?);
        self.delete_tag_rows(from, &seqs)?;
        self.journal(
            now,
            actor,
            Entity::Tag,
            Some(&from_uid),
            ChangeAction::Merge,
            json!({ "name": from_name }),
            json!({ "name": into_name, "into": journal::uid_text(&into_uid) }),
        )
    }

    /// Deletes a tag from every asset.
    pub fn delete_tag(&mut self, tag: i64, actor: UserRow, now: i64) -> Result<()> {
        let seqs: Vec<i64> = load(&self.tx, Facet::Tag(tag))?.iter().map(i64::from).collect();
        let name: String = self
            .tx
            .query_row("SELECT name FROM tag WHERE id = ?1", [tag], |r| r.get(0))?;
        let uid = self.uid(Entity::Tag, tag)?;
        self.delete_tag_rows(tag, &seqs)?;
        self.journal(
            now,
            actor,
            Entity::Tag,
            Some(&uid),
            ChangeAction::Delete,
            json!({ "name": name }),
            json!(null),
        )
    }

    fn delete_tag_rows(&mut self, tag: i64, seqs: &[i64]) -> Result<()> {
        for s in seqs {
            self.postings.remove(Facet::Tag(tag), seq_u32(*s)?);
        }
        self.tx.execute("DELETE FROM asset_tag WHERE tag = ?1", [tag])?;
        self.tx.execute("DELETE FROM fts_tags WHERE rowid = ?1", [tag])?;
        self.tx.execute("DELETE FROM tag WHERE id = ?1", [tag])?;
        Ok(())
    }

    /// Renames a collection (unique among its siblings).
    pub fn rename_collection(&mut self, collection: i64, name: &str, actor: UserRow, now: i64) -> Result<()> {
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

    /// Moves a collection under `parent` (or to the top). Refused into itself or its own
    /// descendants, or onto a sibling's name.
    pub fn move_collection(
        &mut self,
        collection: i64,
        parent: Option<i64>,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
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
    pub fn delete_collection(&mut self, collection: i64, actor: UserRow, now: i64) -> Result<usize> {
        let ids = subtree(&self.tx, collection)?;
        let name: String =
            self.tx
                .query_row("SELECT name FROM collection WHERE id = ?1", [collection], |r| {
                    r.get(0)
                })?;
        let uid = self.uid(Entity::Collection, collection)?;
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
            json!({ "name": name, "collections": ids.len() }),
            json!(null),
        )?;
        Ok(ids.len())
    }

    /// Renames a campaign (unique in its brand, ignoring case).
    pub fn rename_campaign(&mut self, campaign: i64, name: &str, actor: UserRow, now: i64) -> Result<()> {
        let name = names::validate_name("campaign name", name)?;
        let (brand, old): (i64, String) = self.tx.query_row(
            "SELECT brand, name FROM campaign WHERE id = ?1",
            [campaign],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let clash: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM campaign WHERE brand = ?1 AND name_key = ?2 AND id != ?3",
                params![brand, names::key(&name), campaign],
                |r| r.get(0),
            )
            .optional()?;
        if clash.is_some() {
            return Err(
                InvalidInput::new(ErrorCode::NameTaken, "A campaign with that name already exists").into(),
            );
        }
        self.tx.execute(
            "UPDATE campaign SET name = ?2, name_key = ?3 WHERE id = ?1",
            params![campaign, name, names::key(&name)],
        )?;
        self.journal(
            now,
            actor,
            Entity::Campaign,
            Some(&self.uid(Entity::Campaign, campaign)?),
            ChangeAction::Rename,
            json!({ "name": old }),
            json!({ "name": name }),
        )
    }

    /// Deletes a campaign; its assets, their status and brand stay as they were (R8.3).
    pub fn delete_campaign(&mut self, campaign: i64, actor: UserRow, now: i64) -> Result<()> {
        let name: String = self
            .tx
            .query_row("SELECT name FROM campaign WHERE id = ?1", [campaign], |r| {
                r.get(0)
            })?;
        let uid = self.uid(Entity::Campaign, campaign)?;
        for s in &load(&self.tx, Facet::Campaign(campaign))? {
            self.postings.remove(Facet::Campaign(campaign), s);
        }
        self.tx
            .execute("DELETE FROM campaign WHERE id = ?1", [campaign])?;
        self.journal(
            now,
            actor,
            Entity::Campaign,
            Some(&uid),
            ChangeAction::Delete,
            json!({ "name": name }),
            json!(null),
        )
    }

    /// Renames a project (unique among the owner's projects).
    pub fn rename_project(
        &mut self,
        project: ProjectRow,
        name: &str,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        let name = names::validate_name("project name", name)?;
        let (owner, old): (i64, String) = self.tx.query_row(
            "SELECT owner, name FROM project WHERE id = ?1",
            [project.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let clash: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM project WHERE owner = ?1 AND name_key = ?2 AND id != ?3",
                params![owner, names::key(&name), project.0],
                |r| r.get(0),
            )
            .optional()?;
        if clash.is_some() {
            return Err(taken("project", &name));
        }
        self.tx.execute(
            "UPDATE project SET name = ?2, name_key = ?3 WHERE id = ?1",
            params![project.0, name, names::key(&name)],
        )?;
        self.journal(
            now,
            actor,
            Entity::Project,
            Some(&self.uid(Entity::Project, project.0)?),
            ChangeAction::Rename,
            json!({ "name": old }),
            json!({ "name": name }),
        )
    }

    /// Creates a project (unique name per owner).
    pub fn create_project(
        &mut self,
        owner: UserRow,
        name: &str,
        description: &str,
        now: i64,
    ) -> Result<ProjectRow> {
        let name = names::validate_name("project name", name)?;
        let exists: bool = self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM project WHERE owner = ?1 AND name_key = ?2)",
            params![owner.0, names::key(&name)],
            |r| r.get(0),
        )?;
        if exists {
            return Err(taken("project", &name));
        }
        self.tx.execute(
            "INSERT INTO project (uid, owner, name, name_key, description, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![ProjectId::new_v7().to_bytes(), owner.0, name, names::key(&name), description, now],
        )?;
        let row = ProjectRow(self.tx.last_insert_rowid());
        self.journal(
            now,
            owner,
            Entity::Project,
            Some(&self.uid(Entity::Project, row.0)?),
            ChangeAction::Create,
            json!(null),
            json!({ "name": name }),
        )?;
        Ok(row)
    }

    /// Sets a project's archived or shared state.
    pub fn set_project_flag(
        &mut self,
        project: ProjectRow,
        flag: &str,
        on: bool,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        let (column, action) = match flag {
            "archived" => ("archived", ChangeAction::Archived),
            "shared" => ("shared", ChangeAction::Shared),
            other => return Err(CatalogError::Corrupt(format!("unknown project flag {other}"))),
        };
        self.tx.execute(
            &format!("UPDATE project SET {column} = ?2 WHERE id = ?1"),
            params![project.0, on],
        )?;
        self.journal(
            now,
            actor,
            Entity::Project,
            Some(&self.uid(Entity::Project, project.0)?),
            action,
            json!({ column: !on }),
            json!({ column: on }),
        )
    }

    /// Changes a project's settings.
    pub fn set_project_settings(
        &mut self,
        project: ProjectRow,
        c: &ProjectChange,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        if let Some(b) = c.default_brand {
            self.tx.execute(
                "UPDATE project SET default_brand = ?2 WHERE id = ?1",
                params![project.0, b],
            )?;
        }
        if let Some(m) = &c.import_mode {
            self.tx.execute(
                "UPDATE project SET import_mode = ?2 WHERE id = ?1",
                params![project.0, m],
            )?;
        }
        if let Some(t) = &c.rename_template {
            self.tx.execute(
                "UPDATE project SET rename_template = ?2 WHERE id = ?1",
                params![project.0, t],
            )?;
        }
        if let Some(t) = &c.default_tags {
            self.tx.execute(
                "UPDATE project SET default_tags = ?2 WHERE id = ?1",
                params![
                    project.0,
                    serde_json::to_string(t).map_err(|e| CatalogError::Corrupt(e.to_string()))?
                ],
            )?;
        }
        if let Some(d) = &c.description {
            self.tx.execute(
                "UPDATE project SET description = ?2 WHERE id = ?1",
                params![project.0, d],
            )?;
        }
        let default_brand = match c.default_brand {
            Some(b) => Some(self.uid_text(Entity::Brand, b)?),
            None => None,
        };
        self.journal(
            now,
            actor,
            Entity::Project,
            Some(&self.uid(Entity::Project, project.0)?),
            ChangeAction::Settings,
            json!(null),
            json!({
                "default_brand": default_brand,
                "import_mode": c.import_mode,
                "rename_template": c.rename_template,
                "default_tags": c.default_tags,
                "description": c.description,
            }),
        )
    }

    /// Deletes an (emptied) project row.
    pub fn delete_project(&mut self, project: ProjectRow, actor: UserRow, now: i64) -> Result<()> {
        let name: String = self
            .tx
            .query_row("SELECT name FROM project WHERE id = ?1", [project.0], |r| {
                r.get(0)
            })?;
        let uid = self.uid(Entity::Project, project.0)?;
        self.tx
            .execute("DELETE FROM project WHERE id = ?1", [project.0])?;
        self.journal(
            now,
            actor,
            Entity::Project,
            Some(&uid),
            ChangeAction::Delete,
            json!({ "name": name }),
            json!(null),
        )
    }

    /// Creates a team brand (the name checked by `rules::brand_name`), with `creator` in
    /// `role` (`rules::CREATOR_ROLE`) so that it never lacks a Manager.
    pub fn create_brand(
        &mut self,
        name: &str,
        creator: UserRow,
        role: BrandRole,
        now: i64,
    ) -> Result<BrandRow> {
        let name = atelier_domain::rules::brand_name(name)?;
        let exists: bool = self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM brand WHERE personal_of IS NULL AND name_key = ?1)",
            [names::key(&name)],
            |r| r.get(0),
        )?;
        if exists {
            return Err(taken("brand", &name));
        }
        let brand = self.ensure_brand(&name, now)?;
        self.set_member(brand, creator, Some(role), creator, now)?;
        self.journal(
            now,
            creator,
            Entity::Brand,
            Some(&self.uid(Entity::Brand, brand.0)?),
            ChangeAction::Create,
            json!(null),
            json!({ "name": name }),
        )?;
        Ok(brand)
    }

    /// Renames a team brand.
    pub fn rename_brand(&mut self, brand: BrandRow, name: &str, actor: UserRow, now: i64) -> Result<()> {
        let name = names::validate_name("brand name", name)?;
        let clash: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM brand WHERE personal_of IS NULL AND name_key = ?1 AND id != ?2",
                params![names::key(&name), brand.0],
                |r| r.get(0),
            )
            .optional()?;
        if clash.is_some() || names::key(&name) == names::key(crate::org::PERSONAL_BRAND) {
            return Err(taken("brand", &name));
        }
        let old: String = self
            .tx
            .query_row("SELECT name FROM brand WHERE id = ?1", [brand.0], |r| r.get(0))?;
        self.tx.execute(
            "UPDATE brand SET name = ?2, name_key = ?3 WHERE id = ?1",
            params![brand.0, name, names::key(&name)],
        )?;
        self.journal(
            now,
            actor,
            Entity::Brand,
            Some(&self.uid(Entity::Brand, brand.0)?),
            ChangeAction::Rename,
            json!({ "name": old }),
            json!({ "name": name }),
        )
    }

    /// Changes kit fields (already validated).
    pub fn set_kit(&mut self, brand: BrandRow, k: &KitChange, actor: UserRow, now: i64) -> Result<()> {
        let json =
            |v: &Vec<String>| serde_json::to_string(v).map_err(|e| CatalogError::Corrupt(e.to_string()));
        if let Some(c) = &k.color {
            self.tx
                .execute("UPDATE brand SET color = ?2 WHERE id = ?1", params![brand.0, c])?;
        }
        if let Some(p) = &k.prompt_prefix {
            self.tx.execute(
                "UPDATE brand SET prompt_prefix = ?2 WHERE id = ?1",
                params![brand.0, p],
            )?;
        }
        if let Some(p) = &k.prompt_suffix {
            self.tx.execute(
                "UPDATE brand SET prompt_suffix = ?2 WHERE id = ?1",
                params![brand.0, p],
            )?;
        }
        if let Some(b) = &k.banned_terms {
            self.tx.execute(
                "UPDATE brand SET banned_terms = ?2 WHERE id = ?1",
                params![brand.0, json(b)?],
            )?;
        }
        if let Some(s) = k.self_approval {
            self.tx.execute(
                "UPDATE brand SET self_approval = ?2 WHERE id = ?1",
                params![brand.0, s],
            )?;
        }
        if let Some(p) = &k.palette {
            self.tx.execute(
                "UPDATE brand SET palette = ?2 WHERE id = ?1",
                params![brand.0, json(p)?],
            )?;
        }
        if let Some(l) = k.logo {
            self.tx.execute(
                "UPDATE brand SET logo_asset = ?2 WHERE id = ?1",
                params![brand.0, l],
            )?;
        }
        let logo = match k.logo {
            Some(l) => Some(
                l.map(|s| journal::asset_uid(&self.tx, s).map(|u| journal::uid_text(&u)))
                    .transpose()?,
            ),
            None => None,
        };
        self.journal(
            now,
            actor,
            Entity::Brand,
            Some(&self.uid(Entity::Brand, brand.0)?),
            ChangeAction::Kit,
            json!(null),
            json!({
                "color": k.color,
                "prompt_prefix": k.prompt_prefix,
                "prompt_suffix": k.prompt_suffix,
                "banned_terms": k.banned_terms,
                "self_approval": k.self_approval,
                "palette": k.palette,
                "logo": logo,
            }),
        )
    }

    /// Replaces a brand's pinned anchors (at most 16, validated by the caller).
    pub fn set_anchors(&mut self, brand: BrandRow, seqs: &[i64], actor: UserRow, now: i64) -> Result<()> {
        self.tx
            .execute("DELETE FROM brand_anchor WHERE brand = ?1", [brand.0])?;
        for (i, s) in seqs.iter().enumerate() {
            self.tx.execute(
                "INSERT OR IGNORE INTO brand_anchor (brand, asset, position) VALUES (?1, ?2, ?3)",
                params![brand.0, s, i as i64],
            )?;
        }
        let anchors: Vec<String> = journal::asset_uids(&self.tx, seqs)?
            .iter()
            .map(|u| journal::uid_text(u))
            .collect();
        self.journal(
            now,
            actor,
            Entity::Brand,
            Some(&self.uid(Entity::Brand, brand.0)?),
            ChangeAction::Anchors,
            json!(null),
            json!({ "anchors": anchors }),
        )
    }

    /// Sets (or with `None`, removes) a member's role. The last-Manager guard is the caller's.
    pub fn set_member(
        &mut self,
        brand: BrandRow,
        user: UserRow,
        role: Option<BrandRole>,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        match role {
            Some(r) => self.tx.execute(
                "INSERT INTO brand_member (brand, user, role) VALUES (?1, ?2, ?3)
                 ON CONFLICT (brand, user) DO UPDATE SET role = excluded.role",
                params![brand.0, user.0, r.as_str()],
            )?,
            None => self.tx.execute(
                "DELETE FROM brand_member WHERE brand = ?1 AND user = ?2",
                params![brand.0, user.0],
            )?,
        };
        let member: Vec<u8> = self
            .tx
            .query_row("SELECT uid FROM user WHERE id = ?1", [user.0], |r| r.get(0))?;
        self.journal(
            now,
            actor,
            Entity::Brand,
            Some(&self.uid(Entity::Brand, brand.0)?),
            ChangeAction::Member,
            json!(null),
            json!({ "user": journal::uid_text(&member), "role": role.map(BrandRole::as_str) }),
        )
    }

    /// A local user by login name, created (as a studio Member, with a Personal brand) when
    /// missing. Standalone libraries use local users for brand members until the studio exists.
    pub fn ensure_user(&mut self, handle: &str, now: i64) -> Result<UserRow> {
        let handle = names::validate_name("user name", handle)?;
        if let Some(id) = self
            .tx
            .query_row(
                "SELECT id FROM user WHERE handle_key = ?1",
                [names::key(&handle)],
                |r| r.get(0),
            )
            .optional()?
        {
            return Ok(UserRow(id));
        }
        self.tx.execute(
            "INSERT INTO user (uid, handle, handle_key, display_name, studio_role, is_local, created_at)
             VALUES (?1, ?2, ?3, ?2, 'member', 0, ?4)",
            params![UserId::new_v7().to_bytes(), handle, names::key(&handle), now],
        )?;
        let user = UserRow(self.tx.last_insert_rowid());
        self.ensure_personal_brand(user, now)?;
        Ok(user)
    }

    /// The brand rows the catalog refuses to lose (for callers that need them inside the tx).
    pub fn find_brand(&self, name: &str, me: UserRow) -> Result<Option<BrandRow>> {
        find_brand(&self.tx, name, me)
    }

    /// Marks assets as "filed or not" from scratch (after a bulk unfile).
    pub fn refresh_filed_all(&mut self, seqs: &[i64]) -> Result<()> {
        self.refresh_filed(seqs)
    }

    /// Used by moves between brands: drops an asset's collections and campaigns (both belong to
    /// a brand), returning how many memberships went.
    pub fn drop_brand_memberships(&mut self, seqs: &[i64], actor: UserRow, now: i64) -> Result<u64> {
        let mut n = 0u64;
        let links: Vec<(String, i64, i64)> = self
            .tx
            .prepare(
                "SELECT 'collection', collection, asset FROM collection_asset WHERE asset IN rarray(?1)
                 UNION ALL SELECT 'campaign', campaign, asset FROM campaign_asset WHERE asset IN rarray(?1)",
            )?
            .query_map([array(seqs)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        for (kind, group, seq) in links {
            if kind == "collection" {
                self.unfile(group, &[seq], actor, now)?;
            } else {
                self.remove_from_campaign(group, &[seq], actor, now)?;
            }
            n += 1;
        }
        Ok(n)
    }
}

impl Catalog {
    /// A user's studio role.
    pub fn find_user_row(&self, user: UserRow) -> Result<Option<(UserRow, StudioRole)>> {
        let role: Option<String> = self
            .conn()
            .query_row("SELECT studio_role FROM user WHERE id = ?1", [user.0], |r| {
                r.get(0)
            })
            .optional()?;
        role.map(|r| Ok((user, r.parse::<StudioRole>()?))).transpose()
    }

    /// The assets carrying a tag.
    pub fn tag_members(&self, tag: i64) -> Result<Vec<i64>> {
        Ok(load(self.conn(), Facet::Tag(tag))?
            .iter()
            .map(i64::from)
            .collect())
    }

    /// The assets in a campaign.
    pub fn campaign_members(&self, campaign: i64) -> Result<HashSet<i64>> {
        Ok(load(self.conn(), Facet::Campaign(campaign))?
            .iter()
            .map(i64::from)
            .collect())
    }

    /// A campaign's name.
    pub fn campaign_name(&self, campaign: i64) -> Result<String> {
        Ok(self
            .conn()
            .query_row("SELECT name FROM campaign WHERE id = ?1", [campaign], |r| {
                r.get(0)
            })?)
    }
}

impl Tx<'_> {
    /// A collection by path within a brand, inside this transaction.
    pub fn find_collection(&self, brand: BrandRow, path: &str) -> Result<Option<i64>> {
        Ok(crate::org::collections_at(&self.tx, path, &[brand.0], false)
            .ok()
            .and_then(|v| v.first().copied()))
    }
}

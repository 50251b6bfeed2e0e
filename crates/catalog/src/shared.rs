//! Shared projects in the catalog (STUDIO.md §3–§4): the studio's project and asset rows
//! applied — other members' assets arrive without their original (presence `remote`), ours
//! take the studio's fields —, Gone rows and lost scopes purging what came in them, and the
//! rows this library sends when it shares (an asset as the studio's `asset.create` carries it).
//!
//! Every change applied here is journaled as `synced` and never queued for the studio: the
//! studio already has it. Knows tables and the wire rows; must not know HTTP, the studio's rules
//! or when to sync.

use std::collections::HashMap;

use atelier_domain::ids::{BrandId, CampaignId, CollectionId, ProjectId, UserId};
use atelier_domain::{AssetId, Flag, Id, Kind, Presence, Rating, Source, Status, names};
use atelier_protocol::{AssetSyncRow, CampaignSyncRow, CollectionSyncRow, GoneRow, ProjectSyncRow};
use rusqlite::{OptionalExtension, params};

use crate::assets::{FileFacts, FreedFile, NewAsset};
use crate::postings::{Facet, seq_u32};
use crate::rows::{BrandRow, CampaignRow, CollectionRow, ProjectRow, TagRow, UserRow, array, hex, uuid_of};
use crate::{Catalog, CatalogError, Result, Tx};

/// Where another member's original lands once downloaded, relative to the library: its
/// content hash names it, so that two assets of the same bytes share one copy.
pub fn remote_original_path(hash_hex: &str, name: &str) -> String {
    let ext = names::extension(name).to_ascii_lowercase();
    let shard = hash_hex.get(..2).unwrap_or("00");
    if ext.is_empty() {
        format!("studio/{shard}/{hash_hex}")
    } else {
        format!("studio/{shard}/{hash_hex}.{ext}")
    }
}

/// What applying a Gone row or purging a scope did.
#[derive(Debug, Clone, Default)]
pub struct Purged {
    /// Assets removed from this library (other members', or copies of ours nobody holds here).
    pub assets: Vec<AssetId>,
    /// Their cached originals (under `studio/`) and renditions no asset uses any more, for the
    /// caller to delete from disk — never a file of the user's.
    pub freed: Vec<FreedFile>,
}

impl Purged {
    /// Adds what another purge did.
    pub fn extend(&mut self, other: Purged) {
        self.assets.extend(other.assets);
        self.freed.extend(other.freed);
    }
}

/// What every asset row of a page asks again — the local rows of its brand, its project and its
/// people — answered once per transaction. Any other kind of row (a brand, a member, a project,
/// a group, a row gone) may change those answers, and empties it.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    brands: HashMap<BrandId, BrandRow>,
    projects: HashMap<ProjectId, ProjectRow>,
    users: HashMap<UserId, UserRow>,
    local_user: Option<Option<UserRow>>,
}

fn parse_hash(text: &str) -> Result<[u8; 32]> {
    let bytes = (0..text.len())
        .step_by(2)
        .map(|i| text.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<Vec<u8>>>();
    bytes.and_then(|b| <[u8; 32]>::try_from(b).ok()).ok_or_else(|| {
        CatalogError::Corrupt(format!(
            "a content hash from the studio that isn't 64 hex digits: {text}"
        ))
    })
}

/// The wall-clock seconds the Captured sort uses: the capture time as written, else when it
/// was added.
fn sort_captured(captured_at: Option<&str>, added_at: i64) -> i64 {
    captured_at
        .and_then(|c| c.get(..19))
        .and_then(|c| chrono::NaiveDateTime::parse_from_str(c, "%Y-%m-%dT%H:%M:%S").ok())
        .map_or(added_at / 1000, |t| t.and_utc().timestamp())
}

impl Catalog {
    /// The scopes rows from the studio are held in here (whatever the bookkeeping says: a
    /// pull cut off after its pages still leaves their rows to purge).
    pub fn replicated_scopes(&self) -> Result<Vec<String>> {
        // A few scopes over many rows: each found by a jump along the index on scope from the
        // last (SQLite's DISTINCT would read every entry — 60 ms at 100,000 rows, each sync).
        let mut stmt = self.conn().prepare_cached(
            "WITH RECURSIVE s(scope) AS (
                 SELECT min(scope) FROM replicated
                 UNION ALL
                 SELECT (SELECT min(scope) FROM replicated WHERE scope > s.scope) FROM s WHERE s.scope IS NOT NULL
             )
             SELECT scope FROM s WHERE scope IS NOT NULL",
        )?;
        let scopes = stmt
            .query_map([], |r| r.get(0))?
            .collect::<std::result::Result<Vec<String>, _>>()?;
        Ok(scopes)
    }

    /// The scopes this library holds whole (read from the start or backfilled).
    pub fn sync_scopes(&self) -> Result<Vec<String>> {
        let text: Option<String> = self
            .conn()
            .query_row("SELECT scopes FROM sync_state WHERE id = 1", [], |r| r.get(0))
            .optional()?;
        Ok(text
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default())
    }

    /// A project's name and whether it is shared (`None`: no such project).
    pub fn project_sharing(&self, project: ProjectId) -> Result<Option<(String, bool)>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT name, shared FROM project WHERE uid = ?1",
                [project.to_bytes()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Whether this library holds (kind, id) as the studio sent it.
    pub fn is_replicated(&self, kind: &str, id: uuid::Uuid) -> Result<bool> {
        Ok(self
            .conn()
            .query_row(
                "SELECT 1 FROM replicated WHERE kind = ?1 AND key = ?2",
                params![kind, id.as_bytes().to_vec()],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// A tag's name by its public id.
    pub fn tag_name(&self, id: uuid::Uuid) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT name FROM tag WHERE uid = ?1",
                [id.as_bytes().to_vec()],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Every asset of the catalog whoever may see it — its id, its creator's public id, its
    /// name, whether it is in the Trash — for checking a library against its studio (the
    /// simulation), never for showing: readers go through a Scope.
    pub fn census(&self) -> Result<Vec<(AssetId, uuid::Uuid, String, bool)>> {
        let mut stmt = self.conn().prepare(
            "SELECT a.uid, u.uid, a.name, a.trashed_at IS NOT NULL FROM asset a JOIN user u ON u.id = a.creator",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                ))
            })?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(a, u, name, trashed)| Ok((AssetId::from_uuid(uuid_of(&a)?), uuid_of(&u)?, name, trashed)))
            .collect()
    }

    /// Every collection and campaign of a team brand here — (`collection` | `campaign`, id)
    /// — whoever may see it: for checking a library against its studio (the simulation).
    pub fn group_census(&self) -> Result<Vec<(&'static str, uuid::Uuid)>> {
        let mut out = Vec::new();
        for kind in ["collection", "campaign"] {
            let mut stmt = self.conn().prepare(&format!(
                "SELECT g.uid FROM {kind} g JOIN brand b ON b.id = g.brand WHERE b.personal_of IS NULL"
            ))?;
            let ids = stmt
                .query_map([], |r| r.get::<_, Vec<u8>>(0))?
                .collect::<std::result::Result<Vec<_>, _>>()?;
            for id in ids {
                out.push((kind, uuid_of(&id)?));
            }
        }
        Ok(out)
    }

    /// Whether the asset is in a shared project (what the studio is told about).
    pub fn in_shared_project(&self, asset: AssetId) -> Result<bool> {
        Ok(self
            .conn()
            .query_row(
                "SELECT p.shared FROM asset a JOIN project p ON p.id = a.project WHERE a.uid = ?1",
                [asset.to_bytes()],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(false))
    }

    /// The assets of a project (live, not in the Trash), oldest first, as `asset.create`
    /// carries them.
    pub fn project_sync_rows(&self, project: ProjectId) -> Result<Vec<AssetSyncRow>> {
        let seqs: Vec<i64> = self
            .conn()
            .prepare(
                "SELECT a.seq FROM asset a JOIN project p ON p.id = a.project
                 WHERE p.uid = ?1 AND a.trashed_at IS NULL ORDER BY a.seq",
            )?
            .query_map([project.to_bytes()], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        seqs.into_iter()
            .filter_map(|s| self.asset_sync_row_at(s).transpose())
            .collect()
    }

    /// The other members of the stack under `cover`, by id.
    pub fn stack_members(&self, cover: AssetId) -> Result<Vec<AssetId>> {
        self.conn()
            .prepare_cached(
                "SELECT m.uid FROM asset m JOIN asset c ON c.seq = m.stack
                 WHERE c.uid = ?1 AND m.seq != c.seq ORDER BY m.seq",
            )?
            .query_map([cover.to_bytes()], |r| r.get::<_, Vec<u8>>(0))?
            .map(|u| Ok(AssetId::from_uuid(uuid_of(&u?)?)))
            .collect()
    }

    /// One asset as `asset.create` carries it (`None`: no such asset).
    pub fn asset_sync_row(&self, asset: AssetId) -> Result<Option<AssetSyncRow>> {
        let seq: Option<i64> = self
            .conn()
            .query_row("SELECT seq FROM asset WHERE uid = ?1", [asset.to_bytes()], |r| {
                r.get(0)
            })
            .optional()?;
        match seq {
            Some(s) => self.asset_sync_row_at(s),
            None => Ok(None),
        }
    }

    fn asset_sync_row_at(&self, seq: i64) -> Result<Option<AssetSyncRow>> {
        let conn = self.conn();
        let row = conn
            .prepare_cached(
                "SELECT a.uid, p.uid, b.uid, u.uid, a.name, a.kind, a.source, a.hash, f.bytes, f.mime,
                        -- As displayed (the row's promise): a photo turned by its EXIF orientation
                        -- is sent as it is seen, so other members' copies (orientation 1) agree.
                        CASE WHEN f.orientation BETWEEN 5 AND 8 THEN a.height ELSE a.width END,
                        CASE WHEN f.orientation BETWEEN 5 AND 8 THEN a.width ELSE a.height END,
                        a.captured_at, a.added_at, a.status, a.rating, a.flag, a.prompt, b.personal_of,
                        a.label
                 FROM asset a JOIN project p ON p.id = a.project JOIN brand b ON b.id = a.brand
                 JOIN user u ON u.id = a.creator JOIN asset_file f ON f.asset = a.seq WHERE a.seq = ?1",
            )?
            .query_row([seq], |r| {
                Ok((
                    (
                        r.get::<_, Vec<u8>>(0)?,
                        r.get::<_, Vec<u8>>(1)?,
                        r.get::<_, Option<Vec<u8>>>(2)?,
                        r.get::<_, Option<Vec<u8>>>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, i64>(5)?,
                        r.get::<_, i64>(6)?,
                        r.get::<_, Vec<u8>>(7)?,
                    ),
                    (
                        r.get::<_, i64>(8)?,
                        r.get::<_, String>(9)?,
                        r.get::<_, u32>(10)?,
                        r.get::<_, u32>(11)?,
                        r.get::<_, Option<String>>(12)?,
                        r.get::<_, i64>(13)?,
                        r.get::<_, i64>(14)?,
                        r.get::<_, u8>(15)?,
                        r.get::<_, i64>(16)?,
                        r.get::<_, Option<String>>(17)?,
                        r.get::<_, Option<i64>>(18)?,
                        r.get::<_, i64>(19)?,
                    ),
                ))
            })
            .optional()?;
        let Some(((uid, project, brand, creator, name, kind, source, hash), rest)) = row else {
            return Ok(None);
        };
        let (
            bytes,
            mime,
            width,
            height,
            captured_at,
            added_at,
            status,
            rating,
            flag,
            prompt,
            personal_of,
            label,
        ) = rest;
        // A Personal brand's studio id is its person's.
        let brand = match (brand, personal_of) {
            (Some(b), _) => BrandId::from_uuid(uuid_of(&b)?),
            (None, Some(owner)) => {
                let owner: Option<Vec<u8>> =
                    conn.query_row("SELECT uid FROM user WHERE id = ?1", [owner], |r| r.get(0))?;
                match owner {
                    Some(o) => BrandId::from_uuid(uuid_of(&o)?),
                    None => return Ok(None),
                }
            }
            // A team brand the studio doesn't have (kept in this library at binding): its
            // assets stay here until it is on the studio.
            (None, None) => return Ok(None),
        };
        // A person of this library only (never on the studio) has no public id: theirs stay.
        let Some(creator) = creator else {
            return Ok(None);
        };
        let tags: Vec<String> = conn
            .prepare_cached(
                "SELECT t.name FROM asset_tag x JOIN tag t ON t.id = x.tag WHERE x.asset = ?1 ORDER BY t.key",
            )?
            .query_map([seq], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        // Its collections and campaigns that are team brands' (a Personal brand's stay here).
        let groups = |sql: &str| -> Result<Vec<uuid::Uuid>> {
            let mut ids = conn
                .prepare_cached(sql)?
                .query_map([seq], |r| r.get::<_, Vec<u8>>(0))?
                .map(|b| uuid_of(&b?))
                .collect::<Result<Vec<_>>>()?;
            ids.sort();
            Ok(ids)
        };
        let collections = groups(
            "SELECT c.uid FROM collection_asset x JOIN collection c ON c.id = x.collection
             JOIN brand b ON b.id = c.brand WHERE x.asset = ?1 AND b.personal_of IS NULL",
        )?
        .into_iter()
        .map(CollectionId::from_uuid)
        .collect();
        let campaigns = groups(
            "SELECT c.uid FROM campaign_asset x JOIN campaign c ON c.id = x.campaign
             JOIN brand b ON b.id = c.brand WHERE x.asset = ?1 AND b.personal_of IS NULL",
        )?
        .into_iter()
        .map(CampaignId::from_uuid)
        .collect();
        let (stack, forked_from, trashed) = self.links_of(seq)?;
        let corrupt = |what: &str| CatalogError::Corrupt(format!("asset {seq}: {what}"));
        Ok(Some(AssetSyncRow {
            id: AssetId::from_uuid(uuid_of(&uid)?),
            project: ProjectId::from_uuid(uuid_of(&project)?),
            brand,
            creator: UserId::from_uuid(uuid_of(&creator)?),
            name,
            kind: Kind::from_code(kind).ok_or_else(|| corrupt("kind"))?,
            source: Source::from_code(source).ok_or_else(|| corrupt("source"))?,
            hash: hex(&hash),
            bytes: bytes.max(0) as u64,
            mime,
            width,
            height,
            captured_at,
            added_at,
            status: Status::from_code(status).ok_or_else(|| corrupt("status"))?,
            rating: Rating::new(rating).map_err(|_| corrupt("rating"))?,
            flag: Flag::from_code(flag).ok_or_else(|| corrupt("flag"))?,
            label: atelier_domain::Label::from_code(label).unwrap_or_default(),
            tags,
            prompt,
            thumb: false,
            collections,
            campaigns,
            stack,
            forked_from,
            trashed,
        }))
    }

    /// An asset's stack cover and fork original as the studio is to know them: the cover
    /// while it is its own stack's cover on the same brand, wherever it is (one in a private
    /// project counts on the studio once it is shared: the member's row has said so all
    /// along, whatever order the rows reach it in); the original always (a cover in the Trash
    /// still counts: the stack comes back with it), or the one it waits for in `link_pending`.
    /// With whether the asset itself is in the Trash.
    fn links_of(&self, seq: i64) -> Result<(Option<AssetId>, Option<AssetId>, bool)> {
        let conn = self.conn();
        let (stack, parent, brand, trashed): (Option<i64>, Option<i64>, i64, bool) = conn
            .prepare_cached("SELECT stack, parent, brand, trashed_at IS NOT NULL FROM asset WHERE seq = ?1")?
            .query_row([seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        let named = |of: i64, same_brand: bool| -> Result<Option<AssetId>> {
            let row: Option<Vec<u8>> = conn
                .prepare_cached(
                    "SELECT a.uid FROM asset a
                     WHERE a.seq = ?1 AND (?2 = 0 OR (a.stack = a.seq AND a.brand = ?3))",
                )?
                .query_row(params![of, same_brand, brand], |r| r.get(0))
                .optional()?;
            row.map(|u| Ok(AssetId::from_uuid(uuid_of(&u)?))).transpose()
        };
        // A link waiting here for an asset that left (or hasn't come): the studio keeps it.
        let waiting = |kind: &str| -> Result<Option<AssetId>> {
            let row: Option<Vec<u8>> = conn
                .prepare_cached("SELECT target FROM link_pending WHERE asset = ?1 AND kind = ?2")?
                .query_row(params![seq, kind], |r| r.get(0))
                .optional()?;
            row.map(|u| Ok(AssetId::from_uuid(uuid_of(&u)?))).transpose()
        };
        let stack = match stack {
            Some(c) => named(c, true)?,
            None => waiting("stack")?,
        };
        let parent = match parent {
            Some(p) => named(p, false)?,
            None => waiting("parent")?,
        };
        Ok((stack, parent, trashed))
    }

    /// A collection as `collection.create` carries it: `None` if it is gone, or on a Personal
    /// brand (those stay here), or on a team brand the studio doesn't have.
    pub fn collection_sync_row(&self, id: CollectionId) -> Result<Option<CollectionSyncRow>> {
        // (brand uid, parent uid, name, on a team brand, cover)
        type Found = (Vec<u8>, Option<Vec<u8>>, String, bool, Option<Vec<u8>>);
        let row: Option<Found> = self
            .conn()
            .query_row(
                "SELECT b.uid, p.uid, c.name, b.personal_of IS NULL, c.cover FROM collection c JOIN brand b ON b.id = c.brand
                 LEFT JOIN collection p ON p.id = c.parent WHERE c.uid = ?1",
                [id.to_bytes()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let Some((brand, parent, name, team, cover)) = row else {
            return Ok(None);
        };
        if !team {
            return Ok(None);
        }
        Ok(Some(CollectionSyncRow {
            id,
            brand: BrandId::from_uuid(uuid_of(&brand)?),
            parent: parent
                .map(|p| uuid_of(&p).map(CollectionId::from_uuid))
                .transpose()?,
            name,
            cover: cover.map(|c| uuid_of(&c).map(AssetId::from_uuid)).transpose()?,
        }))
    }

    /// A collection and the collections above it, the topmost first (what creating it on the
    /// studio needs there first).
    pub fn collection_lineage(&self, id: CollectionId) -> Result<Vec<CollectionSyncRow>> {
        let mut out = Vec::new();
        let mut at = Some(id);
        while let Some(c) = at {
            let Some(row) = self.collection_sync_row(c)? else {
                break;
            };
            at = row.parent;
            out.push(row);
            if out.len() > 64 {
                break; // deeper than any tree a person makes: a cycle in damaged data
            }
        }
        out.reverse();
        Ok(out)
    }

    /// A campaign as `campaign.create` carries it (`None`: gone, or not a team brand's).
    pub fn campaign_sync_row(&self, id: CampaignId) -> Result<Option<CampaignSyncRow>> {
        let row: Option<(Vec<u8>, String, String, bool, bool)> = self
            .conn()
            .query_row(
                "SELECT b.uid, c.name, c.description, b.personal_of IS NULL, c.visibility = 'public'
                 FROM campaign c JOIN brand b ON b.id = c.brand WHERE c.uid = ?1",
                [id.to_bytes()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        Ok(match row {
            Some((brand, name, description, true, public)) => Some(CampaignSyncRow {
                id,
                brand: BrandId::from_uuid(uuid_of(&brand)?),
                name,
                description,
                // As the studio last said (a library sending it changes nothing there).
                public,
            }),
            _ => None,
        })
    }
}

/// An original waiting to be sent to the studio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsent {
    /// Its content hash (hex).
    pub hash: String,
    /// Where it is: absolute for files added in place, relative to the library when managed.
    pub path: String,
    /// Whether the library manages it (then `path` is relative).
    pub managed: bool,
    /// Its size.
    pub bytes: u64,
    /// Its grid thumbnail's extension, if one was made.
    pub thumb: Option<String>,
    /// Its MIME type.
    pub mime: String,
}

/// Another member's asset whose grid thumbnail this library doesn't have yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThumbWanted {
    /// The asset.
    pub id: AssetId,
    /// Its original's content hash (hex): thumbnails are kept by it.
    pub hash: String,
}

/// Another member's original, to download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteOriginal {
    /// The asset.
    pub id: AssetId,
    /// Content hash (hex).
    pub hash: String,
    /// Where it goes, relative to the library.
    pub path: String,
    /// Its size.
    pub bytes: u64,
    /// The asset's file name (for people: the transfers list shows it).
    pub name: String,
}

/// Whether an original may wait to be sent (migration 0022): the count of the changes that can
/// make one wait, and the count at which a look last found none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnsentGeneration {
    changes: i64,
    settled: i64,
}

impl UnsentGeneration {
    /// Nothing changed since a look found no original waiting: none waits.
    pub fn nothing_waits(&self) -> bool {
        self.changes == self.settled
    }
}

impl Catalog {
    /// See [`UnsentGeneration`]; read before looking with [`Catalog::unsent`], so that a look
    /// that finds nothing can settle it ([`Tx::settle_unsent`]).
    pub fn unsent_generation(&self) -> Result<UnsentGeneration> {
        Ok(self.conn().query_row(
            "SELECT gen, settled FROM unsent_generation WHERE id = 1",
            [],
            |r| {
                Ok(UnsentGeneration {
                    changes: r.get(0)?,
                    settled: r.get(1)?,
                })
            },
        )?)
    }

    /// Originals in shared projects, with their file here, that the studio may not hold yet
    /// for this library's person — at most `limit`, newest first.
    pub fn unsent(&self, limit: usize) -> Result<Vec<Unsent>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT a.hash, f.path, f.managed, f.bytes, f.thumb, f.mime FROM asset a
             JOIN project p ON p.id = a.project AND p.shared = 1
             JOIN asset_file f ON f.asset = a.seq
             WHERE f.presence = 0 AND a.trashed_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM sent_file s WHERE s.hash = a.hash)
             GROUP BY a.hash ORDER BY max(a.seq) DESC LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                Ok(Unsent {
                    hash: hex(&r.get::<_, Vec<u8>>(0)?),
                    path: r.get(1)?,
                    managed: r.get(2)?,
                    bytes: r.get::<_, i64>(3)?.max(0) as u64,
                    thumb: r.get(4)?,
                    mime: r.get(5)?,
                })
            })?
            .collect::<std::result::Result<_, _>>()?;
        Ok(rows)
    }

    /// How many originals wait to be sent, and how many thumbnails the studio has that this
    /// library doesn't (what the sync indicator's panel says).
    pub fn transfers_waiting(&self) -> Result<(i64, i64)> {
        let conn = self.conn();
        let uploads: i64 = if self.unsent_generation()?.nothing_waits() {
            0
        } else {
            conn.query_row(
                "SELECT count(DISTINCT a.hash) FROM asset a
             JOIN project p ON p.id = a.project AND p.shared = 1
             JOIN asset_file f ON f.asset = a.seq
             WHERE f.presence = 0 AND a.trashed_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM sent_file s WHERE s.hash = a.hash)",
                [],
                |r| r.get(0),
            )?
        };
        let thumbs: i64 = conn.query_row("SELECT count(*) FROM thumb_wanted", [], |r| r.get(0))?;
        Ok((uploads, thumbs))
    }

    /// Other members' assets without a grid thumbnail here whose thumbnail the studio has,
    /// newest first, at most `limit` (kept in `thumb_wanted` by the catalog's triggers).
    pub fn thumbs_wanted(&self, limit: usize) -> Result<Vec<ThumbWanted>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT a.uid, a.hash FROM thumb_wanted w JOIN asset a ON a.seq = w.asset
             ORDER BY w.added_at DESC, w.asset DESC LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
            })?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(uid, hash)| {
                Ok(ThumbWanted {
                    id: AssetId::from_uuid(uuid_of(&uid)?),
                    hash: hex(&hash),
                })
            })
            .collect()
    }

    /// Another member's asset whose original isn't here yet (`None`: not remote, or no such
    /// asset).
    pub fn remote_original(&self, id: AssetId) -> Result<Option<RemoteOriginal>> {
        let row: Option<(Vec<u8>, String, i64, String)> = self
            .conn()
            .query_row(
                "SELECT a.hash, f.path, f.bytes, a.name FROM asset a JOIN asset_file f ON f.asset = a.seq
                 WHERE a.uid = ?1 AND f.presence = 3",
                [id.to_bytes()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        Ok(row.map(|(hash, path, bytes, name)| RemoteOriginal {
            id,
            hash: hex(&hash),
            path,
            bytes: bytes.max(0) as u64,
            name,
        }))
    }

    /// Up to `limit` originals of the projects kept available offline that are only on the
    /// studio, newest first — those the studio has (its thumbnail came: an uploader sends it
    /// once the original is there), so that a batch of files not uploaded yet doesn't stand in
    /// front of the rest sync after sync.
    pub fn remote_in_offline_projects(&self, limit: usize) -> Result<Vec<AssetId>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            // From the projects kept offline to their assets (CROSS JOIN keeps that order):
            // left to itself SQLite started from every remote asset, 200 ms at 100,000 each
            // sync, with no project kept offline.
            "SELECT a.uid FROM project p CROSS JOIN asset a ON a.project = p.id
             CROSS JOIN asset_file f ON f.asset = a.seq
             CROSS JOIN replicated r ON r.kind = 'asset' AND r.key = a.uid AND r.thumb = 1
             WHERE p.offline = 1 AND p.shared = 1 AND f.presence = 3 AND a.trashed_at IS NULL
             ORDER BY a.added_at DESC, a.seq DESC LIMIT ?1",
        )?;
        let rows: Vec<Vec<u8>> = stmt
            .query_map([limit as i64], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        rows.into_iter()
            .map(|u| Ok(AssetId::from_uuid(uuid_of(&u)?)))
            .collect()
    }

    /// Other members' assets of a project whose originals aren't here (`atelier download
    /// --project`).
    pub fn remote_in_project(&self, project: ProjectRow) -> Result<Vec<AssetId>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT a.uid FROM asset a JOIN asset_file f ON f.asset = a.seq
             WHERE a.project = ?1 AND f.presence = 3 ORDER BY a.seq",
        )?;
        let uids: Vec<Vec<u8>> = stmt
            .query_map([project.0], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        uids.iter().map(|u| Ok(AssetId::from_uuid(uuid_of(u)?))).collect()
    }
}

impl Tx<'_> {
    /// Journals that other members' assets arrived from the studio (one entry per page, for
    /// the app's live refresh).
    pub fn assets_arrived(&mut self, ids: &[AssetId], now: i64) -> Result<()> {
        self.note_synced_assets(ids, "arrived", now)
    }

    /// Journals that grid thumbnails of these assets arrived from the studio (the app asks
    /// again for the ones it showed without).
    pub fn thumbnails_arrived(&mut self, ids: &[AssetId], now: i64) -> Result<()> {
        self.note_synced_assets(ids, "thumbnails", now)
    }

    /// One `synced` journal entry about `ids`, saying `{what: count}`.
    fn note_synced_assets(&mut self, ids: &[AssetId], what: &str, now: i64) -> Result<()> {
        let Some(actor) = self.local_user()? else {
            return Ok(());
        };
        if ids.is_empty() {
            return Ok(());
        }
        let uids: Vec<Vec<u8>> = ids.iter().map(|i| i.to_bytes().to_vec()).collect();
        crate::journal::record(
            &self.tx,
            crate::journal::Entry::assets(now, actor, atelier_protocol::ChangeAction::Synced, &uids)
                .change(None, Some(serde_json::json!({ what: ids.len() }))),
        )
    }

    /// A look at the originals waiting to be sent, made at `seen`, found none: until the next
    /// change that can make one wait, none does (nothing is settled if one came meanwhile).
    pub fn settle_unsent(&mut self, seen: UnsentGeneration) -> Result<()> {
        self.tx.execute(
            "UPDATE unsent_generation SET settled = ?1 WHERE id = 1 AND gen = ?1",
            [seen.changes],
        )?;
        Ok(())
    }

    /// Notes that the studio holds these originals for this library's person.
    pub fn mark_sent(&mut self, hashes: &[String], now: i64) -> Result<()> {
        let mut seqs: Vec<i64> = Vec::new();
        {
            let mut stmt = self
                .tx
                .prepare_cached("INSERT OR IGNORE INTO sent_file (hash, sent_at) VALUES (?1, ?2)")?;
            let mut of = self.tx.prepare_cached("SELECT seq FROM asset WHERE hash = ?1")?;
            for h in hashes {
                let hash = parse_hash(h)?.to_vec();
                if stmt.execute(params![hash, now])? > 0 {
                    let found = of
                        .query_map([&hash], |r| r.get::<_, i64>(0))?
                        .collect::<std::result::Result<Vec<_>, _>>()?;
                    seqs.extend(found);
                }
            }
        }
        // Journaled (never pushed) so that an open app takes "Not yet uploaded" off their cards.
        if let (false, Some(actor)) = (seqs.is_empty(), self.local_user()?) {
            let uids = crate::journal::asset_uids(&self.tx, &seqs)?;
            crate::journal::record(
                &self.tx,
                crate::journal::Entry::assets(now, actor, atelier_protocol::ChangeAction::Synced, &uids),
            )?;
        }
        Ok(())
    }

    /// Another member's original arrived (verified, in place at its path): every asset of
    /// that content that was waiting for it has its file here now.
    pub fn original_arrived(&mut self, hash: &str, now: i64) -> Result<()> {
        let seqs: Vec<i64> = self
            .tx
            .prepare_cached(
                "SELECT a.seq FROM asset a JOIN asset_file f ON f.asset = a.seq WHERE a.hash = ?1 AND f.presence = 3",
            )?
            .query_map([parse_hash(hash)?.to_vec()], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        if let Some(actor) = self.local_user()? {
            self.set_presence(&seqs, Presence::Ok, actor, now)?;
        }
        Ok(())
    }

    /// Runs `apply` as the studio's: every journal entry it writes becomes `synced` and nothing
    /// it does is queued for the studio.
    pub fn as_synced<T>(&mut self, apply: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if self.synced {
            return apply(self);
        }
        self.synced = true;
        let out = self.as_synced_outer(apply);
        self.synced = false;
        out
    }

    fn as_synced_outer<T>(&mut self, apply: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        let mark: i64 = self
            .tx
            .query_row("SELECT coalesce(max(seq), 0) FROM change", [], |r| r.get(0))?;
        // Imports are journaled when the transaction ends: none of those made here is one.
        let imported = self.imported.len();
        let out = apply(self)?;
        self.imported.truncate(imported);
        self.tx.execute("DELETE FROM outbox WHERE change > ?1", [mark])?;
        self.tx
            .execute("UPDATE change SET action = 'synced' WHERE seq > ?1", [mark])?;
        Ok(out)
    }

    /// Undoes here a filing the studio refused (`kind`: "collection" or "campaign"): the
    /// asset leaves the group, as the studio's (nothing queued). The rebuild that follows a
    /// refusal can't: the asset's row may come before the group's, and a group the studio
    /// hasn't sent yet counts as only this library's. Nothing if either is gone.
    pub fn undo_refused_filing(
        &mut self,
        kind: &str,
        group: uuid::Uuid,
        asset: uuid::Uuid,
        now: i64,
    ) -> Result<()> {
        let table = match kind {
            "collection" => "collection",
            _ => "campaign",
        };
        let g: Option<i64> = self
            .tx
            .query_row(
                &format!("SELECT id FROM {table} WHERE uid = ?1"),
                [group.as_bytes().as_slice()],
                |r| r.get(0),
            )
            .optional()?;
        let (Some(g), Some(a), Some(actor)) = (g, self.seq_of_uid(asset.as_bytes())?, self.local_user()?)
        else {
            return Ok(());
        };
        self.as_synced(|tx| match table {
            "collection" => tx.unfile(CollectionRow(g), &[a], actor, now),
            _ => tx.remove_from_campaign(CampaignRow(g), &[a], actor, now),
        })
    }

    /// Drops from the scopes held whole those a main pull's page no longer lists (`listed`;
    /// empty: the page says nothing): the cursor moves on past rows of theirs this library
    /// wasn't given, so a scope regained later is read whole again, even when the sync that
    /// lost it was cut off before recording it.
    pub fn narrow_sync_scopes(&mut self, listed: &[String]) -> Result<()> {
        if listed.is_empty() {
            return Ok(());
        }
        let text: Option<Option<String>> = self
            .tx
            .query_row("SELECT scopes FROM sync_state WHERE id = 1", [], |r| r.get(0))
            .optional()?;
        let Some(held) = text
            .flatten()
            .and_then(|t| serde_json::from_str::<Vec<String>>(&t).ok())
        else {
            return Ok(());
        };
        let kept: Vec<String> = held.iter().filter(|s| listed.contains(s)).cloned().collect();
        if kept.len() != held.len() {
            self.set_sync_scopes(&kept)?;
        }
        Ok(())
    }

    /// Remembers the scope list the last pull reported.
    pub fn set_sync_scopes(&mut self, scopes: &[String]) -> Result<()> {
        let text = serde_json::to_string(scopes).map_err(|e| CatalogError::Corrupt(e.to_string()))?;
        self.tx.execute(
            "INSERT INTO sync_state (id, scopes) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET scopes = ?1",
            [text],
        )?;
        Ok(())
    }

    fn local_user(&self) -> Result<Option<UserRow>> {
        Ok(self
            .tx
            .prepare_cached("SELECT id FROM user WHERE is_local = 1")?
            .query_row([], |r| r.get(0))
            .optional()?
            .map(UserRow))
    }

    /// Remembers a row the studio sent: its seq, scope, and (assets) whether the studio has
    /// its grid thumbnail.
    fn remember(&mut self, kind: &str, key: &[u8], scope: &str, seq: i64, thumb: bool) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO replicated (kind, key, scope, seq, thumb) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (kind, key) DO UPDATE SET scope = excluded.scope, seq = excluded.seq,
                     thumb = excluded.thumb",
            )?
            .execute(params![kind, key, scope, seq, thumb])?;
        Ok(())
    }

    /// The seq of the copy this library holds of (kind, key), if it came from the studio.
    fn replicated_seq(&self, kind: &str, key: &[u8]) -> Result<Option<i64>> {
        Ok(self
            .tx
            .prepare_cached("SELECT seq FROM replicated WHERE kind = ?1 AND key = ?2")?
            .query_row(params![kind, key], |r| r.get(0))
            .optional()?)
    }

    /// The local row of a shared project, made (with a name to be corrected by its own row)
    /// when its assets arrive first.
    fn shared_project(
        &mut self,
        id: ProjectId,
        owner: UserId,
        name: Option<&str>,
        now: i64,
    ) -> Result<ProjectRow> {
        let uid = id.to_bytes();
        let found: Option<(i64, bool)> = self
            .tx
            .prepare_cached("SELECT id, shared FROM project WHERE uid = ?1")?
            .query_row([&uid], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((p, shared)) = found {
            if !shared {
                self.tx
                    .execute("UPDATE project SET shared = 1 WHERE id = ?1", [p])?;
            }
            return Ok(ProjectRow(p));
        }
        let owner = self.studio_user(owner)?;
        let base = name.map_or_else(
            || format!("Shared project {}", &id.to_string()[..8]),
            str::to_string,
        );
        // Another project of that owner here may hold the name (made before binding): the
        // newcomer takes a suffix rather than fail.
        let mut name = base.clone();
        let mut n = 2;
        while self
            .tx
            .query_row(
                "SELECT 1 FROM project WHERE owner = ?1 AND name_key = ?2",
                params![owner.0, names::key(&name)],
                |_| Ok(()),
            )
            .optional()?
            .is_some()
        {
            name = format!("{base} ({n})");
            n += 1;
        }
        self.tx.execute(
            "INSERT INTO project (uid, owner, name, name_key, created_at, shared) VALUES (?1, ?2, ?3, ?4, ?5, 1)",
            params![uid, owner.0, name, names::key(&name), now],
        )?;
        Ok(ProjectRow(self.tx.last_insert_rowid()))
    }

    /// Applies a shared project's row: made here if it is someone else's, marked shared and
    /// renamed as the studio has it.
    pub fn apply_project(&mut self, p: &ProjectSyncRow, seq: i64, scope: &str, now: i64) -> Result<()> {
        self.memo = Memo::default();
        self.as_synced(|tx| {
            let row = tx.shared_project(p.id, p.owner, Some(&p.name), now)?;
            let mine = tx.project_is_mine(row)?;
            if !mine {
                let taken: bool = tx.tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM project WHERE owner = (SELECT owner FROM project WHERE id = ?1)
                     AND name_key = ?2 AND id != ?1)",
                    params![row.0, names::key(&p.name)],
                    |r| r.get(0),
                )?;
                if !taken {
                    tx.tx.execute(
                        "UPDATE project SET name = ?2, name_key = ?3 WHERE id = ?1",
                        params![row.0, p.name, names::key(&p.name)],
                    )?;
                }
            }
            tx.note_project(p.id, serde_json::json!({ "name": p.name, "shared": true }), now)?;
            tx.remember("project", &p.id.to_bytes(), scope, seq, false)
        })
    }

    /// Journals that a project arrived, changed or left (for the app's live refresh).
    fn note_project(&mut self, id: ProjectId, after: serde_json::Value, now: i64) -> Result<()> {
        let Some(actor) = self.local_user()? else {
            return Ok(());
        };
        let uid = id.to_bytes();
        crate::journal::record(
            &self.tx,
            crate::journal::Entry::about(
                now,
                actor,
                atelier_protocol::Entity::Project,
                atelier_protocol::ChangeAction::Synced,
                Some(&uid),
            )
            .change(None, Some(after)),
        )
    }

    fn project_is_mine(&self, row: ProjectRow) -> Result<bool> {
        Ok(self.tx.query_row(
            "SELECT u.is_local FROM project p JOIN user u ON u.id = p.owner WHERE p.id = ?1",
            [row.0],
            |r| r.get(0),
        )?)
    }

    fn brand_by_uid(&mut self, brand: BrandId) -> Result<Option<BrandRow>> {
        let by_uid: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM brand WHERE uid = ?1")?
            .query_row([brand.to_bytes()], |r| r.get(0))
            .optional()?;
        if let Some(b) = by_uid {
            return Ok(Some(BrandRow(b)));
        }
        // A Personal brand's studio id is its person's.
        let personal: Option<i64> = self
            .tx
            .query_row(
                "SELECT b.id FROM brand b JOIN user u ON u.id = b.personal_of WHERE u.uid = ?1",
                [brand.to_bytes()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(personal.map(BrandRow))
    }

    /// Applies an asset's row: another member's arrives without its original (presence
    /// `remote`); one this library has takes the studio's name, rating, flag, status, brand,
    /// project and tags. Returns whether the asset is new here.
    pub fn apply_asset(&mut self, a: &AssetSyncRow, seq: i64, scope: &str, now: i64) -> Result<bool> {
        self.as_synced(|tx| {
            let uid = a.id.to_bytes();
            if tx.replicated_seq("asset", &uid)?.is_some_and(|s| s > seq) {
                return Ok(false); // a backfill brought a newer state already
            }
            let brand = match tx.memo.brands.get(&a.brand) {
                Some(b) => *b,
                None => {
                    let Some(b) = tx.brand_by_uid(a.brand)? else {
                        return Err(CatalogError::Corrupt(format!(
                            "asset {} is on brand {}, which this library hasn't received",
                            a.id, a.brand
                        )));
                    };
                    tx.memo.brands.insert(a.brand, b);
                    b
                }
            };
            let project = match tx.memo.projects.get(&a.project) {
                Some(p) => *p,
                None => {
                    let owner = tx.project_owner_hint(a)?;
                    let p = tx.shared_project(a.project, owner, None, now)?;
                    tx.memo.projects.insert(a.project, p);
                    p
                }
            };
            let local = match tx.memo.local_user {
                Some(l) => l,
                None => {
                    let l = tx.local_user()?;
                    tx.memo.local_user = Some(l);
                    l
                }
            };
            let actor = match local {
                Some(u) => u,
                None => tx.remembered_user(a.creator)?,
            };
            let existing: Option<i64> = tx
                .tx
                .prepare_cached("SELECT seq FROM asset WHERE uid = ?1")?
                .query_row([&uid], |r| r.get(0))
                .optional()?;
            let new = existing.is_none();
            let seq_here = match existing {
                Some(s) => s,
                None => {
                    let creator = tx.remembered_user(a.creator)?;
                    let path = remote_original_path(&a.hash, &a.name);
                    let insert = NewAsset {
                        id: a.id,
                        hash: parse_hash(&a.hash)?,
                        name: a.name.clone(),
                        kind: a.kind,
                        source: a.source,
                        project,
                        brand,
                        creator,
                        width: a.width,
                        height: a.height,
                        added_at: a.added_at,
                        captured_at: a.captured_at.clone(),
                        sort_captured: sort_captured(a.captured_at.as_deref(), a.added_at),
                        prompt: a.prompt.clone(),
                        rating: a.rating,
                        tags: a.tags.clone(),
                        title: None,
                        description: None,
                        exif_json: None,
                        generation_json: None,
                        search_extra: String::new(),
                        model_refs: Vec::new(),
                        signature: None,
                        file: FileFacts {
                            path: path.into(),
                            managed: true,
                            bytes: a.bytes,
                            mime: a.mime.clone(),
                            format: names::extension(&a.name).to_ascii_lowercase(),
                            mtime_ms: None,
                            orientation: 1,
                            thumb: None,
                            duration_ms: None,
                            sidecar_mtime_ms: None,
                        },
                    };
                    // A new row: its flag, status and file's presence are part of what the
                    // page's arrival entry says came, not changes of their own to journal.
                    let s = tx.insert_replica(
                        &insert,
                        crate::assets::Arrival {
                            flag: a.flag,
                            status: a.status,
                            presence: Presence::Remote,
                        },
                    )?;
                    if a.trashed {
                        tx.set_trashed(&[s], true, actor, now)?;
                    }
                    if a.label != atelier_domain::Label::None {
                        tx.set_column(crate::assets::Column::Label, &[s], a.label.code(), actor, now)?;
                    }
                    s
                }
            };
            if !new {
                tx.take_fields(seq_here, a, brand, project, actor, now)?;
            }
            tx.take_links(seq_here, &uid, a)?;
            if new {
                tx.anchor_arrived(a.id)?;
            }
            // A new row has no memberships yet: only its own to add.
            if !new || !a.collections.is_empty() || !a.campaigns.is_empty() {
                tx.take_groups(seq_here, new, a, brand, scope, actor, now)?;
            }
            tx.remember("asset", &uid, scope, seq, a.thumb)?;
            Ok(new)
        })
    }

    /// [`Tx::studio_user`], once per transaction for each person.
    fn remembered_user(&mut self, id: UserId) -> Result<UserRow> {
        if let Some(u) = self.memo.users.get(&id) {
            return Ok(*u);
        }
        let u = self.studio_user(id)?;
        self.memo.users.insert(id, u);
        Ok(u)
    }

    /// Sets an arriving asset's stack and fork original to the studio's. An asset named that
    /// isn't here waits in `link_pending` and is linked when it arrives; assets waiting for
    /// this one are linked now. A stack the studio doesn't know of (under a cover on another
    /// brand) stays as it is here.
    fn take_links(&mut self, seq: i64, uid: &[u8], a: &AssetSyncRow) -> Result<()> {
        let (stack_now, parent_now, pending): (Option<i64>, Option<i64>, bool) = self
            .tx
            .prepare_cached(
                "SELECT stack, parent, EXISTS (SELECT 1 FROM link_pending WHERE asset = ?1 OR target = ?2)
                 FROM asset WHERE seq = ?1",
            )?
            .query_row(params![seq, uid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        // Most rows link nothing: one read says so.
        if a.stack.is_none() && a.forked_from.is_none() && stack_now.is_none() && !pending {
            return Ok(());
        }
        self.tx
            .prepare_cached("DELETE FROM link_pending WHERE asset = ?1")?
            .execute([seq])?;
        let mut touched = vec![stack_now];
        // The stack.
        let stack_to = match a.stack {
            Some(c) if c.to_bytes() == uid => Some(seq),
            Some(c) => {
                let here = self.seq_of_uid(&c.to_bytes())?;
                if here.is_none() {
                    self.wait_for(seq, "stack", &c.to_bytes())?;
                }
                here
            }
            // Unstacked on the studio: ours goes too, unless the studio never knew of it.
            None if self.links_shared_stack(seq)? => None,
            None => stack_now,
        };
        if stack_to != stack_now {
            self.tx
                .prepare_cached("UPDATE asset SET stack = ?2 WHERE seq = ?1")?
                .execute(params![seq, stack_to])?;
            touched.push(stack_to);
        }
        // The fork's original (kept when the studio says none: a fork of a private asset).
        if let Some(p) = a.forked_from {
            let here = self.seq_of_uid(&p.to_bytes())?;
            match here {
                Some(p) if Some(p) != parent_now => {
                    self.tx
                        .prepare_cached("UPDATE asset SET parent = ?2 WHERE seq = ?1")?
                        .execute(params![seq, p])?;
                }
                Some(_) => {}
                None => self.wait_for(seq, "parent", &p.to_bytes())?,
            }
        }
        // Those that waited for this asset.
        let waiting: Vec<(i64, String)> = self
            .tx
            .prepare_cached("SELECT asset, kind FROM link_pending WHERE target = ?1")?
            .query_map([uid], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<std::result::Result<_, _>>()?;
        for (w, kind) in waiting {
            let column = if kind == "stack" { "stack" } else { "parent" };
            self.tx.execute(
                &format!("UPDATE asset SET {column} = ?2 WHERE seq = ?1"),
                params![w, seq],
            )?;
            touched.push(Some(seq));
        }
        self.tx
            .prepare_cached("DELETE FROM link_pending WHERE target = ?1")?
            .execute([uid])?;
        touched.push(Some(seq));
        touched.sort();
        touched.dedup();
        for cover in touched.into_iter().flatten() {
            self.settle_stack(cover)?;
        }
        if stack_to.is_none() {
            self.postings.remove(Facet::StackMember, seq_u32(seq)?);
        }
        Ok(())
    }

    fn seq_of_uid(&self, uid: &[u8]) -> Result<Option<i64>> {
        Ok(self
            .tx
            .prepare_cached("SELECT seq FROM asset WHERE uid = ?1")?
            .query_row([uid], |r| r.get(0))
            .optional()?)
    }

    fn wait_for(&self, seq: i64, kind: &str, target: &[u8]) -> Result<()> {
        self.tx
            .prepare_cached("INSERT OR REPLACE INTO link_pending (asset, kind, target) VALUES (?1, ?2, ?3)")?
            .execute(params![seq, kind, target])?;
        Ok(())
    }

    /// Whether asset `seq`'s stack here is one the studio knows (its cover on its brand:
    /// see `links_of`).
    fn links_shared_stack(&self, seq: i64) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM asset a JOIN asset c ON c.seq = a.stack
                 WHERE a.seq = ?1 AND c.brand = a.brand)",
            )?
            .query_row([seq], |r| r.get(0))?)
    }

    /// Hides the members of the stack under `cover` from the grid (one card per stack) while
    /// `cover` is its own cover, and shows them again when it isn't (a cover unstacked, or
    /// moved to another stack, by someone else before its members' rows came).
    fn settle_stack(&mut self, cover: i64) -> Result<()> {
        let is_cover: bool = self
            .tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM asset WHERE seq = ?1 AND stack = ?1)")?
            .query_row([cover], |r| r.get(0))?;
        let members: Vec<i64> = self
            .tx
            .prepare_cached("SELECT seq FROM asset WHERE stack = ?1 AND seq != ?1")?
            .query_map([cover], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        for m in members {
            if is_cover {
                self.postings.add(Facet::StackMember, seq_u32(m)?);
            } else {
                self.postings.remove(Facet::StackMember, seq_u32(m)?);
            }
        }
        Ok(())
    }

    /// Who owns the project an arriving asset names, as far as this library knows: the
    /// project's own row names them later.
    fn project_owner_hint(&self, a: &AssetSyncRow) -> Result<UserId> {
        let owner: Option<Vec<u8>> = self
            .tx
            .prepare_cached("SELECT u.uid FROM project p JOIN user u ON u.id = p.owner WHERE p.uid = ?1")?
            .query_row([a.project.to_bytes()], |r| r.get(0))
            .optional()?
            .flatten();
        match owner {
            Some(o) => Ok(UserId::from_uuid(uuid_of(&o)?)),
            None => Ok(a.creator),
        }
    }

    /// Sets an asset's synchronised fields to the studio's (each write a no-op when equal).
    fn take_fields(
        &mut self,
        seq: i64,
        a: &AssetSyncRow,
        brand: BrandRow,
        project: ProjectRow,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        use crate::assets::Column;
        // One read of what is here; only what differs is written (and journaled).
        type Fields = (String, i64, i64, i64, i64, i64, bool, i64);
        let (name, rating, flag, status, brand_now, project_now, trashed, label): Fields = self
            .tx
            .prepare_cached(
                "SELECT name, rating, flag, status, brand, project, trashed_at IS NOT NULL, label FROM asset
                 WHERE seq = ?1",
            )?
            .query_row([seq], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })?;
        if trashed != a.trashed {
            self.set_trashed(&[seq], a.trashed, actor, now)?;
        }
        if name != a.name {
            self.rename_asset(seq, &a.name, actor, now)?;
        }
        for (column, now_is, to) in [
            (Column::Rating, rating, i64::from(a.rating.stars())),
            (Column::Flag, flag, a.flag.code()),
            (Column::Label, label, a.label.code()),
            (Column::Status, status, a.status.code()),
            (Column::Brand, brand_now, brand.0),
            (Column::Project, project_now, project.0),
        ] {
            if now_is != to {
                self.set_column(column, &[seq], to, actor, now)?;
            }
        }
        let want = self.ensure_tags(&a.tags, now)?;
        let have: Vec<i64> = self
            .tx
            .prepare_cached("SELECT tag FROM asset_tag WHERE asset = ?1")?
            .query_map([seq], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        let add: Vec<TagRow> = want
            .iter()
            .filter(|t| !have.contains(t))
            .map(|t| TagRow(*t))
            .collect();
        let drop: Vec<TagRow> = have
            .iter()
            .filter(|t| !want.contains(t))
            .map(|t| TagRow(*t))
            .collect();
        if !add.is_empty() {
            self.add_tags(&[seq], &add, actor, now)?;
        }
        if !drop.is_empty() {
            self.remove_tags(&[seq], &drop, actor, now)?;
        }
        Ok(())
    }

    /// Sets an asset's memberships of the collections and campaigns the studio has to the
    /// studio's; those only this library has (not yet sent, or a Personal brand's) stay.
    #[allow(clippy::too_many_arguments)] // one row's apply: its parts, as apply_asset has them
    fn take_groups(
        &mut self,
        seq: i64,
        new: bool,
        a: &AssetSyncRow,
        brand: BrandRow,
        scope: &str,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        for (kind, table, column, want) in [
            (
                "collection",
                "collection_asset",
                "collection",
                a.collections.iter().map(|c| c.to_bytes()).collect::<Vec<_>>(),
            ),
            (
                "campaign",
                "campaign_asset",
                "campaign",
                a.campaigns.iter().map(|c| c.to_bytes()).collect::<Vec<_>>(),
            ),
        ] {
            // (local id, uid) of what it is in now, among the groups the studio sent.
            let have: Vec<(i64, Vec<u8>)> = self
                .tx
                .prepare_cached(&format!(
                    "SELECT g.id, g.uid FROM {table} x JOIN {kind} g ON g.id = x.{column}
                     WHERE x.asset = ?1 AND EXISTS (SELECT 1 FROM replicated r WHERE r.kind = '{kind}' AND r.key = g.uid)"
                ))?
                .query_map([seq], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<std::result::Result<_, _>>()?;
            let mut add = Vec::new();
            for uid in &want {
                if have.iter().any(|(_, h)| h.as_slice() == uid.as_slice()) {
                    continue;
                }
                let local: Option<i64> = self
                    .tx
                    .prepare_cached(&format!("SELECT id FROM {kind} WHERE uid = ?1"))?
                    .query_row([uid.as_slice()], |r| r.get(0))
                    .optional()?;
                let group = match local {
                    Some(g) => g,
                    // A group whose own row comes later (renamed since it was filed into):
                    // held here by its id, on the asset's brand, until that row names it —
                    // remembered as the studio's, older than any row it sends.
                    None => {
                        let g = match kind {
                            "collection" => {
                                self.collection_here(CollectionId::from_uuid(uuid_of(uid)?), brand, now)?
                            }
                            _ => self.campaign_here(CampaignId::from_uuid(uuid_of(uid)?), brand, now)?,
                        };
                        self.remember(kind, uid, scope, 0, false)?;
                        g
                    }
                };
                add.push(group);
            }
            let drop: Vec<i64> = have
                .iter()
                .filter(|(_, h)| !want.iter().any(|w| w.as_slice() == h.as_slice()))
                .map(|(id, _)| *id)
                .collect();
            if new {
                // An asset arriving: its memberships come with it (the page's arrival entry
                // says it came), linked with their postings, without an entry each.
                let link = if kind == "collection" {
                    crate::postings::Link::Collection
                } else {
                    crate::postings::Link::Campaign
                };
                for g in add {
                    let linked = self
                        .tx
                        .prepare_cached(&format!(
                            "INSERT OR IGNORE INTO {table} ({column}, asset, added_at) VALUES (?1, ?2, ?3)"
                        ))?
                        .execute(params![g, seq, now])?;
                    if linked > 0 {
                        let s = crate::postings::seq_u32(seq)?;
                        self.postings.add(link.facet(g), s);
                        if link == crate::postings::Link::Collection {
                            self.postings.add(crate::postings::Facet::Filed, s);
                        }
                    }
                }
                continue;
            }
            for g in add {
                match kind {
                    "collection" => self.file(CollectionRow(g), &[seq], actor, now)?,
                    _ => self.add_to_campaign(CampaignRow(g), &[seq], actor, now)?,
                }
            }
            for g in drop {
                match kind {
                    "collection" => self.unfile(CollectionRow(g), &[seq], actor, now)?,
                    _ => self.remove_from_campaign(CampaignRow(g), &[seq], actor, now)?,
                }
            }
        }
        Ok(())
    }

    /// Applies a collection of a team brand the studio sent: made here with its id, or
    /// renamed and moved to match. A collection only this library has that holds the name
    /// there gives way (renamed with a number): the studio's came first.
    pub fn apply_collection(&mut self, c: &CollectionSyncRow, seq: i64, scope: &str, now: i64) -> Result<()> {
        self.memo = Memo::default();
        self.as_synced(|tx| {
            let uid = c.id.to_bytes();
            let Some(brand) = tx.group_brand("collection", &uid, c.brand, seq)? else {
                return Ok(()); // a newer state is here already
            };
            let parent = match c.parent {
                Some(p) => Some(tx.collection_here(p, brand, now)?),
                None => None,
            };
            let here = tx.collection_here(c.id, brand, now)?;
            let name = tx.free_collection_name(brand.0, parent, &c.name, here)?;
            tx.tx.execute(
                "UPDATE collection SET name = ?2, name_key = ?3, parent = ?4, cover = ?5 WHERE id = ?1",
                params![
                    here,
                    name,
                    names::key(&name),
                    parent,
                    c.cover.map(|a| a.to_bytes().to_vec())
                ],
            )?;
            tx.note_group(
                atelier_protocol::Entity::Collection,
                &uid,
                serde_json::json!({ "name": name }),
                now,
            )?;
            tx.remember("collection", &uid, scope, seq, false)?;
            tx.settle_names("collection", brand.0)
        })
    }

    /// The local brand of an arriving collection or campaign (`kind`, public id `uid`) on
    /// `brand`; `None` when this library holds a newer state of it already.
    fn group_brand(&mut self, kind: &str, uid: &[u8], brand: BrandId, seq: i64) -> Result<Option<BrandRow>> {
        if self.replicated_seq(kind, uid)?.is_some_and(|s| s > seq) {
            return Ok(None);
        }
        match self.brand_by_uid(brand)? {
            Some(b) => Ok(Some(b)),
            None => Err(CatalogError::Corrupt(format!(
                "a {kind} is on brand {brand}, which this library hasn't received"
            ))),
        }
    }

    /// Gives back their studio names to the brand's collections (or campaigns) that waited
    /// under a temporary one — "name (their id)" — while another held it, once it is free.
    fn settle_names(&mut self, kind: &str, brand: i64) -> Result<()> {
        let parent_column = if kind == "collection" { "parent" } else { "NULL" };
        let waiting: Vec<(i64, Vec<u8>, String, Option<i64>)> = self
            .tx
            .prepare(&format!(
                "SELECT id, uid, name, {parent_column} FROM {kind} WHERE brand = ?1 AND name LIKE '% (%)'"
            ))?
            .query_map([brand], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<std::result::Result<_, _>>()?;
        for (id, uid, name, parent) in waiting {
            let suffix = format!(" ({})", uuid_of(&uid)?.simple());
            let Some(base) = name.strip_suffix(&suffix) else {
                continue;
            };
            let taken: bool = self.tx.query_row(
                &format!(
                    "SELECT EXISTS (SELECT 1 FROM {kind} WHERE brand = ?1 AND ifnull({parent_column}, 0) = ifnull(?2, 0)
                     AND name_key = ?3 AND id != ?4)"
                ),
                params![brand, parent, names::key(base), id],
                |r| r.get(0),
            )?;
            if !taken {
                self.tx.execute(
                    &format!("UPDATE {kind} SET name = ?2, name_key = ?3 WHERE id = ?1"),
                    params![id, base, names::key(base)],
                )?;
            }
        }
        Ok(())
    }

    /// The local row of collection `id` on `brand`, made (named for its id, to be corrected
    /// by its own row) if it isn't here yet.
    fn collection_here(&mut self, id: CollectionId, brand: BrandRow, now: i64) -> Result<i64> {
        self.group_here("collection", id.uuid(), brand, now)
    }

    /// The local row of campaign `id` on `brand`, made (named for its id) if it isn't here.
    fn campaign_here(&mut self, id: CampaignId, brand: BrandRow, now: i64) -> Result<i64> {
        self.group_here("campaign", id.uuid(), brand, now)
    }

    /// The local row of the collection or campaign (`kind`) `id`, made at the top of `brand`
    /// and named for its id if it isn't here.
    fn group_here(&mut self, kind: &str, id: uuid::Uuid, brand: BrandRow, now: i64) -> Result<i64> {
        let found: Option<i64> = self
            .tx
            .prepare_cached(&format!("SELECT id FROM {kind} WHERE uid = ?1"))?
            .query_row([id.as_bytes()], |r| r.get(0))
            .optional()?;
        if let Some(f) = found {
            return Ok(f);
        }
        let name = id.to_string();
        self.tx.execute(
            &format!(
                "INSERT INTO {kind} (uid, brand, name, name_key, created_at) VALUES (?1, ?2, ?3, ?4, ?5)"
            ),
            params![id.as_bytes(), brand.0, name, names::key(&name), now],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// `name` for collection `me` under `parent`: a collection only this library has that
    /// holds it is renamed "name (2)" (or the next free number) to make room.
    fn free_collection_name(
        &mut self,
        brand: i64,
        parent: Option<i64>,
        name: &str,
        me: i64,
    ) -> Result<String> {
        let holder: Option<(i64, Vec<u8>)> = self
            .tx
            .query_row(
                "SELECT id, uid FROM collection WHERE brand = ?1 AND ifnull(parent, 0) = ifnull(?2, 0)
                 AND name_key = ?3 AND id != ?4",
                params![brand, parent, names::key(name), me],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((other, other_uid)) = holder else {
            return Ok(name.to_string());
        };
        if self.replicated_seq("collection", &other_uid)?.is_some() {
            // Both are the studio's: the other's own row renames it; until then ours waits
            // under a temporary name.
            return Ok(format!(
                "{name} ({})",
                uuid_of(
                    &self
                        .tx
                        .query_row("SELECT uid FROM collection WHERE id = ?1", [me], |r| r
                            .get::<_, Vec<u8>>(0),)?
                )?
                .simple()
            ));
        }
        for n in 2.. {
            let candidate = format!("{name} ({n})");
            let taken: bool = self.tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM collection WHERE brand = ?1 AND ifnull(parent, 0) = ifnull(?2, 0) AND name_key = ?3)",
                params![brand, parent, names::key(&candidate)],
                |r| r.get(0),
            )?;
            if !taken {
                self.tx.execute(
                    "UPDATE collection SET name = ?2, name_key = ?3 WHERE id = ?1",
                    params![other, candidate, names::key(&candidate)],
                )?;
                break;
            }
        }
        Ok(name.to_string())
    }

    /// Applies a campaign of a team brand the studio sent (a campaign only this library has
    /// that holds its name gives way, renamed with a number).
    pub fn apply_campaign(&mut self, c: &CampaignSyncRow, seq: i64, scope: &str, now: i64) -> Result<()> {
        self.memo = Memo::default();
        self.as_synced(|tx| {
            let uid = c.id.to_bytes();
            let Some(brand) = tx.group_brand("campaign", &uid, c.brand, seq)? else {
                return Ok(()); // a newer state is here already
            };
            let found: Option<i64> = tx
                .tx
                .prepare_cached("SELECT id FROM campaign WHERE uid = ?1")?
                .query_row([uid], |r| r.get(0))
                .optional()?;
            let key = names::key(&c.name);
            let holder: Option<(i64, Vec<u8>)> = tx
                .tx
                .query_row(
                    "SELECT id, uid FROM campaign WHERE brand = ?1 AND name_key = ?2 AND id != ifnull(?3, 0)",
                    params![brand.0, key, found],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let mut name = c.name.clone();
            // Public or not is the studio's to say (it holds the links).
            let visibility = if c.public { "public" } else { "private" };
            if let Some((other, other_uid)) = holder {
                if tx.replicated_seq("campaign", &other_uid)?.is_some() {
                    name = format!("{} ({})", c.name, c.id.uuid().simple());
                } else {
                    for n in 2.. {
                        let candidate = format!("{} ({n})", c.name);
                        let taken: bool = tx.tx.query_row(
                            "SELECT EXISTS (SELECT 1 FROM campaign WHERE brand = ?1 AND name_key = ?2)",
                            params![brand.0, names::key(&candidate)],
                            |r| r.get(0),
                        )?;
                        if !taken {
                            tx.tx.execute(
                                "UPDATE campaign SET name = ?2, name_key = ?3 WHERE id = ?1",
                                params![other, candidate, names::key(&candidate)],
                            )?;
                            break;
                        }
                    }
                }
            }
            match found {
                Some(id) => {
                    tx.tx.execute(
                        "UPDATE campaign SET name = ?2, name_key = ?3, description = ?4, visibility = ?5 WHERE id = ?1",
                        params![id, name, names::key(&name), c.description, visibility],
                    )?;
                }
                None => {
                    tx.tx.execute(
                        "INSERT INTO campaign (uid, brand, name, name_key, description, created_at, visibility)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        params![uid, brand.0, name, names::key(&name), c.description, now, visibility],
                    )?;
                }
            }
            tx.note_group(atelier_protocol::Entity::Campaign, &uid, serde_json::json!({ "name": name }), now)?;
            tx.remember("campaign", &uid, scope, seq, false)?;
            tx.settle_names("campaign", brand.0)
        })
    }

    /// Journals that a collection or campaign arrived or changed (for the app's live refresh).
    fn note_group(
        &mut self,
        entity: atelier_protocol::Entity,
        uid: &[u8],
        after: serde_json::Value,
        now: i64,
    ) -> Result<()> {
        let Some(actor) = self.local_user()? else {
            return Ok(());
        };
        crate::journal::record(
            &self.tx,
            crate::journal::Entry::about(
                now,
                actor,
                entity,
                atelier_protocol::ChangeAction::Synced,
                Some(uid),
            )
            .change(None, Some(after)),
        )
    }

    /// Applies a Gone row: the copy goes if it is older. Another member's asset (or project)
    /// leaves this library; ours stays ours (only its studio link is forgotten) — a project of
    /// ours that was unshared stays, private.
    pub fn apply_gone(&mut self, g: &GoneRow, seq: i64, now: i64) -> Result<Purged> {
        self.memo = Memo::default();
        let Ok(uuid) = g.key.parse::<uuid::Uuid>() else {
            return Ok(Purged::default()); // a kind this build doesn't replicate
        };
        let key = uuid.as_bytes().to_vec();
        if self.replicated_seq(&g.kind, &key)?.is_some_and(|s| s > seq) {
            return Ok(Purged::default());
        }
        self.as_synced(|tx| tx.forget(&g.kind, &key, now))
    }

    /// The studio was restored from a backup (a new epoch): everything held from it is
    /// marked stale until the pull from 0 brings it again; what it doesn't bring, the
    /// restored studio no longer has ([`Tx::forget_stale`]).
    pub fn mark_replicated_stale(&mut self) -> Result<()> {
        self.tx.execute("UPDATE replicated SET seq = -1", [])?;
        Ok(())
    }

    /// After a pull from 0 reached the end: forgets what it didn't bring again.
    pub fn forget_stale(&mut self, now: i64) -> Result<Purged> {
        let rows: Vec<(String, Vec<u8>)> = self
            .tx
            .prepare("SELECT kind, key FROM replicated WHERE seq < 0 ORDER BY kind")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<std::result::Result<_, _>>()?;
        self.as_synced(|tx| {
            let mut all = Purged::default();
            for (kind, key) in rows {
                all.extend(tx.forget(&kind, &key, now)?);
            }
            Ok(all)
        })
    }

    /// Purges what came in a scope this library may no longer read.
    pub fn purge_scope(&mut self, scope: &str, now: i64) -> Result<Purged> {
        let rows: Vec<(String, Vec<u8>)> = self
            .tx
            .prepare("SELECT kind, key FROM replicated WHERE scope = ?1 ORDER BY kind")?
            .query_map([scope], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<std::result::Result<_, _>>()?;
        self.as_synced(|tx| {
            let mut all = Purged::default();
            for (kind, key) in rows {
                all.extend(tx.forget(&kind, &key, now)?);
            }
            Ok(all)
        })
    }

    fn forget(&mut self, kind: &str, key: &[u8], now: i64) -> Result<Purged> {
        self.tx.execute(
            "DELETE FROM replicated WHERE kind = ?1 AND key = ?2",
            params![kind, key],
        )?;
        let actor = self.local_user()?;
        match kind {
            "asset" => {
                let row: Option<(i64, bool, i64)> = self
                    .tx
                    .query_row(
                        "SELECT a.seq, u.is_local, f.presence FROM asset a JOIN user u ON u.id = a.creator
                         JOIN asset_file f ON f.asset = a.seq WHERE a.uid = ?1",
                        [key],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .optional()?;
                let Some((seq, ours, presence)) = row else {
                    return Ok(Purged::default());
                };
                // Our own work, with its file here, stays: the studio forgetting it doesn't
                // make this library lose it.
                if ours && presence != Presence::Remote.code() {
                    return Ok(Purged::default());
                }
                let actor = match actor {
                    Some(a) => a,
                    None => return Ok(Purged::default()),
                };
                self.remove_assets(&[seq], actor, now)
            }
            "project" => {
                let row: Option<(i64, bool)> = self
                    .tx
                    .query_row(
                        "SELECT p.id, u.is_local FROM project p JOIN user u ON u.id = p.owner WHERE p.uid = ?1",
                        [key],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?;
                let Some((project, ours)) = row else {
                    return Ok(Purged::default());
                };
                self.tx
                    .execute("UPDATE project SET shared = 0 WHERE id = ?1", [project])?;
                let id = ProjectId::from_uuid(uuid_of(key)?);
                self.note_project(id, serde_json::json!({ "shared": false }), now)?;
                if ours {
                    return Ok(Purged::default());
                }
                // Someone else's project leaves with what is left of it here (our own work in
                // it stays, moved to our Inbox).
                let Some(actor) = actor else {
                    return Ok(Purged::default());
                };
                let rows: Vec<(i64, bool, i64)> = self
                    .tx
                    .prepare(
                        "SELECT a.seq, u.is_local, f.presence FROM asset a JOIN user u ON u.id = a.creator
                         JOIN asset_file f ON f.asset = a.seq WHERE a.project = ?1",
                    )?
                    .query_map([project], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<std::result::Result<_, _>>()?;
                let (keep, drop): (Vec<_>, Vec<_>) = rows
                    .into_iter()
                    .partition(|(_, ours, presence)| *ours && *presence != Presence::Remote.code());
                let purged = self.remove_assets(&drop.iter().map(|r| r.0).collect::<Vec<_>>(), actor, now)?;
                if !keep.is_empty() {
                    // Our Inbox (the project every person has, named so).
                    let inbox: i64 = self.tx.query_row(
                        "SELECT id FROM project WHERE owner = ?1 ORDER BY name_key != 'inbox', id LIMIT 1",
                        [actor.0],
                        |r| r.get(0),
                    )?;
                    let seqs: Vec<i64> = keep.iter().map(|r| r.0).collect();
                    self.set_column(crate::assets::Column::Project, &seqs, inbox, actor, now)?;
                }
                let left: bool = self.tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM asset WHERE project = ?1)",
                    [project],
                    |r| r.get(0),
                )?;
                if !left {
                    self.tx
                        .execute("DELETE FROM watched_folder WHERE project = ?1", [project])?;
                    self.tx.execute("DELETE FROM project WHERE id = ?1", [project])?;
                }
                Ok(purged)
            }
            // A brand's collection or campaign left (deleted, or the brand is no longer ours
            // to read): it goes, its assets stay.
            "collection" | "campaign" => {
                let found: Option<i64> = self
                    .tx
                    .query_row(&format!("SELECT id FROM {kind} WHERE uid = ?1"), [key], |r| {
                        r.get(0)
                    })
                    .optional()?;
                if let (Some(id), Some(actor)) = (found, actor) {
                    let brand: i64 =
                        self.tx
                            .query_row(&format!("SELECT brand FROM {kind} WHERE id = ?1"), [id], |r| {
                                r.get(0)
                            })?;
                    if kind == "collection" {
                        self.lift_children(id, brand)?;
                        self.delete_collection(CollectionRow(id), actor, now)?;
                    } else {
                        self.delete_campaign(CampaignRow(id), actor, now)?;
                    }
                    // Its name is free: one waiting for it takes it.
                    self.settle_names(kind, brand)?;
                }
                Ok(Purged::default())
            }
            _ => Ok(Purged::default()),
        }
    }

    /// Moves the sub-collections of `id` (of `brand`) up to its parent, before the studio's
    /// deletion of `id` is applied here. The studio deletes its own subtree one row at a time,
    /// so those it deleted go by their own rows; one that is under `id` only here (moved there
    /// by an intent still on its way, or made there) must not go with it. A name taken where it
    /// lands waits under a temporary one, as an arriving collection's does.
    fn lift_children(&mut self, id: i64, brand: i64) -> Result<()> {
        let parent: Option<i64> =
            self.tx
                .query_row("SELECT parent FROM collection WHERE id = ?1", [id], |r| r.get(0))?;
        let children: Vec<(i64, Vec<u8>, String)> = self
            .tx
            .prepare("SELECT id, uid, name FROM collection WHERE parent = ?1")?
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<std::result::Result<_, _>>()?;
        for (child, uid, name) in children {
            let taken: bool = self.tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM collection WHERE brand = ?1 AND ifnull(parent, 0) = ifnull(?2, 0)
                 AND name_key = ?3 AND id != ?4)",
                params![brand, parent, names::key(&name), child],
                |r| r.get(0),
            )?;
            let name = if taken {
                format!("{name} ({})", uuid_of(&uid)?.simple())
            } else {
                name
            };
            self.tx.execute(
                "UPDATE collection SET parent = ?2, name = ?3, name_key = ?4 WHERE id = ?1",
                params![child, parent, name, names::key(&name)],
            )?;
        }
        Ok(())
    }

    /// Removes assets that came from the studio, returning their cached files to delete.
    fn remove_assets(&mut self, seqs: &[i64], actor: UserRow, now: i64) -> Result<Purged> {
        if seqs.is_empty() {
            return Ok(Purged::default());
        }
        let ids: Vec<Vec<u8>> = self
            .tx
            .prepare_cached("SELECT uid FROM asset WHERE seq IN rarray(?1)")?
            .query_map([array(seqs)], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        let freed = self.delete_assets(seqs, actor, now)?;
        let mut out = Purged::default();
        for id in ids {
            out.assets.push(AssetId::from_uuid(uuid_of(&id)?));
        }
        // Only what the library keeps under studio/ is a cache it may delete.
        out.freed = freed
            .into_iter()
            .filter(|f| f.managed && f.path.starts_with("studio"))
            .collect();
        Ok(out)
    }
}

#[cfg(test)]
mod tests;

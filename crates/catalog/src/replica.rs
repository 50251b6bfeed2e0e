//! The catalog as a replica of its studio (STUDIO.md §3–§4): the outbox read in order and
//! consumed, the pull's cursor and epoch, the *Couldn't sync* list, and the studio's rows
//! applied — people, brands with their kits and members — without going back into the
//! outbox. Binding adopts the library's own person and Personal brand as the studio's.
//!
//! Knows tables and the wire rows; must not know HTTP, the studio's rules or when to sync
//! (atelier-sync drives it).

use atelier_domain::ids::{BrandId, UserId};
use atelier_domain::{ErrorCode, Id, InvalidInput, StudioRole, names};
use atelier_protocol::{BrandSyncRow, Change, ChangeAction, Entity, MemberRow, StudioLimits};
use rusqlite::{OptionalExtension, params};

use crate::journal::{Entry, record};
use crate::rows::{UserRow, uuid_of};
use crate::{Catalog, CatalogError, Result, Tx};

/// How far the pull got.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncCursor {
    /// The studio's epoch as of the last pull (`None`: never pulled).
    pub epoch: Option<String>,
    /// The last seq applied.
    pub cursor: i64,
    /// When the last sync completed (ms).
    pub last_sync_at: Option<i64>,
    /// Whether the next pull rebuilds the view from 0.
    pub rebuild: bool,
    /// Whether the binding's report (brands the studio lacks) was made.
    pub reported: bool,
}

/// One entry of the *Couldn't sync* list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Its id.
    pub id: i64,
    /// The intent's name.
    pub intent: String,
    /// What was tried, for people.
    pub what: String,
    /// The refusal's code.
    pub code: String,
    /// Why, for people.
    pub message: String,
    /// When (ms).
    pub at: i64,
    /// The refused intent as it was sent (JSON), when it can be sent again.
    pub body: Option<String>,
}

/// A brand of this library that the studio doesn't have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalBrand {
    /// Its id.
    pub id: BrandId,
    /// Its name.
    pub name: String,
}

impl Catalog {
    /// The pull's state.
    pub fn sync_cursor(&self) -> Result<SyncCursor> {
        Ok(self
            .conn()
            .query_row(
                "SELECT epoch, cursor, last_sync_at, rebuild, reported FROM sync_state WHERE id = 1",
                [],
                |r| {
                    Ok(SyncCursor {
                        epoch: r.get(0)?,
                        cursor: r.get(1)?,
                        last_sync_at: r.get(2)?,
                        rebuild: r.get(3)?,
                        reported: r.get(4)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }

    /// The oldest `limit` outbox entries with their journal entries, in order.
    pub fn outbox(&self, limit: usize) -> Result<Vec<(i64, Change)>> {
        let ids: Vec<(i64, i64)> = self
            .conn()
            .prepare_cached("SELECT id, change FROM outbox ORDER BY id LIMIT ?1")?
            .query_map([limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<std::result::Result<_, _>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for (id, seq) in ids {
            match self.changes_since(seq - 1, 1)?.into_iter().next() {
                Some(c) if c.seq == seq => out.push((id, c)),
                // An entry a newer build wrote (unknown kind): nothing this build can send.
                _ => out.push((id, unknown_change(seq))),
            }
        }
        Ok(out)
    }

    /// The *Couldn't sync* list, newest first.
    pub fn refusals(&self) -> Result<Vec<Refusal>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, intent, what, code, message, at, body FROM sync_refusal ORDER BY id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Refusal {
                id: r.get(0)?,
                intent: r.get(1)?,
                what: r.get(2)?,
                code: r.get(3)?,
                message: r.get(4)?,
                at: r.get(5)?,
                body: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The studio's plan limits as last pulled (none standalone or before the first pull).
    pub fn studio_limits(&self) -> Result<StudioLimits> {
        let row: Option<(Option<i64>, Option<i64>)> = self
            .conn()
            .query_row(
                "SELECT projects_per_member, storage_per_project FROM studio_limits WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (p, s) = row.unwrap_or((None, None));
        Ok(StudioLimits {
            projects_per_member: p.map(|v| v.clamp(0, i64::from(u32::MAX)) as u32),
            storage_per_project: s.map(|v| v.max(0) as u64),
        })
    }

    /// The library's id towards its studio (made at binding; `None` standalone).
    pub fn replica(&self) -> Result<Option<uuid::Uuid>> {
        let bytes: Option<Option<Vec<u8>>> = self
            .conn()
            .query_row("SELECT replica FROM studio_binding WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?;
        bytes.flatten().map(|b| uuid_of(&b)).transpose()
    }

    /// A brand's name by id, and a person's handle (their email, bound) by id: for telling
    /// people what a queued change was.
    pub fn names_for(
        &self,
        brand: Option<BrandId>,
        user: Option<UserId>,
    ) -> Result<(Option<String>, Option<String>)> {
        let brand = match brand {
            Some(b) => self
                .conn()
                .query_row("SELECT name FROM brand WHERE uid = ?1", [b.to_bytes()], |r| {
                    r.get(0)
                })
                .optional()?,
            None => None,
        };
        let user = match user {
            Some(u) => self
                .conn()
                .query_row("SELECT handle FROM user WHERE uid = ?1", [u.to_bytes()], |r| {
                    r.get(0)
                })
                .optional()?,
            None => None,
        };
        Ok((brand, user))
    }

    /// Team brands whose ids are not in `known` (the studio's): what binding couldn't match.
    pub fn brands_not_in(&self, known: &[BrandId]) -> Result<Vec<LocalBrand>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT uid, name FROM brand WHERE personal_of IS NULL ORDER BY name_key")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (uid, name) = row?;
            let id = BrandId::from_uuid(uuid_of(&uid)?);
            if !known.contains(&id) {
                out.push(LocalBrand { id, name });
            }
        }
        Ok(out)
    }
}

/// A stand-in for an outbox entry this build can't read.
fn unknown_change(seq: i64) -> Change {
    Change {
        seq,
        at: 0,
        actor: None,
        actor_name: None,
        entity: Entity::Library,
        action: ChangeAction::Synced,
        entity_id: None,
        assets: Vec::new(),
        before: None,
        after: None,
    }
}

impl Tx<'_> {
    /// Keeps the studio's plan limits (from a pull).
    pub fn set_studio_limits(&mut self, l: &StudioLimits) -> Result<()> {
        self.memo = crate::shared::Memo::default();
        self.tx.execute(
            "INSERT INTO studio_limits (id, projects_per_member, storage_per_project) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET projects_per_member = excluded.projects_per_member,
                 storage_per_project = excluded.storage_per_project",
            params![
                l.projects_per_member.map(i64::from),
                l.storage_per_project.map(|v| v.min(i64::MAX as u64) as i64)
            ],
        )?;
        Ok(())
    }

    /// Takes pushed (or unpushable) entries out of the outbox.
    pub fn outbox_done(&mut self, ids: &[i64]) -> Result<()> {
        let mut stmt = self.tx.prepare_cached("DELETE FROM outbox WHERE id = ?1")?;
        for id in ids {
            stmt.execute([id])?;
        }
        Ok(())
    }

    /// Adds an entry to the *Couldn't sync* list.
    pub fn add_refusal(
        &mut self,
        intent: &str,
        what: &str,
        code: &str,
        message: &str,
        at: i64,
        body: Option<&str>,
    ) -> Result<()> {
        self.tx.execute(
            "INSERT INTO sync_refusal (intent, what, code, message, at, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![intent, what, code, message, at, body],
        )?;
        Ok(())
    }

    /// *Couldn't sync*'s Retry: queues the refused intent again, as a new one (a `retry`
    /// journal entry carrying it), and takes the entry off the list. Refused for an entry no
    /// push made, or one that isn't there.
    pub fn retry_refusal(&mut self, id: i64, actor: UserRow, now: i64) -> Result<()> {
        let row: Option<(String, Option<String>)> = self
            .tx
            .query_row("SELECT what, body FROM sync_refusal WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((what, body)) = row else {
            return Err(InvalidInput::new(
                ErrorCode::NotFound,
                format!("nothing with the id {id} in Couldn't sync: see `atelier studio refusals`"),
            )
            .into());
        };
        let Some(body) = body else {
            return Err(InvalidInput::new(
                ErrorCode::InvalidAction,
                format!(
                    "'{what}' can't be sent again: it wasn't a change sent to the studio (do it again by hand, or discard it)"
                ),
            )
            .into());
        };
        let intent: serde_json::Value = serde_json::from_str(&body)
            .map_err(|e| CatalogError::Corrupt(format!("a refused intent: {e}")))?;
        crate::journal::record(
            &self.tx,
            crate::journal::Entry::about(now, actor, Entity::Library, ChangeAction::Retry, None)
                .change(None, Some(serde_json::json!({ "intent": intent, "what": what }))),
        )?;
        self.tx.execute("DELETE FROM sync_refusal WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Takes an entry off the *Couldn't sync* list; whether it was there.
    pub fn discard_refusal(&mut self, id: i64) -> Result<bool> {
        Ok(self.tx.execute("DELETE FROM sync_refusal WHERE id = ?1", [id])? > 0)
    }

    /// Records how far the pull got (in the transaction that applied its rows).
    pub fn set_sync_cursor(&mut self, epoch: &str, cursor: i64, rebuild: bool, now: i64) -> Result<()> {
        self.tx.execute(
            "INSERT INTO sync_state (id, epoch, cursor, last_sync_at, rebuild) VALUES (1, ?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET epoch = excluded.epoch, cursor = excluded.cursor,
                 last_sync_at = excluded.last_sync_at, rebuild = excluded.rebuild",
            params![epoch, cursor, now, rebuild],
        )?;
        Ok(())
    }

    /// Records that the binding's report was made (see `SyncCursor::reported`).
    pub fn mark_reported(&mut self) -> Result<()> {
        self.tx.execute(
            "INSERT INTO sync_state (id, cursor, reported) VALUES (1, 0, 1)
             ON CONFLICT (id) DO UPDATE SET reported = 1",
            [],
        )?;
        Ok(())
    }

    /// Makes the next pull rebuild the view from cursor 0 (after a refusal was undone).
    pub fn request_rebuild(&mut self) -> Result<()> {
        self.tx.execute(
            "INSERT INTO sync_state (id, cursor, rebuild) VALUES (1, 0, 1)
             ON CONFLICT (id) DO UPDATE SET rebuild = 1",
            [],
        )?;
        Ok(())
    }

    /// Queues a brand of this library for the studio as it is now — made, its kit, and its
    /// members who are studio people — so that binding by an Owner or Admin creates what the
    /// studio lacks. Returns the members that are not studio people (`studio` holds the
    /// studio's ids), who stay members here only.
    pub fn offer_brand(&mut self, id: BrandId, studio: &[UserId], now: i64) -> Result<Vec<String>> {
        let uid = id.to_bytes().to_vec();
        let (row, name, color, prefix, suffix, banned, self_approval, palette): (
            i64,
            String,
            Option<String>,
            String,
            String,
            String,
            bool,
            String,
        ) = self.tx.query_row(
            "SELECT id, name, color, prompt_prefix, prompt_suffix, banned_terms, self_approval, palette
             FROM brand WHERE uid = ?1",
            [&uid],
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
                ))
            },
        )?;
        let actor: UserRow = self
            .tx
            .query_row("SELECT id FROM user WHERE is_local = 1", [], |r| r.get(0))
            .map(UserRow)?;
        let parse = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap_or(serde_json::Value::Null);
        record(
            &self.tx,
            Entry::about(now, actor, Entity::Brand, ChangeAction::Create, Some(&uid))
                .change(None, Some(serde_json::json!({ "name": name }))),
        )?;
        record(
            &self.tx,
            Entry::about(now, actor, Entity::Brand, ChangeAction::Kit, Some(&uid)).change(
                None,
                Some(serde_json::json!({
                    "color": color.unwrap_or_default(),
                    "prompt_prefix": prefix,
                    "prompt_suffix": suffix,
                    "banned_terms": parse(&banned),
                    "self_approval": self_approval,
                    "palette": parse(&palette),
                })),
            ),
        )?;
        let members: Vec<(Vec<u8>, String, String, bool)> = self
            .tx
            .prepare(
                "SELECT u.uid, u.handle, m.role, u.is_local FROM brand_member m JOIN user u ON u.id = m.user
                 WHERE m.brand = ?1 ORDER BY u.handle_key",
            )?
            .query_map([row], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<std::result::Result<_, _>>()?;
        let mut strangers = Vec::new();
        for (user, handle, role, is_local) in members {
            let person = UserId::from_uuid(uuid_of(&user)?);
            if is_local {
                continue; // the creator: the studio makes them its Manager
            }
            if !studio.contains(&person) {
                strangers.push(handle);
                continue;
            }
            record(
                &self.tx,
                Entry::about(now, actor, Entity::Brand, ChangeAction::Member, Some(&uid)).change(
                    None,
                    Some(serde_json::json!({ "user": person.to_string(), "role": role })),
                ),
            )?;
        }
        Ok(strangers)
    }

    /// Makes the library's own person the studio's `me` (id, email, name, role) and its
    /// Personal brand theirs (R14: binding keeps every asset and project), in the binding's
    /// transaction.
    pub fn adopt_identity(
        &mut self,
        me: UserId,
        email: &str,
        display_name: &str,
        role: StudioRole,
    ) -> Result<()> {
        let local: Option<i64> = self
            .tx
            .query_row("SELECT id FROM user WHERE is_local = 1", [], |r| r.get(0))
            .optional()?;
        let mine = match local {
            Some(id) => UserRow(id),
            None => self.ensure_local_user(email, display_name, crate::rows::now_ms())?,
        };
        // Someone else's row holding the studio id (a placeholder from an earlier pull) gives
        // its references to the local person and goes.
        if let Some(other) = self.user_by_uid(me)?
            && other != mine
        {
            self.tx.execute(
                "UPDATE OR IGNORE brand_member SET user = ?2 WHERE user = ?1",
                params![other.0, mine.0],
            )?;
            self.tx
                .execute("DELETE FROM brand_member WHERE user = ?1", [other.0])?;
            self.tx.execute(
                "DELETE FROM user WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM asset WHERE creator = ?1)
                 AND NOT EXISTS (SELECT 1 FROM project WHERE owner = ?1)
                 AND NOT EXISTS (SELECT 1 FROM brand WHERE personal_of = ?1)",
                [other.0],
            )?;
            self.tx.execute(
                "UPDATE user SET uid = ?2 WHERE id = ?1",
                params![other.0, UserId::new_v7().to_bytes()],
            )?;
        }
        self.set_user(mine, me, email, display_name, role)?;
        let personal = self.ensure_personal_brand(mine, crate::rows::now_ms())?;
        self.tx.execute(
            "UPDATE brand SET uid = ?2 WHERE id = ?1",
            params![personal.0, me.uuid().as_bytes().to_vec()],
        )?;
        Ok(())
    }

    fn user_by_uid(&self, id: UserId) -> Result<Option<UserRow>> {
        Ok(self
            .tx
            .prepare_cached("SELECT id FROM user WHERE uid = ?1")?
            .query_row([id.to_bytes()], |r| r.get(0))
            .optional()?
            .map(UserRow))
    }

    /// Gives a user row the studio's id, email (as its handle), name and role. A local user
    /// already holding that handle (a standalone library's stand-in) keeps theirs, suffixed.
    fn set_user(
        &mut self,
        row: UserRow,
        id: UserId,
        email: &str,
        display_name: &str,
        role: StudioRole,
    ) -> Result<()> {
        let key = names::key(email);
        self.tx.execute(
            "UPDATE user SET handle = handle || ' (local)', handle_key = handle_key || ' (local)'
             WHERE handle_key = ?1 AND id != ?2",
            params![key, row.0],
        )?;
        self.tx.execute(
            "UPDATE user SET uid = ?2, handle = ?3, handle_key = ?4, display_name = ?5, studio_role = ?6 WHERE id = ?1",
            params![row.0, id.to_bytes(), email, key, display_name, role.as_str()],
        )?;
        Ok(())
    }

    /// The row of a studio person, made as a stand-in when a brand names them before their
    /// member row arrives (rows come in seq order, and a person's row can be newer).
    pub(crate) fn studio_user(&mut self, id: UserId) -> Result<UserRow> {
        if let Some(row) = self.user_by_uid(id)? {
            return Ok(row);
        }
        let handle = id.to_string();
        self.tx.execute(
            "INSERT INTO user (uid, handle, handle_key, display_name, studio_role, is_local, created_at)
             VALUES (?1, ?2, ?3, ?2, 'member', 0, ?4)",
            params![id.to_bytes(), handle, names::key(&handle), crate::rows::now_ms()],
        )?;
        Ok(UserRow(self.tx.last_insert_rowid()))
    }

    /// Whether the library's own person sees the studio's brand `b`.
    fn may_see(&self, b: &BrandSyncRow) -> Result<bool> {
        let me: Option<(Vec<u8>, String)> = self
            .tx
            .query_row("SELECT uid, studio_role FROM user WHERE is_local = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((uid, role)) = me else {
            return Ok(false);
        };
        let me = UserId::from_uuid(uuid_of(&uid)?);
        let manager = role.parse::<StudioRole>().is_ok_and(StudioRole::acts_as_manager);
        Ok(manager || b.members.iter().any(|m| m.user == me))
    }

    /// Applies a person's row from the studio.
    pub fn apply_member(&mut self, m: &MemberRow) -> Result<()> {
        self.memo = crate::shared::Memo::default();
        let row = self.studio_user(m.id)?;
        self.set_user(row, m.id, &m.email, &m.display_name, m.role)
    }

    /// Pins a brand's anchors as the studio lists them, those whose assets are here, in order
    /// (the others are pinned when they arrive: [`Tx::anchor_arrived`]).
    pub(crate) fn settle_anchors(&mut self, brand: i64) -> Result<()> {
        let listed: String =
            self.tx
                .query_row("SELECT studio_anchors FROM brand WHERE id = ?1", [brand], |r| {
                    r.get(0)
                })?;
        let uids: Vec<String> = serde_json::from_str(&listed).unwrap_or_default();
        let mut seqs = Vec::with_capacity(uids.len());
        for u in &uids {
            let Ok(id) = u.parse::<uuid::Uuid>() else { continue };
            let seq: Option<i64> = self
                .tx
                .prepare_cached("SELECT seq FROM asset WHERE uid = ?1")?
                .query_row([id.as_bytes()], |r| r.get(0))
                .optional()?;
            seqs.extend(seq);
        }
        self.tx
            .execute("DELETE FROM brand_anchor WHERE brand = ?1", [brand])?;
        for (i, s) in seqs.iter().enumerate() {
            self.tx.execute(
                "INSERT OR IGNORE INTO brand_anchor (brand, asset, position) VALUES (?1, ?2, ?3)",
                params![brand, s, i as i64],
            )?;
        }
        Ok(())
    }

    /// An asset arrived from the studio: a brand that lists it as an anchor pins it now.
    pub(crate) fn anchor_arrived(&mut self, id: atelier_domain::AssetId) -> Result<()> {
        let brands: Vec<i64> = self
            .tx
            .prepare_cached("SELECT id FROM brand WHERE studio_anchors LIKE '%' || ?1 || '%'")?
            .query_map([id.to_string()], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        for b in brands {
            self.settle_anchors(b)?;
        }
        Ok(())
    }

    /// Applies a brand's row from the studio: its name, kit and members as the studio has
    /// them. A team brand of this library with the same name and no studio id yet (made
    /// standalone) becomes that brand (binding matches brands by name). Journaled for the
    /// app's live refresh, never queued for the studio.
    pub fn apply_brand(&mut self, b: &BrandSyncRow, at: i64) -> Result<()> {
        self.memo = crate::shared::Memo::default();
        let uid = b.id.to_bytes().to_vec();
        let mut row: Option<i64> = self
            .tx
            .query_row("SELECT id FROM brand WHERE uid = ?1", [&uid], |r| r.get(0))
            .optional()?;
        let personal_of = match b.personal_of {
            Some(u) => Some(self.studio_user(u)?),
            None => None,
        };
        if row.is_none() {
            row = match personal_of {
                Some(owner) => self
                    .tx
                    .query_row("SELECT id FROM brand WHERE personal_of = ?1", [owner.0], |r| {
                        r.get(0)
                    })
                    .optional()?,
                // A team brand made here before binding becomes the studio's namesake only
                // when this library's person may see that one (a member, or an Owner or
                // Admin); otherwise it stays this library's, renamed below, and the first
                // sync reports it.
                None if self.may_see(b)? => self
                    .tx
                    .query_row(
                        "SELECT id FROM brand WHERE personal_of IS NULL AND name_key = ?1",
                        [names::key(&b.name)],
                        |r| r.get(0),
                    )
                    .optional()?,
                None => None,
            };
            if let Some(id) = row {
                self.tx
                    .execute("UPDATE brand SET uid = ?2 WHERE id = ?1", params![id, uid])?;
            }
        }
        let key = names::key(&b.name);
        let id = match row {
            Some(id) => id,
            None => {
                self.tx.execute(
                    "INSERT INTO brand (uid, name, name_key, personal_of, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![uid, b.name, key, personal_of.map(|u| u.0), at],
                )?;
                self.tx.last_insert_rowid()
            }
        };
        if personal_of.is_none() {
            // Another local brand holding the name (made here meanwhile) steps aside.
            self.tx.execute(
                "UPDATE brand SET name = name || ' (this library)', name_key = name_key || ' (this library)'
                 WHERE personal_of IS NULL AND name_key = ?1 AND id != ?2",
                params![key, id],
            )?;
        }
        let json =
            |v: &Vec<String>| serde_json::to_string(v).map_err(|e| CatalogError::Corrupt(e.to_string()));
        let anchors: Vec<String> = b.kit.anchors.iter().map(|a| a.to_string()).collect();
        // Anchors pinned here before the studio had any (a library bound with its brands)
        // stay until the studio lists some: they go up with the next pin.
        let before: String =
            self.tx
                .query_row("SELECT studio_anchors FROM brand WHERE id = ?1", [id], |r| {
                    r.get(0)
                })?;
        let settle = !(anchors.is_empty() && before == "[]");
        self.tx.execute(
            "UPDATE brand SET name = ?2, name_key = ?3, color = ?4, prompt_prefix = ?5, prompt_suffix = ?6,
                 banned_terms = ?7, self_approval = ?8, palette = ?9, studio_anchors = ?10 WHERE id = ?1",
            params![
                id,
                b.name,
                key,
                b.kit.color,
                b.kit.prompt_prefix,
                b.kit.prompt_suffix,
                json(&b.kit.banned_terms)?,
                b.kit.self_approval,
                json(&b.kit.palette)?,
                json(&anchors)?
            ],
        )?;
        if settle {
            self.settle_anchors(id)?;
        }
        if personal_of.is_none() {
            self.tx
                .execute("DELETE FROM brand_member WHERE brand = ?1", [id])?;
            for m in &b.members {
                let user = self.studio_user(m.user)?;
                self.tx.execute(
                    "INSERT INTO brand_member (brand, user, role) VALUES (?1, ?2, ?3)
                     ON CONFLICT (brand, user) DO UPDATE SET role = excluded.role",
                    params![id, user.0, m.role.as_str()],
                )?;
            }
        }
        let actor = self
            .tx
            .query_row("SELECT id FROM user WHERE is_local = 1", [], |r| r.get(0))
            .optional()?
            .map(UserRow);
        if let Some(actor) = actor {
            record(
                &self.tx,
                Entry::about(at, actor, Entity::Brand, ChangeAction::Synced, Some(&uid))
                    .change(None, Some(serde_json::json!({ "name": b.name }))),
            )?;
        }
        Ok(())
    }
}

//! AI model files (R9.7): the catalog of models per project and the links between models and
//! the generated assets whose parameters name them — by hash prefix (A1111's `Model hash`,
//! `Lora hashes`) or by name (ComfyUI loaders, `<lora:…>` tags).

use atelier_domain::{Id, ModelId};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::rows::uuid_of;
use crate::views::{AssetSummary, format_ms, load_summaries};
use crate::{Catalog, ProjectRow, Result, Scope, Tx};
use atelier_protocol::ModelLink;

/// A model file to catalog.
#[derive(Debug, Clone)]
pub struct NewModel {
    /// Its public id.
    pub id: ModelId,
    /// The project it is kept in.
    pub project: ProjectRow,
    /// Absolute path.
    pub path: std::path::PathBuf,
    /// File name.
    pub name: String,
    /// File name without folder and extension, lowercase (what generations name it by).
    pub key: String,
    /// The name it was trained under, lowercase.
    pub output_key: Option<String>,
    /// "safetensors", "checkpoint", "GGUF"…
    pub format: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Modification time, unix ms.
    pub mtime_ms: Option<i64>,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// SHA-256 of a safetensors file's data, hex.
    pub addnet: Option<String>,
    /// Header facts (base model, trigger words, details), JSON.
    pub info: String,
    /// When it was added, unix ms.
    pub added_at: i64,
}

/// A model as lists and pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ModelSummary {
    /// Its id.
    pub id: ModelId,
    /// File name.
    pub name: String,
    /// The project it is kept in.
    pub project: String,
    /// Where the file is.
    pub path: String,
    /// "safetensors", "checkpoint", "GGUF"…
    pub format: String,
    /// Size in bytes.
    #[ts(type = "number")]
    pub bytes: u64,
    /// SHA-256, hex.
    pub sha256: String,
    /// The short hash A1111 writes as `Model hash` (first 10 hex digits of the SHA-256).
    pub autov2: String,
    /// The hash A1111 writes in `Lora hashes` (first 12 hex digits of the data's SHA-256),
    /// for safetensors.
    pub addnet: Option<String>,
    /// Base model, trigger words, the name it was trained under and other header facts.
    #[ts(type = "Record<string, unknown>")]
    pub info: serde_json::Value,
    /// When it was added (RFC 3339).
    pub added_at: String,
    /// How many assets name it.
    #[ts(type = "number")]
    pub uses: u64,
}

/// Which references point at a model: its hashes' usual prefixes and its names.
const MATCHES_MODEL: &str =
    "(r.hash = 1 AND (r.value IN (m.sha256, substr(m.sha256, 1, 8), substr(m.sha256, 1, 10),
        substr(m.sha256, 1, 12)) OR (m.addnet IS NOT NULL AND r.value IN (m.addnet, substr(m.addnet, 1, 8),
        substr(m.addnet, 1, 10), substr(m.addnet, 1, 12)))))
     OR (r.hash = 0 AND (r.value = m.key OR r.value = m.output_key))";

impl Tx<'_> {
    /// Catalogs a model; `Err(path)` when the same content is already cataloged there (nothing
    /// changes). A file cataloged before at the same path is updated in place.
    pub fn insert_model(
        &mut self,
        m: &NewModel,
        actor: crate::UserRow,
    ) -> Result<std::result::Result<ModelId, String>> {
        let path = crate::paths::stored(&m.path);
        let existing: Option<(Vec<u8>, String)> = self
            .tx
            .query_row(
                "SELECT uid, path FROM model WHERE sha256 = ?1 AND path != ?2",
                params![m.sha256, path],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((_, there)) = existing {
            return Ok(Err(crate::paths::display(&there)));
        }
        self.tx.execute(
            "INSERT INTO model (uid, project, path, name, key, output_key, format, bytes, mtime_ms, sha256, addnet, info, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT (path) DO UPDATE SET project = excluded.project, name = excluded.name, key = excluded.key,
                 output_key = excluded.output_key, format = excluded.format, bytes = excluded.bytes,
                 mtime_ms = excluded.mtime_ms, sha256 = excluded.sha256, addnet = excluded.addnet, info = excluded.info",
            params![
                m.id.to_bytes(),
                m.project.0,
                path,
                m.name,
                m.key,
                m.output_key,
                m.format,
                m.bytes as i64,
                m.mtime_ms,
                m.sha256,
                m.addnet,
                m.info,
                m.added_at
            ],
        )?;
        let uid: Vec<u8> = self
            .tx
            .query_row("SELECT uid FROM model WHERE path = ?1", [&path], |r| r.get(0))?;
        crate::journal::record(
            &self.tx,
            crate::journal::Entry::about(
                m.added_at,
                actor,
                atelier_protocol::Entity::Model,
                atelier_protocol::ChangeAction::Import,
                Some(&uid),
            )
            .change(
                None,
                Some(serde_json::json!({ "name": m.name, "sha256": m.sha256 })),
            ),
        )?;
        Ok(Ok(ModelId::from_uuid(uuid_of(&uid)?)))
    }

    /// Records the models an asset's generation names (`(is_hash, value)` pairs).
    pub(crate) fn set_model_refs(&mut self, seq: i64, refs: &[(bool, String)]) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO asset_model_ref (value, hash, asset) VALUES (?1, ?2, ?3)",
        )?;
        for (hash, value) in refs {
            stmt.execute(params![value, *hash, seq])?;
        }
        Ok(())
    }
}

fn summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<ModelSummary> {
    let uid: Vec<u8> = r.get(0)?;
    let sha256: String = r.get(5)?;
    let addnet: Option<String> = r.get(6)?;
    let info: String = r.get(7)?;
    Ok(ModelSummary {
        id: ModelId::from_slice(&uid).ok_or(rusqlite::Error::InvalidColumnType(
            0,
            "uid".into(),
            rusqlite::types::Type::Blob,
        ))?,
        name: r.get(1)?,
        project: r.get(2)?,
        path: crate::paths::display(&r.get::<_, String>(3)?),
        format: r.get(4)?,
        bytes: r.get::<_, i64>(8)?.max(0) as u64,
        autov2: sha256.chars().take(10).collect(),
        sha256,
        addnet: addnet.map(|a| a.chars().take(12).collect()),
        info: serde_json::from_str(&info).unwrap_or(serde_json::Value::Null),
        added_at: format_ms(r.get(9)?),
        uses: r.get::<_, i64>(10)?.max(0) as u64,
    })
}

const SUMMARY: &str = "SELECT m.uid, m.name, p.name, m.path, m.format, m.sha256, m.addnet, m.info, m.bytes, m.added_at,
        (SELECT count(DISTINCT r.asset) FROM asset_model_ref r WHERE r.value IN (m.sha256, substr(m.sha256, 1, 8),
            substr(m.sha256, 1, 10), substr(m.sha256, 1, 12), m.addnet, substr(m.addnet, 1, 8), substr(m.addnet, 1, 10),
            substr(m.addnet, 1, 12), m.key, m.output_key))
     FROM model m JOIN project p ON p.id = m.project";

impl Catalog {
    /// Where a model with this SHA-256 is cataloged, if anywhere.
    pub fn model_by_sha256(&self, sha256: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT path FROM model WHERE sha256 = ?1 LIMIT 1")?
            .query_row([sha256], |r| r.get::<_, String>(0))
            .optional()?
            .map(|p| crate::paths::display(&p)))
    }

    /// The model cataloged at `path` when the file there still has this size and time.
    pub fn model_unchanged(
        &self,
        path: &std::path::Path,
        bytes: u64,
        mtime_ms: i64,
    ) -> Result<Option<ModelId>> {
        let uid: Option<Vec<u8>> = self
            .conn()
            .prepare_cached("SELECT uid FROM model WHERE path = ?1 AND bytes = ?2 AND mtime_ms = ?3")?
            .query_row(params![crate::paths::stored(path), bytes as i64, mtime_ms], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(uid.and_then(|u| ModelId::from_slice(&u)))
    }

    /// Models in the projects the reader may see, by name; only `project`'s when given.
    pub fn models(&self, project: Option<ProjectRow>, scope: &Scope) -> Result<Vec<ModelSummary>> {
        let sql = format!(
            "{SUMMARY} WHERE (?1 IS NULL OR m.project = ?1) AND m.project IN rarray(?2)
             ORDER BY m.name COLLATE NOCASE"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![project.map(|p| p.0), crate::rows::array(&scope.projects)],
            summary,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One model the reader may see, by id or by file name (exact, ignoring case, with or
    /// without extension); with the first `limit` assets that name it that they may see,
    /// newest first.
    pub fn model(
        &self,
        id_or_name: &str,
        limit: usize,
        scope: &Scope,
    ) -> Result<Option<(ModelSummary, Vec<AssetSummary>)>> {
        let by_id = id_or_name.parse::<ModelId>().ok();
        let sql = format!(
            "{SUMMARY} WHERE (m.uid = ?1 OR m.name = ?2 COLLATE NOCASE OR m.key = lower(?2))
                AND m.project IN rarray(?3) LIMIT 1"
        );
        let found = self
            .conn()
            .prepare_cached(&sql)?
            .query_row(
                params![
                    by_id.map(|i| i.to_bytes().to_vec()),
                    id_or_name,
                    crate::rows::array(&scope.projects)
                ],
                summary,
            )
            .optional()?;
        let Some(s) = found else {
            return Ok(None);
        };
        let uid = s.id.to_bytes();
        let sql = format!(
            "SELECT DISTINCT r.asset FROM model m JOIN asset_model_ref r ON {MATCHES_MODEL}
             WHERE m.uid = ?1 ORDER BY r.asset DESC"
        );
        let seqs = self
            .conn()
            .prepare_cached(&sql)?
            .query_map([&uid[..]], |r| r.get::<_, i64>(0))?
            .map(|s| Ok(u32::try_from(s?).unwrap_or(u32::MAX)))
            .filter(|s| s.as_ref().map_or(true, |s| scope.assets.contains(*s)))
            .take(limit)
            .collect::<Result<Vec<u32>>>()?;
        let assets = load_summaries(self.conn(), &seqs)?;
        Ok(Some((s, assets)))
    }

    /// The models an asset names that are in the catalog.
    pub(crate) fn asset_models(conn: &rusqlite::Connection, seq: i64) -> Result<Vec<ModelLink>> {
        let sql = format!(
            "SELECT DISTINCT m.uid, m.name FROM asset_model_ref r JOIN model m ON {MATCHES_MODEL}
             WHERE r.asset = ?1 ORDER BY m.name COLLATE NOCASE"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([seq], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (uid, name) = row?;
            out.push(ModelLink {
                id: ModelId::from_uuid(uuid_of(&uid)?),
                name,
            });
        }
        Ok(out)
    }
}

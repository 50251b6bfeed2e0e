//! Visual signatures (R13): stored per asset as given by atelier-similar (a version, a 64-bit
//! hash and a descriptor blob), read back in bulk by id order so an in-memory index can load
//! everything once and then only what was added or replaced since.

use rusqlite::params;

use crate::postings::seq_u32;
use crate::views::{AssetSummary, load_keyed_summaries};
use crate::{Catalog, Result, Tx};

/// A signature as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSignature {
    /// The computation's version (signatures of another version are redone).
    pub version: u8,
    /// Perceptual hash.
    pub phash: u64,
    /// Descriptor bytes.
    pub vector: Vec<u8>,
}

/// An asset whose grid rendition has not been analysed (or was, by another version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsigned {
    /// Its seq.
    pub seq: i64,
    /// Content hash (names its renditions).
    pub hash: [u8; 32],
    /// Its thumbnail's extension.
    pub thumb_ext: String,
}

impl Tx<'_> {
    /// Stores (or replaces) the signature of asset `seq`.
    pub fn set_signature(&mut self, seq: i64, s: &StoredSignature) -> Result<()> {
        // Replacing deletes and re-inserts, so the row gets a new, larger id: readers that
        // load "everything after id N" see replacements too.
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO asset_signature (asset, version, phash, vector) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![seq, s.version, s.phash as i64, s.vector])?;
        Ok(())
    }

    /// Forgets the signature of asset `seq` (its content changed and has none yet).
    pub fn clear_signature(&mut self, seq: i64) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM asset_signature WHERE asset = ?1")?
            .execute([seq])?;
        Ok(())
    }
}

impl Catalog {
    /// Calls `f(seq, signature)` for every signature stored with an id above `after`, in id
    /// order; returns the largest id seen (or `after`).
    pub fn signatures_after(&self, after: i64, mut f: impl FnMut(u32, StoredSignature)) -> Result<i64> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, asset, version, phash, vector FROM asset_signature WHERE id > ?1 ORDER BY id",
        )?;
        let mut rows = stmt.query([after])?;
        let mut last = after;
        while let Some(r) = rows.next()? {
            last = r.get(0)?;
            let seq = seq_u32(r.get(1)?)?;
            f(
                seq,
                StoredSignature {
                    version: r.get(2)?,
                    phash: r.get::<_, i64>(3)? as u64,
                    vector: r.get(4)?,
                },
            );
        }
        Ok(last)
    }

    /// Up to `limit` assets with a thumbnail and no signature of `version`, seq above `after`,
    /// in seq order.
    pub fn unsigned(&self, version: u8, after: i64, limit: usize) -> Result<Vec<Unsigned>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT a.seq, a.hash, f.thumb FROM asset a
               JOIN asset_file f ON f.asset = a.seq
               LEFT JOIN asset_signature s ON s.asset = a.seq
              WHERE a.seq > ?1 AND f.thumb IS NOT NULL AND (s.asset IS NULL OR s.version != ?2)
              ORDER BY a.seq LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![after, version, limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, hash, thumb_ext) = row?;
            let hash = hash
                .try_into()
                .map_err(|_| crate::CatalogError::Corrupt("a content hash is not 32 bytes".into()))?;
            out.push(Unsigned { seq, hash, thumb_ext });
        }
        Ok(out)
    }

    /// Whether some asset may lack a signature of `version`: a cheap count comparison, so the
    /// common case (everything analysed) costs no join over the whole catalog.
    pub fn may_have_unsigned(&self, version: u8) -> Result<bool> {
        let (assets, signed): (i64, i64) = self.conn().query_row(
            "SELECT (SELECT count(*) FROM asset),
                    (SELECT count(*) FROM asset_signature WHERE version = ?1)",
            [version],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(signed < assets)
    }

    /// Grid summaries of `seqs` with their seq, in the order given; seqs no longer in the
    /// catalog (deleted meanwhile) are left out.
    pub fn summaries(&self, seqs: &[u32]) -> Result<Vec<(u32, AssetSummary)>> {
        load_keyed_summaries(self.conn(), seqs)
    }

    /// Where the grid thumbnails of `seqs` are kept: each one's content hash (hex) and the
    /// thumbnail's extension, for those that have one.
    pub fn thumbnails(&self, seqs: &[u32]) -> Result<Vec<(u32, String, String)>> {
        let list: Vec<i64> = seqs.iter().map(|s| i64::from(*s)).collect();
        let mut stmt = self.conn().prepare_cached(
            "SELECT a.seq, a.hash, f.thumb FROM asset a JOIN asset_file f ON f.asset = a.seq
             WHERE a.seq IN rarray(?1) AND f.thumb IS NOT NULL",
        )?;
        let rows = stmt.query_map([crate::rows::array(&list)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, hash, ext) = row?;
            out.push((seq_u32(seq)?, crate::rows::hex(&hash), ext));
        }
        Ok(out)
    }

    /// How many signatures are stored and the largest asset seq among them (to size an index
    /// before loading it).
    pub fn signature_extent(&self) -> Result<(u64, u32)> {
        let (n, max): (i64, Option<i64>) =
            self.conn()
                .query_row("SELECT count(*), max(asset) FROM asset_signature", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
        Ok((n as u64, max.map(seq_u32).transpose()?.unwrap_or(0)))
    }
}

//! Stacks by hand (R2.9): stack any assets under a cover, choose another cover, unstack. Imports
//! stack a RAW with the JPEG or HEIC of the same name in the same folder (see import/).

use atelier_domain::{AssetId, ErrorCode, InvalidInput, rules};

use crate::organise::BulkReport;
use crate::{Acting, Result, now_ms};

impl Acting<'_> {
    /// Makes `ids` (at least two) one stack under `cover` (default: the first JPEG or HEIC
    /// among them, else the first). Stacks they were in are dissolved first. All or nothing:
    /// one asset the user may not organise refuses the whole stack.
    pub fn stack(&self, ids: &[AssetId], cover: Option<AssetId>) -> Result<BulkReport> {
        let mut unique: Vec<AssetId> = Vec::with_capacity(ids.len());
        for id in ids {
            if !unique.contains(id) {
                unique.push(*id);
            }
        }
        if unique.len() < 2 {
            return Err(InvalidInput::new(
                ErrorCode::StackTooSmall,
                "a stack needs at least two different assets",
            )
            .into());
        }
        if unique.len() > 1000 {
            return Err(
                InvalidInput::new(ErrorCode::StackTooLarge, "a stack holds at most 1,000 assets").into(),
            );
        }
        if let Some(c) = cover
            && !unique.contains(&c)
        {
            return Err(InvalidInput::new(
                ErrorCode::CoverNotInStack,
                format!("the cover {c} must be one of the stacked assets"),
            )
            .into());
        }
        let found = self.catalog().seqs_of(&unique)?;
        let mut seqs = Vec::with_capacity(unique.len());
        for (id, seq) in unique.iter().zip(found) {
            seqs.push(seq.ok_or_else(|| {
                InvalidInput::new(ErrorCode::NotFound, format!("asset {id} is not in this library"))
            })?);
        }
        let acting = self.roles()?;
        let facts = self.catalog().facts(&seqs)?;
        // Each asset as in a bulk action: seen by the actor, out of the Trash, theirs to
        // organise (a stack is refused whole when one of them isn't).
        for f in &facts {
            acting.may_see(f)?;
            let (actor, facts) = acting.judge(f);
            super::Pool::Live.admits(&facts)?;
            rules::organise(&actor, &facts)?;
        }
        // A stack holds one brand's assets, as on the studio: one made across brands here
        // could never be shared, and would start to count unannounced the day a move (or the
        // studio undoing one) brought its assets onto one brand.
        if let Some(other) = facts.iter().find(|f| f.brand != facts[0].brand) {
            return Err(InvalidInput::new(
                ErrorCode::CoverNotInStack,
                format!(
                    "a stack holds one brand's assets: {} and {} are on different brands (move them to one brand first)",
                    facts[0].name, other.name
                ),
            )
            .into());
        }
        let cover_seq = match cover {
            Some(c) => facts.iter().find(|f| f.id == c).map(|f| f.seq),
            None => {
                let formats = self.catalog().formats_of(&seqs)?;
                seqs.iter()
                    .zip(&formats)
                    .find(|(_, f)| matches!(f.as_str(), "jpeg" | "heif"))
                    .map(|(s, _)| *s)
                    .or(seqs.first().copied())
            }
        }
        .ok_or_else(|| InvalidInput::new(ErrorCode::NotFound, "the cover is not in this library"))?;
        self.catalog()
            .write(|tx| tx.stack(cover_seq, &seqs, acting.user, now_ms()))?;
        Ok(BulkReport {
            requested: ids.len(),
            succeeded: unique,
            ..BulkReport::default()
        })
    }

    /// Dissolves the stacks `ids` are in: every member becomes a card of its own again.
    pub fn unstack(&self, ids: &[AssetId]) -> Result<BulkReport> {
        let selection = crate::Selection::Ids(ids.to_vec());
        self.bulk(
            &selection,
            |a, f| {
                let (actor, facts) = a.judge(f);
                rules::organise(&actor, &facts).map(Some)
            },
            |tx, a, todo| {
                let seqs: Vec<i64> = todo.iter().map(|(f, _)| f.seq).collect();
                tx.unstack(&seqs, a.user, now_ms())
            },
        )
    }
}

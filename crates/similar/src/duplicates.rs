//! Near-duplicate candidates: pairs whose perceptual hashes differ in at most a few bits and
//! whose descriptors agree as the pictures stand (a mirror image is similar, not a duplicate).
//!
//! Multi-index hashing: with at most 3 differing bits among 64, two hashes share at least one
//! of their four 16-bit chunks exactly (pigeonhole), so only pairs that share a chunk are ever
//! compared — about 30 million popcounts for a million random hashes instead of 5·10¹¹.

use std::collections::HashSet;

use roaring::RoaringBitmap;

use crate::index::Index;

/// What makes two signatures duplicates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DuplicateRule {
    /// Most differing hash bits (at most 3: the chunking relies on it).
    pub max_hamming: u32,
    /// Largest squared descriptor distance, orientation as is.
    pub max_distance_sq: u32,
    /// Smallest correlation of the two thumbnails ([`crate::compare`], checked by the caller,
    /// which has them).
    pub min_correlation: f32,
}

impl Default for DuplicateRule {
    /// Re-encodes and resizes, not crops, edits or the next frame of a burst: tuned with
    /// `atelier-bench similar` (docs/benchmarks.md).
    fn default() -> Self {
        DuplicateRule {
            max_hamming: 3,
            max_distance_sq: 12 * 12,
            min_correlation: 0.98,
        }
    }
}

/// Pairs `(a, b, distance_sq)` with `a < b`, both in `scope`, that `rule` calls duplicates.
/// Flat pictures (no structure) are never paired.
pub fn duplicate_pairs(index: &Index, scope: &RoaringBitmap, rule: &DuplicateRule) -> Vec<(u32, u32, u32)> {
    let max_hamming = rule.max_hamming.min(3);
    let seqs: Vec<u32> = (scope & index.present())
        .iter()
        .filter(|&s| index.get(s).is_some_and(|sig| !sig.is_flat()))
        .collect();
    let mut seen: HashSet<(u32, u32)> = HashSet::new();
    let mut out = Vec::new();
    let mut keyed: Vec<(u16, u32)> = Vec::with_capacity(seqs.len());
    for chunk in 0..4 {
        keyed.clear();
        keyed.extend(seqs.iter().filter_map(|&s| {
            let h = index.get(s)?.phash;
            Some(((h >> (16 * chunk)) as u16, s))
        }));
        keyed.sort_unstable();
        for run in keyed.chunk_by(|a, b| a.0 == b.0) {
            for (i, &(_, a)) in run.iter().enumerate() {
                let Some(sa) = index.get(a) else { continue };
                for &(_, b) in &run[i + 1..] {
                    let Some(sb) = index.get(b) else { continue };
                    if sa.hamming(&sb) > max_hamming {
                        continue;
                    }
                    let (direct, _) = sa.distance_sq(&sb);
                    let key = (a.min(b), a.max(b));
                    if direct <= rule.max_distance_sq && seen.insert(key) {
                        out.push((key.0, key.1, direct));
                    }
                }
            }
        }
    }
    out.sort_unstable();
    out
}

/// Connected groups of `pairs`, each sorted, largest group first (then by first seq).
pub fn groups_of(pairs: &[(u32, u32)]) -> Vec<Vec<u32>> {
    let mut ids: Vec<u32> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
    ids.sort_unstable();
    ids.dedup();
    let pos = |s: u32| ids.binary_search(&s).unwrap_or_default();
    let mut parent: Vec<usize> = (0..ids.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for &(a, b) in pairs {
        let (ra, rb) = (root(&mut parent, pos(a)), root(&mut parent, pos(b)));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<u32>> = Default::default();
    for (i, id) in ids.iter().enumerate() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(*id);
    }
    let mut out: Vec<Vec<u32>> = groups.into_values().collect();
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DIMS, Signature};

    fn sig(phash: u64, first: i8) -> Signature {
        let mut vector = [10i8; DIMS];
        vector[0] = first;
        Signature { phash, vector }
    }

    #[test]
    fn pairs_within_three_bits_and_a_close_descriptor() {
        let mut index = Index::new();
        let base = 0x0123_4567_89ab_cdef_u64;
        index.insert(1, &sig(base, 10));
        index.insert(2, &sig(base ^ 0b111, 12)); // 3 bits, close
        index.insert(3, &sig(base ^ 0b1111, 10)); // 4 bits from 1
        index.insert(4, &sig(base ^ (1 << 40), 90)); // 1 bit, far descriptor
        index.insert(5, &sig(0, 10)); // flat
        index.insert(6, &sig(!base, 10)); // unrelated
        index.insert(7, &sig(base ^ (1 << 63) ^ (1 << 20), 11)); // 2 bits in two chunks
        let all: RoaringBitmap = (1..=7).collect();
        let pairs = duplicate_pairs(&index, &all, &DuplicateRule::default());
        let keys: Vec<(u32, u32)> = pairs.iter().map(|p| (p.0, p.1)).collect();
        assert_eq!(keys, vec![(1, 2), (1, 7), (2, 3)]);
        let groups = groups_of(&keys);
        assert_eq!(groups, vec![vec![1, 2, 3, 7]]);

        let scope: RoaringBitmap = [1, 3, 4].into_iter().collect();
        assert!(duplicate_pairs(&index, &scope, &DuplicateRule::default()).is_empty());
    }

    #[test]
    fn groups_are_connected_components() {
        let g = groups_of(&[(5, 9), (1, 2), (2, 3), (9, 12)]);
        assert_eq!(g, vec![vec![1, 2, 3], vec![5, 9, 12]]);
        assert!(groups_of(&[]).is_empty());
    }
}

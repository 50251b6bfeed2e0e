//! Signatures by asset seq in flat arrays, and top-k nearest within a scope.
//!
//! An exhaustive scan: 48 bytes per candidate, a few nanoseconds each, so a million assets
//! answer in milliseconds with the exact order — no training, no approximation to tune, and
//! adding or replacing a signature is a store into an array. The scope (the user's brand,
//! project or filters) is a bitmap the catalog already computes for search.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use roaring::RoaringBitmap;

use crate::signature::{DIMS, Signature, distance_sq, to_distance};

/// Below this many candidates one thread scans them all (a thread costs more than it saves).
const PARALLEL_FROM: u64 = 100_000;

/// One match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// The asset's seq.
    pub seq: u32,
    /// Squared descriptor distance, mirror-aware.
    pub distance_sq: u32,
}

impl Hit {
    /// The distance on the human scale of [`crate::signature::to_distance`].
    pub fn distance(&self) -> f32 {
        to_distance(self.distance_sq)
    }
}

/// Every known signature, by seq.
#[derive(Debug, Default, Clone)]
pub struct Index {
    vectors: Vec<[i8; DIMS]>,
    hashes: Vec<u64>,
    present: RoaringBitmap,
}

impl Index {
    /// An empty index.
    pub fn new() -> Index {
        Index::default()
    }

    /// Adds or replaces the signature of `seq`.
    pub fn insert(&mut self, seq: u32, sig: &Signature) {
        let i = seq as usize;
        if i >= self.vectors.len() {
            // Seqs grow with the date added: grow in steps, not per insert.
            let len = (i + 1).max(self.vectors.len() + self.vectors.len() / 4);
            self.vectors.resize(len, [0; DIMS]);
            self.hashes.resize(len, 0);
        }
        self.vectors[i] = sig.vector;
        self.hashes[i] = sig.phash;
        self.present.insert(seq);
    }

    /// Makes room for seqs up to `max` without growing again.
    pub fn reserve_seqs(&mut self, max: u32) {
        let len = max as usize + 1;
        if len > self.vectors.len() {
            self.vectors.resize(len, [0; DIMS]);
            self.hashes.resize(len, 0);
        }
    }

    /// Forgets `seq`.
    pub fn remove(&mut self, seq: u32) {
        self.present.remove(seq);
    }

    /// The signature of `seq`, if known.
    pub fn get(&self, seq: u32) -> Option<Signature> {
        self.present.contains(seq).then(|| Signature {
            phash: self.hashes[seq as usize],
            vector: self.vectors[seq as usize],
        })
    }

    /// The seqs with a signature.
    pub fn present(&self) -> &RoaringBitmap {
        &self.present
    }

    /// How many signatures.
    pub fn len(&self) -> u64 {
        self.present.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.present.is_empty()
    }

    /// The `k` signatures of `scope` closest to `query`, closest first (ties: newest first),
    /// leaving out `exclude` (the query's own asset).
    pub fn nearest(
        &self,
        query: &Signature,
        scope: &RoaringBitmap,
        k: usize,
        exclude: Option<u32>,
    ) -> Vec<Hit> {
        if k == 0 {
            return Vec::new();
        }
        let candidates = scope & &self.present;
        let threads = if candidates.len() < PARALLEL_FROM {
            1
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
        };
        let best = if threads == 1 {
            self.scan(query, candidates.iter(), k, exclude)
        } else {
            // Split the seqs into equal runs, scan each on its own thread, keep the best k.
            let (lo, hi) = (candidates.min().unwrap_or(0), candidates.max().unwrap_or(0));
            let step = (u64::from(hi - lo) / threads as u64 + 1) as u32;
            let parts: Vec<BinaryHeap<(u32, Reverse<u32>)>> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..threads as u32)
                    .map(|t| {
                        let start = lo.saturating_add(t.saturating_mul(step));
                        let end = start.saturating_add(step);
                        let candidates = &candidates;
                        s.spawn(move || self.scan(query, candidates.range(start..end), k, exclude))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_default())
                    .collect()
            });
            let mut all: BinaryHeap<(u32, Reverse<u32>)> = BinaryHeap::with_capacity(k * threads + 1);
            for part in parts {
                for item in part {
                    all.push(item);
                    if all.len() > k {
                        all.pop();
                    }
                }
            }
            all
        };
        best.into_sorted_vec()
            .into_iter()
            .map(|(distance_sq, Reverse(seq))| Hit { seq, distance_sq })
            .collect()
    }

    /// The best `k` of `seqs` as a max-heap (its top is the worst kept).
    fn scan(
        &self,
        query: &Signature,
        seqs: impl Iterator<Item = u32>,
        k: usize,
        exclude: Option<u32>,
    ) -> BinaryHeap<(u32, Reverse<u32>)> {
        let mut best: BinaryHeap<(u32, Reverse<u32>)> = BinaryHeap::with_capacity(k + 1);
        let mut worst = u32::MAX;
        for seq in seqs {
            if Some(seq) == exclude {
                continue;
            }
            let (_, d) = distance_sq(&query.vector, &self.vectors[seq as usize]);
            if best.len() < k {
                best.push((d, Reverse(seq)));
                if best.len() == k {
                    worst = best.peek().map_or(u32::MAX, |t| t.0);
                }
            } else if d < worst {
                best.pop();
                best.push((d, Reverse(seq)));
                worst = best.peek().map_or(u32::MAX, |t| t.0);
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};

    use super::*;

    fn random(rng: &mut impl Rng) -> Signature {
        let mut vector = [0i8; DIMS];
        for v in &mut vector {
            *v = rng.random_range(-60..=60);
        }
        Signature {
            phash: rng.random(),
            vector,
        }
    }

    #[test]
    fn nearest_is_exact_and_respects_the_scope() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let sigs: Vec<Signature> = (0..2000).map(|_| random(&mut rng)).collect();
        let mut index = Index::new();
        for (i, s) in sigs.iter().enumerate() {
            index.insert(i as u32 + 1, s);
        }
        let query = sigs[10];
        let all: RoaringBitmap = (1..=2000).collect();
        let hits = index.nearest(&query, &all, 5, None);
        assert_eq!(
            hits[0],
            Hit {
                seq: 11,
                distance_sq: 0
            }
        );
        // The same order as sorting every distance.
        let mut every: Vec<(u32, u32)> = sigs
            .iter()
            .enumerate()
            .map(|(i, s)| (query.distance_sq(s).1, i as u32 + 1))
            .collect();
        every.sort_by_key(|&(d, s)| (d, Reverse(s)));
        let expected: Vec<u32> = every.iter().take(5).map(|t| t.1).collect();
        assert_eq!(hits.iter().map(|h| h.seq).collect::<Vec<_>>(), expected);

        let scope: RoaringBitmap = (1000..1100).collect();
        let hits = index.nearest(&query, &scope, 3, Some(11));
        assert_eq!(hits.len(), 3);
        assert!(hits.iter().all(|h| scope.contains(h.seq)));
        assert!(hits.windows(2).all(|w| w[0].distance_sq <= w[1].distance_sq));
        assert!(index.nearest(&query, &all, 0, None).is_empty());
    }

    #[test]
    fn a_parallel_scan_finds_what_one_thread_finds() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let mut index = Index::new();
        let sigs: Vec<Signature> = (0..150_000).map(|_| random(&mut rng)).collect();
        for (i, s) in sigs.iter().enumerate() {
            index.insert(i as u32 * 2, s);
        }
        let all: RoaringBitmap = (0..300_000).collect();
        let query = random(&mut rng);
        let hits = index.nearest(&query, &all, 20, Some(0));
        let one = index.scan(&query, (&all & index.present()).iter(), 20, Some(0));
        let expected: Vec<u32> = one.into_sorted_vec().into_iter().map(|t| t.1.0).collect();
        assert_eq!(hits.iter().map(|h| h.seq).collect::<Vec<_>>(), expected);
        assert_eq!(hits.len(), 20);
    }

    #[test]
    fn replacing_and_removing() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let (a, b) = (random(&mut rng), random(&mut rng));
        let mut index = Index::new();
        index.insert(3, &a);
        index.insert(3, &b);
        assert_eq!(index.get(3), Some(b));
        assert_eq!(index.len(), 1);
        index.remove(3);
        assert_eq!(index.get(3), None);
        assert!(index.is_empty());
        let all: RoaringBitmap = (0..10).collect();
        assert!(index.nearest(&a, &all, 10, None).is_empty());
    }
}

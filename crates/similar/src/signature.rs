//! A picture's signature: a 64-bit perceptual hash and a 48-byte descriptor, both from the
//! low frequencies of its DCT.
//!
//! The picture is reduced to a 32×32 grid by box averaging (aspect ratio dropped, so a resize
//! changes nothing and a crop moves the content a little), split into luma and two colour
//! differences, and transformed:
//! - **pHash**: the 63 AC terms of the 8×8 lowest luma frequencies against their median, one
//!   bit each (bit 63 is 0). Survives re-encoding and resizing with a few bits changed.
//! - **Descriptor**: the 35 luma AC terms with `u + v ≤ 7`, divided by their energy (so
//!   brightness offsets and contrast changes vanish), and the 6 lowest terms of each colour
//!   difference including their means (so a red car is not a blue car). Terms of even
//!   horizontal frequency come first, odd ones after: mirroring flips exactly the odd ones, so
//!   [`Signature::distance_sq`] takes the better of both orientations in one pass.

use crate::dct::{GRID, KEEP, low_frequencies};

/// Bumped whenever the computation changes; stored signatures of another version are redone.
pub const VERSION: u8 = 1;
/// Bytes in the descriptor.
pub const DIMS: usize = 48;
/// Descriptor dimensions of even horizontal frequency come first; these are the odd ones.
pub(crate) const ODD_START: usize = 28;
/// Luma frequencies kept in the descriptor: `u + v ≤ LUMA_BAND`.
const LUMA_BAND: usize = 7;
/// Colour frequencies kept: `u + v ≤ CHROMA_BAND`.
const CHROMA_BAND: usize = 2;
/// The weight of colour against structure (luma terms form a unit vector).
const CHROMA_WEIGHT: f32 = 0.6;
/// A colour-difference DC term of this size (a mean of 128 levels) maps to 1.0.
const CHROMA_SCALE: f32 = GRID as f32 * 128.0;
/// Below this luma AC energy (per-pixel RMS ≈ 0.5 levels) a picture is flat: no structure to
/// compare, so it is never called anyone's duplicate.
const FLAT_ENERGY: f32 = 0.5 * GRID as f32;

/// Why stored bytes are not a signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// Wrong length.
    #[error("a signature descriptor is {DIMS} bytes, not {0}")]
    Length(usize),
    /// Pixels and dimensions disagree.
    #[error("{len} bytes are not {width}×{height} pixels of {channels} channels")]
    Pixels {
        /// Bytes given.
        len: usize,
        /// Width given.
        width: u32,
        /// Height given.
        height: u32,
        /// Channels given.
        channels: usize,
    },
}

/// What a picture looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    /// Perceptual hash; 0 for a flat picture.
    pub phash: u64,
    /// Descriptor (see the module documentation for its layout).
    pub vector: [i8; DIMS],
}

/// Which (channel, u, v) each descriptor dimension holds, even horizontal frequencies first.
/// Channel 0 is luma, 1 and 2 the blue and red differences. The last even slot is padding.
fn layout() -> &'static [(u8, u8, u8)] {
    static LAYOUT: std::sync::OnceLock<Vec<(u8, u8, u8)>> = std::sync::OnceLock::new();
    LAYOUT.get_or_init(|| {
        let mut terms = Vec::new();
        for (channel, band) in [(0u8, LUMA_BAND), (1, CHROMA_BAND), (2, CHROMA_BAND)] {
            for v in 0..=band {
                for u in 0..=band - v {
                    if channel == 0 && (u, v) == (0, 0) {
                        continue;
                    }
                    terms.push((channel, u as u8, v as u8));
                }
            }
        }
        let (even, odd): (Vec<_>, Vec<_>) = terms.into_iter().partition(|t| t.1 % 2 == 0);
        debug_assert_eq!(even.len() + 1, ODD_START);
        debug_assert_eq!(ODD_START + odd.len(), DIMS);
        let mut all = even;
        all.push((u8::MAX, 0, 0));
        all.extend(odd);
        all
    })
}

impl Signature {
    /// The signature of `width`×`height` pixels, 3 (RGB) or 4 (RGBA, composited over mid grey)
    /// bytes each, row-major without padding.
    pub fn from_pixels(
        pixels: &[u8],
        width: u32,
        height: u32,
        channels: usize,
    ) -> Result<Signature, SignatureError> {
        let (w, h) = (width as usize, height as usize);
        if !(channels == 3 || channels == 4) || w == 0 || h == 0 || pixels.len() != w * h * channels {
            return Err(SignatureError::Pixels {
                len: pixels.len(),
                width,
                height,
                channels,
            });
        }
        let planes = reduce(pixels, w, h, channels);
        Ok(Self::from_planes(&planes))
    }

    fn from_planes(planes: &[[f32; GRID * GRID]; 3]) -> Signature {
        let freq = [
            low_frequencies(&planes[0]),
            low_frequencies(&planes[1]),
            low_frequencies(&planes[2]),
        ];
        let luma = &freq[0];
        let energy = layout()
            .iter()
            .filter(|t| t.0 == 0)
            .map(|&(_, u, v)| luma[v as usize][u as usize].powi(2))
            .sum::<f32>()
            .sqrt();
        let flat = energy < FLAT_ENERGY;
        let mut vector = [0i8; DIMS];
        for (slot, &(channel, u, v)) in vector.iter_mut().zip(layout()) {
            let c = match channel {
                0 if flat => 0.0,
                0 => luma[v as usize][u as usize] / energy,
                1 | 2 => freq[channel as usize][v as usize][u as usize] / CHROMA_SCALE * CHROMA_WEIGHT,
                _ => 0.0,
            };
            *slot = (c * 127.0).round().clamp(-127.0, 127.0) as i8;
        }
        Signature {
            phash: if flat { 0 } else { phash(luma) },
            vector,
        }
    }

    /// The descriptor as stored.
    pub fn vector_bytes(&self) -> [u8; DIMS] {
        self.vector.map(|b| b as u8)
    }

    /// A signature from its stored parts.
    pub fn from_parts(phash: u64, vector: &[u8]) -> Result<Signature, SignatureError> {
        let bytes: &[u8; DIMS] = vector
            .try_into()
            .map_err(|_| SignatureError::Length(vector.len()))?;
        Ok(Signature {
            phash,
            vector: bytes.map(|b| b as i8),
        })
    }

    /// Whether the picture has no structure to compare (a blank frame, a solid fill).
    pub fn is_flat(&self) -> bool {
        self.phash == 0
    }

    /// Bits that differ between the perceptual hashes.
    pub fn hamming(&self, other: &Signature) -> u32 {
        (self.phash ^ other.phash).count_ones()
    }

    /// Squared descriptor distance as the pictures stand, and the smaller of that and the
    /// distance to `other` mirrored left to right.
    pub fn distance_sq(&self, other: &Signature) -> (u32, u32) {
        distance_sq(&self.vector, &other.vector)
    }

    /// The descriptor distance (mirror-aware) on the scale of [`to_distance`].
    pub fn distance(&self, other: &Signature) -> f32 {
        to_distance(self.distance_sq(other).1)
    }
}

/// A squared quantised distance on a human scale: 0 is the same picture, about 0.1 a
/// re-encode or resize, 0.3–0.6 a crop or edit, above 1 unrelated.
pub fn to_distance(distance_sq: u32) -> f32 {
    (distance_sq as f32).sqrt() / 127.0
}

/// `(direct, best of direct and mirrored)` squared distances between two descriptors.
#[inline]
pub(crate) fn distance_sq(a: &[i8; DIMS], b: &[i8; DIMS]) -> (u32, u32) {
    let mut even = 0i32;
    for i in 0..ODD_START {
        let d = i32::from(a[i]) - i32::from(b[i]);
        even += d * d;
    }
    let (mut same, mut flipped) = (0i32, 0i32);
    for i in ODD_START..DIMS {
        let (x, y) = (i32::from(a[i]), i32::from(b[i]));
        same += (x - y) * (x - y);
        flipped += (x + y) * (x + y);
    }
    let direct = (even + same) as u32;
    (direct, (even + same.min(flipped)) as u32)
}

/// The 63 AC terms of the 8×8 block against their median.
fn phash(luma: &[[f32; KEEP]; KEEP]) -> u64 {
    let terms: Vec<f32> = luma.iter().flatten().skip(1).copied().collect();
    let mut sorted = terms.clone();
    sorted.sort_by(f32::total_cmp);
    let median = sorted[sorted.len() / 2];
    terms
        .iter()
        .enumerate()
        .fold(0u64, |h, (i, &t)| if t > median { h | (1 << i) } else { h })
}

/// Box-averages the pixels onto the grid as luma and two colour differences.
fn reduce(pixels: &[u8], w: usize, h: usize, channels: usize) -> [[f32; GRID * GRID]; 3] {
    // Cell of each column and row; tiny pictures repeat pixels into several cells.
    let cell = |i: usize, n: usize| (i * GRID / n).min(GRID - 1);
    let mut sums = [[0f32; GRID * GRID]; 3];
    let mut counts = [0u32; GRID * GRID];
    let spread = |n: usize, i: usize| -> std::ops::Range<usize> {
        if n >= GRID {
            let c = cell(i, n);
            c..c + 1
        } else {
            // Cells whose centre falls in this pixel.
            (i * GRID).div_ceil(n)..((i + 1) * GRID).div_ceil(n).min(GRID)
        }
    };
    for y in 0..h {
        let rows = spread(h, y);
        for x in 0..w {
            let p = &pixels[(y * w + x) * channels..(y * w + x + 1) * channels];
            let (mut r, mut g, mut b) = (f32::from(p[0]), f32::from(p[1]), f32::from(p[2]));
            if channels == 4 {
                let a = f32::from(p[3]) / 255.0;
                r = r * a + 128.0 * (1.0 - a);
                g = g * a + 128.0 * (1.0 - a);
                b = b * a + 128.0 * (1.0 - a);
            }
            let luma = 0.299 * r + 0.587 * g + 0.114 * b;
            for cy in rows.clone() {
                for cx in spread(w, x) {
                    let i = cy * GRID + cx;
                    sums[0][i] += luma;
                    sums[1][i] += b - luma;
                    sums[2][i] += r - luma;
                    counts[i] += 1;
                }
            }
        }
    }
    for plane in &mut sums {
        for (v, &n) in plane.iter_mut().zip(&counts) {
            *v /= n.max(1) as f32;
        }
    }
    sums
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A smooth scene with some structure: a gradient, a disc and a bar.
    fn scene(w: usize, h: usize, seed: f32) -> Vec<u8> {
        let mut p = Vec::with_capacity(w * h * 3);
        for y in 0..h {
            for x in 0..w {
                let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
                let disc = ((fx - 0.3 - seed * 0.1).powi(2) + (fy - 0.4).powi(2)).sqrt() < 0.2;
                let bar = (0.6..0.7).contains(&fx);
                let base = 60.0 + 120.0 * fy;
                let r = if disc { 220.0 } else { base };
                let g = if bar { 30.0 } else { base * 0.8 };
                let b = 90.0 + 80.0 * fx;
                p.extend([r as u8, g as u8, b as u8]);
            }
        }
        p
    }

    fn sig(p: &[u8], w: usize, h: usize) -> Signature {
        Signature::from_pixels(p, w as u32, h as u32, 3).unwrap()
    }

    fn mirror(p: &[u8], w: usize, h: usize) -> Vec<u8> {
        let mut out = p.to_vec();
        for y in 0..h {
            for x in 0..w {
                let (s, d) = ((y * w + x) * 3, (y * w + (w - 1 - x)) * 3);
                out[d..d + 3].copy_from_slice(&p[s..s + 3]);
            }
        }
        out
    }

    #[test]
    fn the_layout_fills_every_slot_once() {
        assert_eq!(layout().len(), DIMS);
        assert!(layout()[..ODD_START].iter().all(|t| t.1 % 2 == 0));
        assert!(layout()[ODD_START..].iter().all(|t| t.1 % 2 == 1));
    }

    #[test]
    fn resizing_barely_changes_a_signature() {
        let a = sig(&scene(400, 300, 0.0), 400, 300);
        let b = sig(&scene(133, 100, 0.0), 133, 100);
        assert!(a.hamming(&b) <= 4, "hamming {}", a.hamming(&b));
        assert!(a.distance(&b) < 0.1, "distance {}", a.distance(&b));
    }

    #[test]
    fn brightness_offsets_do_not_move_the_structure() {
        let p = scene(200, 150, 0.0);
        let brighter: Vec<u8> = p.iter().map(|&v| v.saturating_add(20)).collect();
        let (a, b) = (sig(&p, 200, 150), sig(&brighter, 200, 150));
        assert!(a.distance(&b) < 0.15, "distance {}", a.distance(&b));
    }

    #[test]
    fn a_mirrored_picture_is_close_only_through_the_mirror() {
        let p = scene(200, 150, 0.0);
        let (a, m) = (sig(&p, 200, 150), sig(&mirror(&p, 200, 150), 200, 150));
        let (direct, best) = a.distance_sq(&m);
        assert!(to_distance(best) < 0.05, "mirror-aware {}", to_distance(best));
        assert!(to_distance(direct) > 0.3, "direct {}", to_distance(direct));
    }

    #[test]
    fn different_scenes_are_far_apart() {
        let a = sig(&scene(200, 150, 0.0), 200, 150);
        let noise: Vec<u8> = (0..200 * 150 * 3)
            .map(|i| ((i * 2_654_435_761usize) >> 13) as u8)
            .collect();
        let b = sig(&noise, 200, 150);
        assert!(a.distance(&b) > 0.5, "distance {}", a.distance(&b));
        assert!(a.hamming(&b) > 12, "hamming {}", a.hamming(&b));
    }

    #[test]
    fn a_flat_picture_has_no_hash_and_alpha_is_composited() {
        let grey = vec![128u8; 64 * 64 * 4]
            .chunks(4)
            .flat_map(|_| [200, 10, 10, 0])
            .collect::<Vec<u8>>();
        let s = Signature::from_pixels(&grey, 64, 64, 4).unwrap();
        assert!(s.is_flat());
        assert!(s.vector.iter().all(|&v| v == 0), "transparent red is mid grey");
    }

    #[test]
    fn tiny_pictures_and_bad_input() {
        let s = sig(&scene(5, 3, 0.0), 5, 3);
        assert_eq!(s.vector.len(), DIMS);
        let e = Signature::from_pixels(&[0; 10], 2, 2, 3).unwrap_err();
        assert!(e.to_string().contains("2×2"), "{e}");
        let e = Signature::from_parts(1, &[0; 5]).unwrap_err();
        assert_eq!(e, SignatureError::Length(5));
        let round = Signature::from_parts(s.phash, &s.vector_bytes()).unwrap();
        assert_eq!(round, s);
    }
}

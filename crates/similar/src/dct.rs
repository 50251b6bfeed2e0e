//! The low frequencies of an orthonormal 2-D DCT-II over a small square grid — all a signature
//! needs, computed separably (rows, then columns) for only the frequencies kept.

use std::sync::OnceLock;

/// Side of the grid the picture is reduced to before the transform.
pub(crate) const GRID: usize = 32;
/// Frequencies kept per axis.
pub(crate) const KEEP: usize = 8;

/// `COS[k][x]`: the orthonormal DCT-II basis, scale included.
fn basis() -> &'static [[f32; GRID]; KEEP] {
    static TABLE: OnceLock<[[f32; GRID]; KEEP]> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = [[0f32; GRID]; KEEP];
        let n = GRID as f64;
        for (k, row) in t.iter_mut().enumerate() {
            let scale = if k == 0 {
                (1.0 / n).sqrt()
            } else {
                (2.0 / n).sqrt()
            };
            for (x, c) in row.iter_mut().enumerate() {
                *c = (scale * (std::f64::consts::PI * (2.0 * x as f64 + 1.0) * k as f64 / (2.0 * n)).cos())
                    as f32;
            }
        }
        t
    })
}

/// The `KEEP`×`KEEP` lowest frequencies of `grid` (row-major, `GRID`×`GRID`), indexed
/// `[v][u]`: `u` horizontal, `v` vertical.
pub(crate) fn low_frequencies(grid: &[f32; GRID * GRID]) -> [[f32; KEEP]; KEEP] {
    let cos = basis();
    // Rows first: rows[y][u] = Σx grid[y][x]·cos[u][x].
    let mut rows = [[0f32; KEEP]; GRID];
    for (y, out) in rows.iter_mut().enumerate() {
        let line = &grid[y * GRID..(y + 1) * GRID];
        for (u, o) in out.iter_mut().enumerate() {
            *o = line.iter().zip(cos[u].iter()).map(|(a, b)| a * b).sum();
        }
    }
    let mut out = [[0f32; KEEP]; KEEP];
    for (v, line) in out.iter_mut().enumerate() {
        for (u, o) in line.iter_mut().enumerate() {
            *o = (0..GRID).map(|y| rows[y][u] * cos[v][y]).sum();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_grid_has_only_a_dc_term() {
        let f = low_frequencies(&[10.0; GRID * GRID]);
        // Orthonormal: DC = N × mean.
        assert!((f[0][0] - 320.0).abs() < 1e-2, "{}", f[0][0]);
        for (v, line) in f.iter().enumerate() {
            for (u, c) in line.iter().enumerate() {
                if (u, v) != (0, 0) {
                    assert!(c.abs() < 1e-3, "({u},{v}) = {c}");
                }
            }
        }
    }

    #[test]
    fn mirroring_flips_the_sign_of_odd_horizontal_frequencies() {
        let mut g = [0f32; GRID * GRID];
        for (i, p) in g.iter_mut().enumerate() {
            *p = ((i * 7919) % 255) as f32;
        }
        let mut m = [0f32; GRID * GRID];
        for y in 0..GRID {
            for x in 0..GRID {
                m[y * GRID + x] = g[y * GRID + (GRID - 1 - x)];
            }
        }
        let (a, b) = (low_frequencies(&g), low_frequencies(&m));
        for v in 0..KEEP {
            for u in 0..KEEP {
                let sign = if u % 2 == 1 { -1.0 } else { 1.0 };
                assert!((a[v][u] - sign * b[v][u]).abs() < 0.05, "({u},{v})");
            }
        }
    }
}

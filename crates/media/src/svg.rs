//! SVG: parsed by usvg and rasterised by resvg to fit the rendition's longest side, on a
//! transparent background (a transparent drawing keeps its transparency in a PNG rendition; an
//! opaque one becomes a JPEG like any photo).
//!
//! The dimensions are the declared ones — `width`/`height`, else the `viewBox` — rounded up.
//! Only embedded (data: URL) images are drawn: an SVG never makes Atelier read other files.
//! Text uses the system's fonts, loaded once per process.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, ImageHrefResolver, Options, Tree, fontdb};

use crate::MediaError;
use crate::pixels::{Pixels, fit};

/// The largest side an SVG may declare: anything beyond is a mistake or an attack.
const MAX_SIDE: f32 = 1_000_000.0;
/// The most extreme aspect ratio accepted (a thumbnail of a 1×100 000 strip is a line).
const MAX_ASPECT: f32 = 10_000.0;

fn fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            Arc::new(db)
        })
        .clone()
}

fn parse(bytes: &[u8]) -> Result<Tree, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    let options = Options {
        fontdb: fonts(),
        image_href_resolver: ImageHrefResolver {
            resolve_data: ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|_, _| None),
        },
        ..Options::default()
    };
    Tree::from_data(bytes, &options).map_err(|e| {
        let reason = match e {
            usvg::Error::ElementsLimitReached => "it has too many elements".to_string(),
            usvg::Error::InvalidSize => "it declares no usable size (width, height or viewBox)".to_string(),
            usvg::Error::NotAnUtf8Str => "it is not UTF-8 text".to_string(),
            other => other.to_string(),
        };
        MediaError::Corrupt {
            format: "SVG",
            reason,
        }
    })
}

fn checked_size(tree: &Tree) -> Result<(f32, f32), MediaError> {
    let size = tree.size();
    let (w, h) = (size.width(), size.height());
    if !(w.is_finite() && h.is_finite()) || w <= 0.0 || h <= 0.0 {
        return Err(MediaError::Corrupt {
            format: "SVG",
            reason: "it declares no usable size".into(),
        });
    }
    if w > MAX_SIDE || h > MAX_SIDE || w / h > MAX_ASPECT || h / w > MAX_ASPECT {
        return Err(MediaError::Unreadable {
            format: "SVG",
            reason: format!("it declares an absurd size ({w}×{h})"),
        });
    }
    Ok((w, h))
}

/// The declared size, rounded up to whole pixels.
pub(crate) fn dimensions(bytes: &[u8]) -> Result<(u32, u32), MediaError> {
    let (w, h) = checked_size(&parse(bytes)?)?;
    Ok((w.ceil() as u32, h.ceil() as u32))
}

/// Rasterises the drawing to fit `max_side` (never above its declared size).
pub(crate) fn rasterise(bytes: &[u8], max_side: u32) -> Result<Pixels, MediaError> {
    let tree = parse(bytes)?;
    let (w, h) = checked_size(&tree)?;
    let (tw, th) = fit(w.ceil() as u32, h.ceil() as u32, max_side);
    let mut pixmap = Pixmap::new(tw.max(1), th.max(1)).ok_or_else(|| MediaError::Corrupt {
        format: "SVG",
        reason: "cannot allocate its raster".into(),
    })?;
    let transform = Transform::from_scale(tw as f32 / w, th as f32 / h);
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    let (pw, ph) = (pixmap.width(), pixmap.height());
    let mut opaque = true;
    let mut rgba = Vec::with_capacity(pw as usize * ph as usize * 4);
    for p in pixmap.pixels() {
        let c = p.demultiply();
        opaque &= c.alpha() == 255;
        rgba.extend([c.red(), c.green(), c.blue(), c.alpha()]);
    }
    let img = image::RgbaImage::from_raw(pw, ph, rgba).ok_or_else(|| MediaError::Corrupt {
        format: "SVG",
        reason: "raster size mismatch".into(),
    })?;
    Ok(if opaque {
        Pixels::Rgb(image::DynamicImage::ImageRgba8(img).into_rgb8())
    } else {
        Pixels::Rgba(img)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CIRCLE: &[u8] = br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100">
        <circle cx="50" cy="50" r="40" fill="red"/></svg>"#;

    #[test]
    fn size_comes_from_the_viewbox_or_width_and_height() {
        assert_eq!(dimensions(CIRCLE).unwrap(), (200, 100));
        let sized =
            br#"<svg xmlns="http://www.w3.org/2000/svg" width="64.5" height="32" viewBox="0 0 10 10"/>"#;
        assert_eq!(dimensions(sized).unwrap(), (65, 32));
    }

    #[test]
    fn transparent_drawings_stay_transparent_and_fit_the_side() {
        let Pixels::Rgba(img) = rasterise(CIRCLE, 100).unwrap() else {
            panic!("expected transparency")
        };
        assert_eq!(img.dimensions(), (100, 50));
        assert_eq!(img.get_pixel(25, 25).0, [255, 0, 0, 255]);
        assert_eq!(img.get_pixel(99, 0).0[3], 0);
        let opaque = br#"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800">
            <rect width="800" height="800" fill="blue"/></svg>"#;
        assert!(matches!(rasterise(opaque, 400).unwrap(), Pixels::Rgb(i) if i.dimensions() == (400, 400)));
    }

    #[test]
    fn absurd_or_broken_svgs_are_refused_with_reasons() {
        let huge = br#"<svg xmlns="http://www.w3.org/2000/svg" width="1e9" height="10"/>"#;
        let err = rasterise(huge, 400).unwrap_err();
        assert!(err.to_string().contains("absurd size"), "{err}");
        let err = rasterise(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><g>", 400).unwrap_err();
        assert!(err.to_string().starts_with("corrupt or truncated SVG"), "{err}");
    }

    #[test]
    fn external_files_are_never_read() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
            width="10" height="10"><image href="/etc/passwd" width="10" height="10"/></svg>"#;
        let Pixels::Rgba(img) = rasterise(svg, 10).unwrap() else {
            panic!("nothing drawn: transparent")
        };
        assert!(img.pixels().all(|p| p.0[3] == 0));
    }
}

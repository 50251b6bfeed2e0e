/**
 * Lightbox zoom and pan (SPEC R4.1), pure: the image's scale and position on the stage, fit,
 * 100 % at a point, wheel zoom around the pointer, and clamping so the image never drifts off.
 */

export interface View {
  /** Scale: displayed pixels per image pixel. */
  s: number;
  /** Image top-left on the stage. */
  x: number;
  y: number;
}

export interface Size {
  w: number;
  h: number;
}

export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 8;

/** The scale that fits the image in the stage, never enlarging small images. */
export function fitScale(stage: Size, img: Size): number {
  if (img.w <= 0 || img.h <= 0 || stage.w <= 0 || stage.h <= 0) return 1;
  return Math.min(1, stage.w / img.w, stage.h / img.h);
}

/** Centred at fit. */
export function fit(stage: Size, img: Size): View {
  const s = fitScale(stage, img);
  return { s, x: (stage.w - img.w * s) / 2, y: (stage.h - img.h * s) / 2 };
}

/** Keeps the image covering the stage when larger, centred when smaller. */
export function clamp(v: View, stage: Size, img: Size): View {
  const w = img.w * v.s;
  const h = img.h * v.s;
  const x = w <= stage.w ? (stage.w - w) / 2 : Math.min(0, Math.max(stage.w - w, v.x));
  const y = h <= stage.h ? (stage.h - h) / 2 : Math.min(0, Math.max(stage.h - h, v.y));
  return { s: v.s, x, y };
}

/** Zooms to scale `s` keeping the stage point (px, py) over the same image point. */
export function zoomAt(v: View, s: number, px: number, py: number, stage: Size, img: Size): View {
  const ns = Math.min(MAX_ZOOM, Math.max(Math.min(MIN_ZOOM, fitScale(stage, img)), s));
  const k = ns / v.s;
  return clamp({ s: ns, x: px - (px - v.x) * k, y: py - (py - v.y) * k }, stage, img);
}

/** Whether the view is at fit (within rounding). */
export function isFit(v: View, stage: Size, img: Size): boolean {
  return Math.abs(v.s - fitScale(stage, img)) < 1e-3;
}

/** Click: fit ↔ 100 % at the clicked point. */
export function toggleAt(v: View, px: number, py: number, stage: Size, img: Size): View {
  if (isFit(v, stage, img) && fitScale(stage, img) < 1) return zoomAt(v, 1, px, py, stage, img);
  return fit(stage, img);
}

/** The wheel's zoom factor for a deltaY (smooth for trackpads, steady for wheels). */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const d = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-d * 0.0015);
}

/** The full-resolution size, oriented like the preview the browser shows. */
export function orientedSize(w: number, h: number, natural: Size | null): Size {
  if (!natural || natural.w <= 0 || natural.h <= 0 || w <= 0 || h <= 0) return { w, h };
  const long = Math.max(w, h);
  const short = Math.min(w, h);
  return natural.w >= natural.h ? { w: long, h: short } : { w: short, h: long };
}

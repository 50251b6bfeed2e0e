/**
 * The grid's geometry, pure so that it is tested: fixed-size rows (a million results scroll
 * without measuring anything) and the range of rows to keep in the DOM.
 */

export const GAP = 10;
/** Cards this wide or narrower show *Similar* as its icon and hide their badges under it. */
export const NARROW_CARD = 200;
export const PAD = 16;
/** The card's footer under the thumbnail (creator, rating). */
export const FOOT = 28;

export interface Layout {
  cols: number;
  cardW: number;
  /** Card height. */
  cardH: number;
  /** Row pitch: card height plus the gap. */
  rowH: number;
}

/** Columns fit the width with cards at least `size` wide (and stretched to fill). */
export function layout(width: number, size: number): Layout {
  const inner = Math.max(0, width - 2 * PAD);
  const cols = Math.max(1, Math.floor((inner + GAP) / (size + GAP)));
  const cardW = cols > 0 ? (inner - (cols - 1) * GAP) / cols : inner;
  const cardH = Math.round(cardW * 0.8) + FOOT;
  return { cols, cardW, cardH, rowH: cardH + GAP };
}

/** Rows [first, last) to render for a scroll position, with `overscan` rows either side. */
export function visibleRows(
  scrollTop: number,
  viewport: number,
  rowH: number,
  rows: number,
  overscan = 2,
): [number, number] {
  if (rows <= 0 || rowH <= 0) return [0, 0];
  const top = Math.max(0, scrollTop - PAD);
  const first = Math.max(0, Math.floor(top / rowH) - overscan);
  const last = Math.min(rows, Math.ceil((top + viewport) / rowH) + overscan);
  return [first, Math.max(first, last)];
}

/** The total scroll height for `rows` rows. */
export function contentHeight(rows: number, rowH: number): number {
  return rows > 0 ? 2 * PAD + rows * rowH - GAP : 0;
}

/** The scrollTop that brings row `row` into view (or the current one when it is visible). */
export function scrollToRow(scrollTop: number, viewport: number, row: number, rowH: number): number {
  const top = PAD + row * rowH;
  const bottom = top + rowH - GAP;
  if (top < scrollTop + 4) return Math.max(0, top - PAD);
  if (bottom > scrollTop + viewport - 4) return bottom - viewport + PAD;
  return scrollTop;
}

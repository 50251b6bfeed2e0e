import { describe, expect, it } from 'vitest';
import { contentHeight, GAP, layout, PAD, scrollToRow, visibleRows } from './layout';

describe('grid layout', () => {
  it('fits as many columns as the minimum card size allows and fills the width', () => {
    const g = layout(1200, 220);
    expect(g.cols).toBe(5);
    expect(g.cols * g.cardW + (g.cols - 1) * GAP).toBeCloseTo(1200 - 2 * PAD);
    expect(g.rowH).toBe(g.cardH + GAP);
    expect(layout(100, 220).cols).toBe(1);
  });
  it('renders only the rows in view, plus overscan', () => {
    expect(visibleRows(0, 900, 200, 1_000_000, 2)).toEqual([0, 7]);
    const [a, b] = visibleRows(200 * 5000, 900, 200, 1_000_000, 2);
    expect(a).toBe(4997);
    expect(b - a).toBeLessThan(12);
    expect(visibleRows(0, 900, 200, 3, 2)).toEqual([0, 3]);
    expect(visibleRows(0, 900, 200, 0)).toEqual([0, 0]);
  });
  it('a million results still have a finite height', () => {
    expect(contentHeight(200_000, 250)).toBe(2 * PAD + 200_000 * 250 - GAP);
    expect(contentHeight(0, 250)).toBe(0);
  });
  it('scrolls just enough to reveal a row', () => {
    expect(scrollToRow(0, 900, 1, 250)).toBe(0);
    const down = scrollToRow(0, 900, 10, 250);
    expect(down).toBeGreaterThan(0);
    expect(PAD + 10 * 250 + 250 - GAP).toBeLessThanOrEqual(down + 900);
    expect(scrollToRow(5000, 900, 2, 250)).toBe(PAD + 2 * 250 - PAD);
  });
});

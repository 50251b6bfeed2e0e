import { describe, expect, it } from 'vitest';
import { clampIndex, nextUndecided, oldestFirst } from './queue';

describe('review queue', () => {
  it('oldest first', () => {
    const q = oldestFirst([{ added_at: '2026-03-01T00:00:00Z' }, { added_at: '2026-01-01T00:00:00Z' }, { added_at: '2026-02-01T00:00:00Z' }]);
    expect(q.map((x) => x.added_at.slice(5, 7))).toEqual(['01', '02', '03']);
  });
  it('jumps to the next undecided, wrapping around', () => {
    const decided = new Set([1, 2]);
    expect(nextUndecided(5, 0, (i) => decided.has(i))).toBe(3);
    expect(nextUndecided(5, 4, (i) => decided.has(i))).toBe(0);
    expect(nextUndecided(3, 0, () => true)).toBe(null);
  });
  it('clamps', () => {
    expect(clampIndex(-1, 5)).toBe(0);
    expect(clampIndex(9, 5)).toBe(4);
  });
});

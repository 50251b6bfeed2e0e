import { describe, expect, it } from 'vitest';
import { SelectionModel, type Picked } from './selection';

const items: Picked[] = Array.from({ length: 10 }, (_, i) => ({ id: `a${i}`, name: `n${i}`, status: 'draft', brand: 'Acme' }));

describe('SelectionModel', () => {
  it('toggles and counts', () => {
    const s = new SelectionModel();
    expect(s.empty).toBe(true);
    s.toggle(2, items[2]!);
    s.toggle(4, items[4]!);
    expect(s.ids()).toEqual(['a2', 'a4']);
    s.toggle(2, items[2]!);
    expect(s.ids()).toEqual(['a4']);
    expect(s.size(100)).toBe(1);
  });
  it('Shift ranges from the anchor either way, keeping earlier picks', () => {
    const s = new SelectionModel();
    s.toggle(8, items[8]!);
    s.toggle(2, items[2]!);
    s.range(5, items);
    expect(s.ids().sort()).toEqual(['a2', 'a3', 'a4', 'a5', 'a8']);
    s.range(0, items);
    expect(s.has('a0') && s.has('a1')).toBe(true);
  });
  it('a range without an anchor is a toggle', () => {
    const s = new SelectionModel();
    s.range(3, items);
    expect(s.ids()).toEqual(['a3']);
  });
  it('select all is a mode, not a list', () => {
    const s = new SelectionModel();
    s.selectAll();
    expect(s.all).toBe(true);
    expect(s.has('anything')).toBe(true);
    expect(s.size(1_000_000)).toBe(1_000_000);
    expect(s.needsAllLoaded(200, 1_000_000)).toBe(true);
  });
  it('toggling one out of "all" keeps the others', () => {
    const s = new SelectionModel();
    s.selectAll();
    s.toggle(3, items[3]!, items);
    expect(s.all).toBe(false);
    expect(s.size(10)).toBe(9);
    expect(s.has('a3')).toBe(false);
  });
  it('clear, forget and refresh', () => {
    const s = new SelectionModel();
    s.toggle(1, items[1]!);
    s.toggle(2, items[2]!);
    s.refresh([{ ...items[1]!, status: 'approved' }]);
    expect(s.picked.get('a1')?.status).toBe('approved');
    s.forget(['a1']);
    expect(s.ids()).toEqual(['a2']);
    s.clear();
    expect(s.empty).toBe(true);
    expect(s.anchor).toBe(null);
  });
});

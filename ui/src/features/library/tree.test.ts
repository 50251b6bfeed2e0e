import { describe, expect, it } from 'vitest';
import type { CollectionInfo } from '../../lib/api/client';
import { ancestors, descendants, hasChildren, join, moveTargets, parentOf, renamed, visibleTree } from './tree';

const c = (path: string): CollectionInfo => ({
  id: path,
  path,
  name: path.split('/').pop()!,
  depth: path.split('/').length - 1,
  count: 0,
  nested_count: 0,
  cover: null,
  cover_chosen: false,
});
const list = ['Shoots', 'Shoots/2026', 'Shoots/2026/June', 'Shoots/2026/May', 'Refs'].map(c);

describe('collections tree', () => {
  it('paths', () => {
    expect(parentOf('Shoots/2026/June')).toBe('Shoots/2026');
    expect(parentOf('Shoots')).toBe(null);
    expect(ancestors('Shoots/2026/June')).toEqual(['Shoots/2026', 'Shoots']);
    expect(join(null, 'A')).toBe('A');
    expect(join('A/B', 'C')).toBe('A/B/C');
    expect(renamed('Shoots/2026', '2027')).toBe('Shoots/2027');
  });
  it('children and descendants', () => {
    expect(hasChildren(list, 'Shoots/2026')).toBe(true);
    expect(hasChildren(list, 'Refs')).toBe(false);
    expect(hasChildren(list, 'Shoot')).toBe(false);
    expect(descendants(list, 'Shoots')).toBe(3);
  });
  it('collapsed branches hide their descendants', () => {
    const v = visibleTree(list, new Set(['Shoots/2026']), '');
    expect(v.map((x) => x.path)).toEqual(['Shoots', 'Shoots/2026', 'Refs']);
  });
  it('search keeps matches and their ancestors, even when collapsed', () => {
    const v = visibleTree(list, new Set(['Shoots']), 'jun');
    expect(v.map((x) => x.path)).toEqual(['Shoots', 'Shoots/2026', 'Shoots/2026/June']);
  });
  it('move targets: the top, never itself, below itself or its current parent', () => {
    expect(moveTargets(list, 'Shoots/2026')).toEqual([null, 'Refs']);
    expect(moveTargets(list, 'Refs')).toEqual(['Shoots', 'Shoots/2026', 'Shoots/2026/June', 'Shoots/2026/May']);
  });
});

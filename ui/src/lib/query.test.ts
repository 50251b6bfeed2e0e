import { describe, expect, it } from 'vitest';
import { anyFilter, buildQuery, chips, defaultView, emptyFilters, moreCount, queryKey, railTitle, toggle } from './query';

describe('buildQuery', () => {
  it('defaults: everything, newest first, in the brand scope', () => {
    const q = buildQuery(defaultView(), 'Acme');
    expect(q).toMatchObject({ text: null, bucket: 'all', brand: 'Acme', collection: null, nested: false, sort: null, limit: 200, cursor: null });
  });
  it('a collection with Include nested', () => {
    const v = { ...defaultView(), rail: { collection: 'Shoots/2026' }, nested: true };
    const q = buildQuery(v, null);
    expect(q.collection).toBe('Shoots/2026');
    expect(q.nested).toBe(true);
    expect(q.bucket).toBe('all');
  });
  it('Include nested means nothing without a collection', () => {
    expect(buildQuery({ ...defaultView(), nested: true }, null).nested).toBe(false);
  });
  it('filters combine and text is trimmed', () => {
    const v = defaultView();
    v.filters = { ...emptyFilters(), text: '  hero ', tags: ['a', 'b'], tagMode: 'all', ratings: [5], statuses: ['in_review'], campaign: 'Launch' };
    v.rail = { bucket: 'unfiled' };
    const q = buildQuery(v, null, 50);
    expect(q).toMatchObject({ text: 'hero', tags: ['a', 'b'], tag_mode: 'all', ratings: [5], statuses: ['in_review'], campaign: 'Launch', bucket: 'unfiled', limit: 50 });
  });
  it('the key ignores paging', () => {
    const q = buildQuery(defaultView(), null);
    expect(queryKey({ ...q, limit: 5, cursor: 'x' })).toBe(queryKey(q));
  });
});

describe('filter state', () => {
  it('More counts its active values', () => {
    expect(moreCount({ ...emptyFilters(), sources: ['generated'], ratings: [4, 5], flags: ['pick'] })).toBe(4);
  });
  it('anyFilter ignores the brand and the rail', () => {
    expect(anyFilter(emptyFilters())).toBe(false);
    expect(anyFilter({ ...emptyFilters(), text: '   ' })).toBe(false);
    expect(anyFilter({ ...emptyFilters(), campaign: 'X' })).toBe(true);
  });
  it('toggle adds and removes', () => {
    expect(toggle([1, 2], 3)).toEqual([1, 2, 3]);
    expect(toggle([1, 2], 1)).toEqual([2]);
  });
  it('chips describe and remove each filter', () => {
    const f = { ...emptyFilters(), text: 'hero', tags: ['a', 'b'], tagMode: 'all' as const, ratings: [5, 0] };
    const c = chips(f);
    expect(c.map((x) => x.label)).toEqual(['“hero”', 'Tags: a and b', 'Rating: Unrated or ★★★★★']);
    expect(c[1]!.remove(f).tags).toEqual([]);
  });
  it('rail titles', () => {
    expect(railTitle({ bucket: 'recent' })).toBe('Recently added');
    expect(railTitle({ collection: 'Shoots/2026/June' })).toBe('June');
  });
});

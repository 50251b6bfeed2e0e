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

describe('the view in the address bar', () => {
  it('round-trips every filter, the rail and the sort', async () => {
    const { viewToSearch, viewFromSearch } = await import('./query');
    const v = defaultView();
    v.rail = { collection: 'Shoots/June' };
    v.nested = true;
    v.sort = 'name';
    v.ascending = true;
    v.kind = 'video';
    v.filters = {
      ...emptyFilters(),
      text: 'hero shot',
      tags: ['a/b', 'c'],
      tagMode: 'all',
      ratings: [0, 5],
      flags: ['pick'],
      minRating: 3,
      labels: ['red', 'none'],
      cameras: ['Canon EOS 5D'],
      lenses: ['EF 50mm f/1.8'],
      fileTypes: ['cr2'],
      shapes: ['portrait'],
      gps: false,
      presences: ['missing', 'offline'],
      capturedFrom: '2026-06-01',
      capturedTo: '2026-06-30',
      addedFrom: '2026-12-01',
      campaign: 'Launch & more',
    };
    const search = viewToSearch(v);
    expect(viewFromSearch(search)).toEqual(v);
    expect(viewToSearch(defaultView())).toBe('');
  });
  it('ignores what it cannot read', async () => {
    const { viewFromSearch } = await import('./query');
    const v = viewFromSearch('?sort=biggest&min_rating=9&captured_from=June&gps=maybe&rating=7&bucket=nope');
    expect(v).toEqual(defaultView());
  });
  it('builds the query the server takes', () => {
    const v = defaultView();
    v.filters = { ...emptyFilters(), minRating: 4, capturedFrom: '2026-01-01', gps: true };
    v.sort = 'size';
    v.ascending = true;
    const q = buildQuery(v, null);
    expect(q).toMatchObject({ min_rating: 4, gps: true, sort: 'size', ascending: true, captured: { from: '2026-01-01', to: null, offset_minutes: 0 } });
    expect(chips(v.filters).map((c) => c.label)).toEqual(['★★★★ and up', 'With location', 'Captured from 2026-01-01']);
  });
});

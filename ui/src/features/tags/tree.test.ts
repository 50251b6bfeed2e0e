import { describe, expect, it } from 'vitest';
import { dropChoices, tagTree, visibleTags } from './tree';

const t = (name: string, count = 1) => ({ name, count });

describe('the tag tree', () => {
  const rows = tagTree([t('client/acme/summer', 3), t('client/acme', 2), t('Beach'), t('client/zed/2'), t('client/zed/10')]);
  it('lists paths parents first, siblings by name, numbers in order', () => {
    expect(rows.map((r) => r.path)).toEqual(['Beach', 'client', 'client/acme', 'client/acme/summer', 'client/zed', 'client/zed/2', 'client/zed/10']);
    const client = rows.find((r) => r.path === 'client')!;
    expect(client.tag).toBe(null);
    expect(client.hasChildren).toBe(true);
    expect(rows.find((r) => r.path === 'client/acme')!.tag?.count).toBe(2);
    expect(rows.find((r) => r.path === 'client/acme/summer')!.depth).toBe(2);
  });
  it('hides collapsed branches; a search keeps the parents of matches', () => {
    expect(visibleTags(rows, new Set(['client']), '').map((r) => r.path)).toEqual(['Beach', 'client']);
    expect(visibleTags(rows, new Set(['client']), 'summ').map((r) => r.path)).toEqual(['client', 'client/acme', 'client/acme/summer']);
  });
  it('a drop merges into a tag or moves under it, never under itself', () => {
    const acme = rows.find((r) => r.path === 'client/acme')!;
    const client = rows.find((r) => r.path === 'client')!;
    expect(dropChoices('Beach', acme)).toEqual({ merge: 'client/acme', moveTo: 'client/acme/Beach' });
    expect(dropChoices('Beach', client)).toEqual({ merge: null, moveTo: 'client/Beach' });
    expect(dropChoices('client/acme', rows.find((r) => r.path === 'client/acme/summer')!)).toEqual({ merge: null, moveTo: null });
    expect(dropChoices('client/acme/summer', null)).toEqual({ merge: null, moveTo: 'summer' });
    expect(dropChoices('Beach', null)).toEqual({ merge: null, moveTo: null });
  });
});

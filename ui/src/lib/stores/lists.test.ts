import { describe, expect, it } from 'vitest';
import type { Change } from '../api/client';
import type { ChangeAction } from '../api/types/ChangeAction';
import type { Entity } from '../api/types/Entity';
import { listsToReload } from './lists';

const change = (entity: Entity, action: ChangeAction): Change =>
  ({ seq: 1, at: 0, actor: null, actor_name: null, entity, entity_id: null, action, before: null, after: null, assets: [] }) as unknown as Change;

describe('listsToReload', () => {
  it('culling an asset reloads nothing', () => {
    for (const action of ['rating', 'flag', 'label', 'status', 'rename', 'collection_add', 'campaign_add'] as ChangeAction[]) {
      expect(listsToReload([change('asset', action)])).toEqual({ brands: false, projects: false, tags: false });
    }
  });
  it('tagging reloads the tags only', () => {
    expect(listsToReload([change('asset', 'tag_add')])).toEqual({ brands: false, projects: false, tags: true });
  });
  it('what changes the cards reloads all three', () => {
    for (const action of ['import', 'trash', 'restore', 'delete', 'brand', 'project', 'stack', 'unstack', 'synced'] as ChangeAction[]) {
      expect(listsToReload([change('asset', action)])).toEqual({ brands: true, projects: true, tags: true });
    }
  });
  it("a list's own kind reloads it", () => {
    expect(listsToReload([change('brand', 'rename'), change('project', 'create')])).toEqual({ brands: true, projects: true, tags: false });
    expect(listsToReload([change('tag', 'merge')])).toEqual({ brands: false, projects: false, tags: true });
  });
});

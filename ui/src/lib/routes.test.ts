import { describe, expect, it } from 'vitest';
import { parseRoute, pathOf, sectionOf, type Route } from './routes';

describe('routes', () => {
  const cases: [string, Route][] = [
    ['/', { name: 'library' }],
    ['/projects', { name: 'projects' }],
    ['/projects/Shoot%202026', { name: 'project', project: 'Shoot 2026', tab: 'all' }],
    ['/projects/Inbox/images', { name: 'project', project: 'Inbox', tab: 'image' }],
    ['/projects/Inbox/videos', { name: 'project', project: 'Inbox', tab: 'video' }],
    ['/projects/Inbox/settings', { name: 'projectSettings', project: 'Inbox' }],
    ['/brands', { name: 'brands' }],
    ['/brands/Acme', { name: 'brand', brand: 'Acme', tab: 'kit' }],
    ['/brands/Acme/members', { name: 'brand', brand: 'Acme', tab: 'members' }],
    ['/brands/Acme/campaigns', { name: 'brand', brand: 'Acme', tab: 'campaigns' }],
    ['/brands/Acme/campaigns/Summer%2FLaunch', { name: 'campaign', brand: 'Acme', campaign: 'Summer/Launch' }],
    ['/review', { name: 'review' }],
    ['/review/Acme', { name: 'reviewQueue', brand: 'Acme' }],
    ['/tags', { name: 'tags' }],
    ['/models', { name: 'models' }],
    ['/studio', { name: 'studio' }],
  ];
  it.each(cases)('%s', (path, route) => {
    expect(parseRoute(path)).toEqual(route);
    expect(parseRoute(pathOf(route))).toEqual(route);
  });
  it('unknown paths', () => {
    expect(parseRoute('/nope/x')).toEqual({ name: 'notFound', path: '/nope/x' });
    expect(parseRoute('/projects/a/b/c').name).toBe('notFound');
  });
  it('sections', () => {
    expect(sectionOf({ name: 'campaign', brand: 'A', campaign: 'B' })).toBe('brands');
    expect(sectionOf({ name: 'projectSettings', project: 'A' })).toBe('projects');
    expect(sectionOf({ name: 'notFound', path: '/x' })).toBe(null);
  });
});

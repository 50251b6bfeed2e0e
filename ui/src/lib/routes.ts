/**
 * Client-side routes (the server answers index.html for every page path). Pure: a path becomes a
 * Route and a Route becomes a path, so links and the address bar always agree.
 */

export type Route =
  | { name: 'library' }
  | { name: 'projects' }
  | { name: 'project'; project: string; tab: 'all' | 'image' | 'video' }
  | { name: 'projectSettings'; project: string }
  | { name: 'brands' }
  | { name: 'brand'; brand: string; tab: 'kit' | 'members' | 'campaigns' }
  | { name: 'campaign'; brand: string; campaign: string }
  | { name: 'review' }
  | { name: 'reviewQueue'; brand: string }
  | { name: 'tags' }
  | { name: 'models' }
  | { name: 'duplicates' }
  | { name: 'studio' }
  | { name: 'notFound'; path: string };

function seg(s: string | undefined): string {
  try {
    return decodeURIComponent(s ?? '');
  } catch {
    return s ?? '';
  }
}

/** The route of a URL path. */
export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean);
  const [a, b, c, d] = parts;
  if (parts.length === 0) return { name: 'library' };
  switch (a) {
    case 'projects':
      if (!b) return { name: 'projects' };
      if (c === 'settings' && parts.length === 3) return { name: 'projectSettings', project: seg(b) };
      if (!c) return { name: 'project', project: seg(b), tab: 'all' };
      if ((c === 'images' || c === 'videos') && parts.length === 3) {
        return { name: 'project', project: seg(b), tab: c === 'images' ? 'image' : 'video' };
      }
      break;
    case 'brands':
      if (!b) return { name: 'brands' };
      if (!c) return { name: 'brand', brand: seg(b), tab: 'kit' };
      if ((c === 'members' || c === 'campaigns' || c === 'kit') && parts.length === 3) {
        return { name: 'brand', brand: seg(b), tab: c };
      }
      if (c === 'campaigns' && d && parts.length === 4) return { name: 'campaign', brand: seg(b), campaign: seg(d) };
      break;
    case 'review':
      if (!b) return { name: 'review' };
      if (parts.length === 2) return { name: 'reviewQueue', brand: seg(b) };
      break;
    case 'tags':
      if (parts.length === 1) return { name: 'tags' };
      break;
    case 'models':
      if (parts.length === 1) return { name: 'models' };
      break;
    case 'duplicates':
      if (parts.length === 1) return { name: 'duplicates' };
      break;
    case 'studio':
      if (parts.length === 1) return { name: 'studio' };
      break;
  }
  return { name: 'notFound', path: pathname };
}

const enc = encodeURIComponent;

/** The path of a route. */
export function pathOf(r: Route): string {
  switch (r.name) {
    case 'library':
      return '/';
    case 'projects':
      return '/projects';
    case 'project':
      return `/projects/${enc(r.project)}${r.tab === 'image' ? '/images' : r.tab === 'video' ? '/videos' : ''}`;
    case 'projectSettings':
      return `/projects/${enc(r.project)}/settings`;
    case 'brands':
      return '/brands';
    case 'brand':
      return `/brands/${enc(r.brand)}${r.tab === 'kit' ? '' : `/${r.tab}`}`;
    case 'campaign':
      return `/brands/${enc(r.brand)}/campaigns/${enc(r.campaign)}`;
    case 'review':
      return '/review';
    case 'reviewQueue':
      return `/review/${enc(r.brand)}`;
    case 'tags':
      return '/tags';
    case 'models':
      return '/models';
    case 'duplicates':
      return '/duplicates';
    case 'studio':
      return '/studio';
    case 'notFound':
      return r.path;
  }
}

/** Which top-level section a route belongs to (for the navigation's current item). */
export function sectionOf(
  r: Route,
): 'library' | 'projects' | 'brands' | 'review' | 'tags' | 'models' | 'duplicates' | null {
  switch (r.name) {
    case 'library':
      return 'library';
    case 'projects':
    case 'project':
    case 'projectSettings':
      return 'projects';
    case 'brands':
    case 'brand':
    case 'campaign':
      return 'brands';
    case 'review':
    case 'reviewQueue':
      return 'review';
    case 'tags':
      return 'tags';
    case 'models':
      return 'models';
    case 'duplicates':
      return 'duplicates';
    default:
      return null;
  }
}

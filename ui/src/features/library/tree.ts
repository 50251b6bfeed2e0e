/**
 * The collections tree as the rail shows it: the server sends it flattened parents-first; this
 * hides collapsed branches, filters by a search (keeping the ancestors of matches), and lists the
 * places a collection may move to (never under itself).
 */
import type { CollectionInfo } from '../../lib/api/client';

export function parentOf(path: string): string | null {
  const i = path.lastIndexOf('/');
  return i < 0 ? null : path.slice(0, i);
}

export function ancestors(path: string): string[] {
  const out: string[] = [];
  let p = parentOf(path);
  while (p !== null) {
    out.push(p);
    p = parentOf(p);
  }
  return out;
}

export function hasChildren(list: CollectionInfo[], path: string): boolean {
  const prefix = `${path}/`;
  return list.some((c) => c.path.startsWith(prefix));
}

/** The rows to show: collapsed branches hidden; with a search, matches and their ancestors. */
export function visibleTree(list: CollectionInfo[], collapsed: Set<string>, search: string): CollectionInfo[] {
  const q = search.trim().toLowerCase();
  if (q) {
    const keep = new Set<string>();
    for (const c of list) {
      if (c.name.toLowerCase().includes(q)) {
        keep.add(c.path);
        for (const a of ancestors(c.path)) keep.add(a);
      }
    }
    return list.filter((c) => keep.has(c.path));
  }
  return list.filter((c) => !ancestors(c.path).some((a) => collapsed.has(a)));
}

/** Where `path` may move: the top (null) or any collection that is not itself or below it. */
export function moveTargets(list: CollectionInfo[], path: string): (string | null)[] {
  const current = parentOf(path);
  const out: (string | null)[] = [];
  if (current !== null) out.push(null);
  for (const c of list) {
    if (c.path === path || c.path.startsWith(`${path}/`) || c.path === current) continue;
    out.push(c.path);
  }
  return out;
}

/** How many collections are below `path`. */
export function descendants(list: CollectionInfo[], path: string): number {
  const prefix = `${path}/`;
  return list.filter((c) => c.path.startsWith(prefix)).length;
}

/** Joins a parent and a child name into a path ("Shoots/2026" + "June"). */
export function join(parent: string | null, name: string): string {
  return parent ? `${parent}/${name}` : name;
}

/** The path after renaming the last segment. */
export function renamed(path: string, name: string): string {
  return join(parentOf(path), name);
}

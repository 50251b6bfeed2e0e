/**
 * The Tags page's tree (issue 14, feature 7): tag names are paths (`client/acme/summer`), so the
 * list becomes a tree — each row a path, a tag of its own or only the parent of some — shown
 * parents first, by name; collapsed branches hidden; a search keeps matches and their parents.
 * Pure: the page renders the rows.
 */
import type { TagInfo } from '../../lib/api/client';

export interface TagRow {
  /** The full path ("client/acme"). */
  path: string;
  /** Its last part ("acme"). */
  name: string;
  depth: number;
  /** The tag at this path, when there is one (a parent may be a path only). */
  tag: TagInfo | null;
  /** Whether paths go on below it. */
  hasChildren: boolean;
}

function parts(path: string): string[] {
  return path.split('/').filter((p) => p !== '');
}

/** Every path of the tags and their parents, parents first, siblings by name (case aside). */
export function tagTree(tags: TagInfo[]): TagRow[] {
  const byPath = new Map<string, TagInfo>();
  for (const t of tags) byPath.set(parts(t.name).join('/'), t);
  const paths = new Set<string>();
  for (const p of byPath.keys()) {
    const ps = parts(p);
    for (let i = 1; i <= ps.length; i++) paths.add(ps.slice(0, i).join('/'));
  }
  const sorted = [...paths].sort((a, b) => {
    const pa = parts(a);
    const pb = parts(b);
    for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
      const c = pa[i]!.localeCompare(pb[i]!, undefined, { sensitivity: 'base', numeric: true });
      if (c !== 0) return c;
    }
    return pa.length - pb.length;
  });
  return sorted.map((path) => {
    const ps = parts(path);
    return {
      path,
      name: ps[ps.length - 1]!,
      depth: ps.length - 1,
      tag: byPath.get(path) ?? null,
      hasChildren: sorted.some((p) => p.startsWith(`${path}/`)),
    };
  });
}

/** The rows to show: collapsed branches hidden; with a search, matches and their parents. */
export function visibleTags(rows: TagRow[], collapsed: Set<string>, search: string): TagRow[] {
  const q = search.trim().toLowerCase();
  const above = (path: string) => parts(path).slice(0, -1).map((_, i, all) => all.slice(0, i + 1).join('/'));
  if (q) {
    const keep = new Set<string>();
    for (const r of rows) {
      if (r.path.toLowerCase().includes(q)) {
        keep.add(r.path);
        for (const a of above(r.path)) keep.add(a);
      }
    }
    return rows.filter((r) => keep.has(r.path));
  }
  return rows.filter((r) => !above(r.path).some((a) => collapsed.has(a)));
}

/** What dropping tag `dragged` on the row at `target` can do: merge into it (a tag), move under it. */
export function dropChoices(dragged: string, target: TagRow | null): { merge: string | null; moveTo: string | null } {
  const leaf = parts(dragged).pop() ?? dragged;
  if (target === null) {
    // The top level: the tag keeps its last name only.
    return { merge: null, moveTo: parts(dragged).length > 1 ? leaf : null };
  }
  if (target.path === dragged || target.path.startsWith(`${dragged}/`)) return { merge: null, moveTo: null };
  const moved = `${target.path}/${leaf}`;
  return {
    merge: target.tag ? target.tag.name : null,
    moveTo: moved === dragged ? null : moved,
  };
}

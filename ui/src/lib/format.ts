/**
 * Formatting for people: counts, sizes, dates, labels of statuses and sources, and the one-line
 * summaries of bulk reports ("12 of 14 moved; 2 are approved").
 */
import type { BulkReport, Closeness, Flag, Label, Shape, Source, Status } from './api/client';
import type { Presence } from './api/types/Presence';

const numberFmt = new Intl.NumberFormat('en');

/** 1234567 → "1,234,567". */
export function count(n: number): string {
  return numberFmt.format(n);
}

/** "1 asset", "3 assets". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** What a card says about where an asset's file is, when it isn't simply here. */
export const PRESENCE: Record<Presence, { label: string; title: string }> = {
  ok: { label: 'Here', title: 'The file is in this library' },
  missing: { label: 'Missing', title: 'The file was deleted or moved outside the watched folders' },
  offline: { label: 'Offline', title: 'The drive holding this file is not connected' },
  remote: { label: 'On the studio', title: 'Only on the studio: the original hasn’t been downloaded to this computer' },
};

/**
 * Bytes in powers of 1024 ("20.0 GiB"), the units plan limits are set and refused in (the
 * studio's messages use the same), so a settings page and an error read alike.
 */
export function binaryBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  if (n < 1024) return `${n} bytes`;
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** Bytes for people: "2.3 MB" (decimal units, like Finder and Lightroom). */
export function bytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i += 1;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** "4320 × 3240". */
export function dimensions(w: number, h: number): string {
  return w > 0 && h > 0 ? `${w} × ${h}` : '—';
}

/** Megapixels, one decimal: "14.0 MP". */
export function megapixels(w: number, h: number): string {
  return w > 0 && h > 0 ? `${((w * h) / 1e6).toFixed(1)} MP` : '';
}

const dateTimeFmt = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

/** An RFC 3339 instant in the viewer's time zone; the raw text when it doesn't parse. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTimeFmt.format(d);
}

/**
 * A capture time as the camera recorded it ("2021-11-16T09:16:16", maybe with an offset): shown
 * in the camera's own local time, never shifted into the viewer's zone.
 */
export function captureTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d, h, mi] = m;
  const local = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
  return dateTimeFmt.format(local);
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", then a date. */
export function ago(iso: string, now = Date.now()): string {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  if (s < 86400 * 14) return `${Math.round(s / 86400)} days ago`;
  return dateTime(iso);
}

export const STATUS_LABEL: Record<Status, string> = {
  draft: 'Draft',
  in_review: 'In review',
  approved: 'Approved',
  rejected: 'Changes requested',
  archived: 'Archived',
};

export const STATUSES: Status[] = ['draft', 'in_review', 'approved', 'rejected', 'archived'];

export const SOURCE_LABEL: Record<Source, string> = {
  uploaded: 'Uploaded',
  imported: 'Imported',
  generated: 'Generated',
};

export const SOURCES: Source[] = ['uploaded', 'imported', 'generated'];

export const FLAG_LABEL: Record<Flag, string> = { none: 'Unflagged', pick: 'Pick', reject: 'Reject' };

export const FLAGS: Flag[] = ['pick', 'reject', 'none'];

/** Colour labels as people read them (Lightroom's five). */
export const LABEL_NAME: Record<Label, string> = {
  none: 'No label',
  red: 'Red',
  yellow: 'Yellow',
  green: 'Green',
  blue: 'Blue',
  purple: 'Purple',
};

/** The labels in Lightroom's order; keys 6–9 set the first four. */
export const LABELS: Label[] = ['red', 'yellow', 'green', 'blue', 'purple'];

/** Each label's swatch colour. */
export const LABEL_COLOR: Record<Label, string> = {
  none: 'transparent',
  red: '#e5484d',
  yellow: '#f5d90a',
  green: '#46a758',
  blue: '#3e63dd',
  purple: '#8e4ec6',
};

/** A Find-similar match's closeness, on its card. */
export const CLOSENESS_LABEL: Record<Closeness, string> = {
  same: 'Same picture',
  very_close: 'Very close',
  similar: 'Similar',
  distant: 'Less similar',
};

export const SHAPE_LABEL: Record<Shape, string> = { landscape: 'Landscape', portrait: 'Portrait', square: 'Square' };

export const SHAPES: Shape[] = ['landscape', 'portrait', 'square'];

/** A file type as the filter names it (`jpeg` → JPEG, `heif` → HEIC/HEIF, `cr2` → CR2). */
export function fileTypeLabel(t: string): string {
  return t === 'heif' ? 'HEIC/HEIF' : t.toUpperCase();
}

/** Server messages start lower-case (they read well after "error:"); sentences don't. */
export function sentence(s: string): string {
  const t = s.trim();
  if (!t) return t;
  return t[0]!.toUpperCase() + t.slice(1);
}

/** Past-tense verbs for the bulk summary line. */
export type Verb = string;

/**
 * One line for a bulk report: "All 14 moved", "12 of 14 moved; 2 are approved", "Nothing moved:
 * 3 are approved". Refusals are grouped by code (the most common first) and phrased like people
 * talk; the server's full messages go in the report's details.
 */
export function bulkSummary(report: BulkReport, verb: Verb): string {
  const ok = report.succeeded.length;
  const asked = report.requested;
  const skipped = report.skipped ?? [];
  const failed = report.failed;
  let head: string;
  if (failed.length === 0 && skipped.length === 0) {
    head = asked === 1 ? `1 asset ${verb}` : `All ${count(asked)} ${verb}`;
  } else if (ok === 0 && failed.length > 0) {
    head = `Nothing ${verb}`;
  } else {
    head = `${count(ok)} of ${count(asked)} ${verb}`;
  }
  const parts: string[] = [];
  for (const g of groupFailures(failed)) parts.push(`${count(g.n)} ${reasonPhrase(g.code, g.message, g.n)}`);
  for (const g of groupFailures(skipped)) parts.push(`${count(g.n)} skipped: ${g.message}`);
  if (!parts.length) return head;
  return `${head}${ok === 0 && failed.length > 0 ? ': ' : '; '}${parts.join('; ')}`;
}

export interface FailureGroup {
  code: string;
  message: string;
  n: number;
}

/** Failures grouped by code (first message kept), most common first. */
export function groupFailures(items: { code: string; message: string }[]): FailureGroup[] {
  const m = new Map<string, FailureGroup>();
  for (const it of items) {
    const g = m.get(it.code);
    if (g) g.n += 1;
    else m.set(it.code, { code: it.code, message: it.message, n: 1 });
  }
  return [...m.values()].sort((a, b) => b.n - a.n);
}

function reasonPhrase(code: string, message: string, n: number): string {
  const be = n === 1 ? 'is' : 'are';
  switch (code) {
    case 'approved_locked':
      return `${be} approved`;
    case 'self_approval_off':
      return `need another Manager to approve (self-approval is off)`;
    case 'no_campaigns_on_personal':
      return `${be} on the Personal brand`;
    case 'not_on_this_brand':
      return `${be} on another brand`;
    case 'forbidden':
      return n === 1 ? "isn't yours to change" : "aren't yours to change";
    default:
      return `failed: ${message}`;
  }
}

/** Text for an HTML title/aria label listing up to `max` names. */
export function listNames(names: string[], max = 5): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** Seconds → "1:05" or "1:02:03". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

/**
 * A long file name shortened in the middle, its end and extension kept (`IMG_2041…final.jpg`):
 * names of one shoot differ at the end, which truncation at the end would hide.
 */
export function middle(name: string, max = 30): string {
  const chars = [...name];
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 8 ? [...name.slice(dot)] : [];
  const keepEnd = Math.min(chars.length - 1, ext.length + Math.max(4, Math.floor((max - ext.length) / 3)));
  const keepStart = Math.max(1, max - keepEnd - 1);
  return `${chars.slice(0, keepStart).join('')}…${chars.slice(chars.length - keepEnd).join('')}`;
}

/**
 * The upload queue: files from the Import dialog or dropped on the window, sent one request per
 * file (so each has its own progress, result and Retry), two at a time. Each batch remembers its
 * project, brand, tags, and the collection and campaign to file new assets into once uploaded.
 */
import { api, messageOf, upload, type ImportReport } from '../../lib/api/client';
import { sentence } from '../../lib/format';
import { changes } from '../../lib/stores/changes.svelte';
import { toasts } from '../../lib/stores/toasts.svelte';

export type ItemStatus = 'queued' | 'uploading' | 'imported' | 'duplicate' | 'skipped' | 'failed';

export interface UploadItem {
  key: number;
  file: File;
  name: string;
  status: ItemStatus;
  progress: number;
  message: string | null;
  assetId: string | null;
}

export interface UploadTarget {
  project: string | null;
  brand: string | null;
  tags: string[];
  /** The collection (of the brand) to file new assets into: its id, and its path to show. */
  collection: { id: string; name: string } | null;
  /** The campaign to add new assets to. */
  campaign: { id: string; name: string } | null;
}

export interface Batch {
  key: number;
  target: UploadTarget;
  items: UploadItem[];
  /** Set when every item has an outcome (retries reopen it). */
  done: boolean;
}

const PARALLEL = 2;
let nextKey = 1;

/** Files the server would only skip, never worth sending (OS litter). */
export function worthSending(name: string): boolean {
  const base = name.split('/').pop() ?? name;
  return !base.startsWith('.') && base !== 'Thumbs.db' && base !== 'desktop.ini';
}

/** Counts by outcome, for the summary line. */
export function tally(items: { status: ItemStatus }[]): Record<ItemStatus, number> {
  const t: Record<ItemStatus, number> = { queued: 0, uploading: 0, imported: 0, duplicate: 0, skipped: 0, failed: 0 };
  for (const it of items) t[it.status] += 1;
  return t;
}

/** "12 imported · 2 already in the library · 1 failed". */
export function summaryLine(items: { status: ItemStatus }[]): string {
  const t = tally(items);
  const parts: string[] = [];
  const pending = t.queued + t.uploading;
  if (pending) parts.push(`${items.length - pending} of ${items.length} done`);
  if (t.imported) parts.push(`${t.imported} imported`);
  if (t.duplicate) parts.push(`${t.duplicate} already in the library`);
  if (t.skipped) parts.push(`${t.skipped} skipped`);
  if (t.failed) parts.push(`${t.failed} failed`);
  return parts.join(' · ') || 'Nothing to upload';
}

/** What one file's import report says about it. */
export function outcome(report: ImportReport): { status: ItemStatus; message: string | null; assetId: string | null } {
  const imported = report.imported[0];
  if (imported) return { status: 'imported', message: null, assetId: imported.id };
  const model = report.models[0];
  if (model) {
    return model.new
      ? { status: 'imported', message: 'Model added to the library', assetId: null }
      : { status: 'duplicate', message: 'Already in the library', assetId: null };
  }
  const dup = report.duplicates[0];
  if (dup) return { status: 'duplicate', message: 'Already in the library', assetId: dup.existing };
  const skipped = report.skipped[0];
  if (skipped) return { status: 'skipped', message: sentence(skipped.reason), assetId: null };
  const failed = report.failed[0];
  if (failed) return { status: 'failed', message: sentence(failed.reason), assetId: null };
  return { status: 'failed', message: 'The server imported nothing from this file', assetId: null };
}

class Uploads {
  batches = $state<Batch[]>([]);
  private running = 0;

  get active(): boolean {
    return this.batches.some((b) => !b.done);
  }

  add(files: File[], target: UploadTarget): void {
    const items: UploadItem[] = files
      .filter((f) => worthSending(f.webkitRelativePath || f.name))
      .map((file) => ({
        key: nextKey++,
        file,
        name: file.webkitRelativePath || file.name,
        status: 'queued',
        progress: 0,
        message: null,
        assetId: null,
      }));
    if (!items.length) {
      toasts.show('info', 'Nothing to upload in what was dropped');
      return;
    }
    this.batches = [...this.batches, { key: nextKey++, target, items, done: false }];
    this.pump();
  }

  retry(batch: Batch, item: UploadItem): void {
    const b = this.batches.find((x) => x.key === batch.key);
    const it = b?.items.find((x) => x.key === item.key);
    if (!b || !it) return;
    it.status = 'queued';
    it.progress = 0;
    it.message = null;
    b.done = false;
    this.pump();
  }

  retryFailed(batch: Batch): void {
    const b = this.batches.find((x) => x.key === batch.key);
    if (!b) return;
    for (const it of b.items) {
      if (it.status === 'failed') {
        it.status = 'queued';
        it.progress = 0;
        it.message = null;
      }
    }
    b.done = false;
    this.pump();
  }

  dismiss(batch: Batch): void {
    this.batches = this.batches.filter((b) => b.key !== batch.key);
  }

  private pump(): void {
    while (this.running < PARALLEL) {
      const next = this.nextQueued();
      if (!next) return;
      this.running += 1;
      void this.send(next.batch, next.item).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  private nextQueued(): { batch: Batch; item: UploadItem } | null {
    for (const batch of this.batches) {
      const item = batch.items.find((i) => i.status === 'queued');
      if (item) return { batch, item };
    }
    return null;
  }

  private async send(batch: Batch, item: UploadItem): Promise<void> {
    item.status = 'uploading';
    item.progress = 0;
    try {
      const report = await upload(
        [item.file],
        { project: batch.target.project, brand: batch.target.brand, tags: batch.target.tags },
        (p) => (item.progress = p),
      );
      const o = outcome(report);
      item.status = o.status;
      item.message = o.message;
      item.assetId = o.assetId;
      item.progress = 1;
      changes.poke();
    } catch (e) {
      item.status = 'failed';
      item.message = sentence(messageOf(e));
    }
    if (!batch.done && batch.items.every((i) => i.status !== 'queued' && i.status !== 'uploading')) {
      batch.done = true;
      await this.finish(batch);
    }
  }

  /** Files the batch's new assets into its collection and campaign, then says how it went. */
  private async finish(batch: Batch): Promise<void> {
    const ids = batch.items.filter((i) => i.status === 'imported' && i.assetId).map((i) => i.assetId!);
    // A RAW and the JPEG or HEIC of the same name become one card, as an import stacks them.
    for (const pair of rawPairs(batch.items.filter((i) => i.status === 'imported' && i.assetId))) {
      await api.stack(pair.ids, pair.cover).catch((e) =>
        toasts.show('error', `Couldn’t stack ${pair.name}: ${messageOf(e)}`),
      );
    }
    const { collection, campaign } = batch.target;
    if (ids.length && collection) {
      await api.bulk({ ids }, { op: 'collection_add', collection: collection.id }).catch((e) =>
        toasts.show('error', `Couldn’t file the uploads in ${collection.name}: ${messageOf(e)}`),
      );
    }
    if (ids.length && campaign) {
      await api.bulk({ ids }, { op: 'campaign_add', campaign: campaign.id }).catch((e) =>
        toasts.show('error', `Couldn’t add the uploads to ${campaign.name}: ${messageOf(e)}`),
      );
    }
    changes.poke();
    const t = tally(batch.items);
    const kind = t.failed ? (t.imported ? 'warning' : 'error') : 'success';
    toasts.show(kind, `Upload finished: ${summaryLine(batch.items)}`);
  }
}

export const uploads = new Uploads();

/** Camera RAW extensions (the formats the library reads as RAW). */
const RAW = new Set(['cr2', 'cr3', 'crw', 'nef', 'nrw', 'arw', 'srf', 'sr2', 'dng', 'raf', 'orf', 'rw2', 'pef', 'srw', 'kdc', 'dcr', 'gpr', '3fr', 'iiq', 'x3f', 'erf', 'mos', 'mrw', 'rwl']);
const COVER = new Set(['jpg', 'jpeg', 'heic', 'heif']);

/**
 * The RAW+JPEG (or HEIC) pairs among uploaded files: the same name but for the extension, the
 * JPEG/HEIC on top, every RAW of that name under it — the rule an import follows (R2.9).
 */
export function rawPairs(items: { name: string; assetId: string | null }[]): { name: string; cover: string; ids: string[] }[] {
  const groups = new Map<string, { name: string; id: string; ext: string }[]>();
  for (const it of items) {
    if (!it.assetId) continue;
    const dot = it.name.lastIndexOf('.');
    if (dot <= 0) continue;
    const stem = it.name.slice(0, dot).toLowerCase();
    const ext = it.name.slice(dot + 1).toLowerCase();
    groups.set(stem, [...(groups.get(stem) ?? []), { name: it.name, id: it.assetId, ext }]);
  }
  const out: { name: string; cover: string; ids: string[] }[] = [];
  for (const members of groups.values()) {
    const cover = members.find((m) => COVER.has(m.ext));
    const raws = members.filter((m) => RAW.has(m.ext));
    if (cover && raws.length) out.push({ name: cover.name, cover: cover.id, ids: [cover.id, ...raws.map((r) => r.id)] });
  }
  return out;
}

/**
 * Running bulk operations from anywhere (bulk bar, keyboard, lightbox, drag onto a collection):
 * call the API, show the per-asset report as one line with the reasons under "Details", and let
 * the change journal refresh every view. Rating and flag changes show at once (optimistic) and
 * are corrected by the refresh if the server refused some.
 */
import { api, messageOf, type AssetSummary, type Intent, type BulkReport, type Selection } from '../../lib/api/client';
import { bulkSummary, sentence } from '../../lib/format';
import { changes } from '../../lib/stores/changes.svelte';
import { toasts } from '../../lib/stores/toasts.svelte';
import { undo } from '../../lib/stores/undo.svelte';
import type { GridController } from '../library/controller.svelte';

/** Shows a report: success quietly, partial or failed results with their reasons. */
export function showReport(
  report: BulkReport,
  verb: string,
  names?: Map<string, string>,
  action?: import('../../lib/stores/toasts.svelte').ToastAction,
): void {
  const text = bulkSummary(report, verb);
  const failed = report.failed;
  const skipped = report.skipped ?? [];
  const details: string[] = [];
  for (const f of [...failed, ...skipped].slice(0, 50)) {
    details.push(`${names?.get(f.id) ?? f.id}: ${sentence(f.message)}`);
  }
  if (failed.length + skipped.length > 50) details.push(`…and ${failed.length + skipped.length - 50} more`);
  const kind = failed.length === 0 ? 'success' : report.succeeded.length === 0 ? 'error' : 'warning';
  toasts.show(kind, text, details, undefined, report.succeeded.length ? action : undefined);
}

export interface RunOptions {
  /** Past tense for the summary ("moved", "tagged"). */
  verb: string;
  /** Names of assets for the details list. */
  names?: Map<string, string>;
  /** The grid to refresh (and patch optimistically). */
  ctrl?: GridController;
  optimistic?: (s: AssetSummary) => AssetSummary;
  ids?: string[];
  /** Don't toast a plain success on one asset (keyboard culling stays quiet). */
  quiet?: boolean;
  /** A button on the result's toast, given what succeeded, when the journal names nothing to undo. */
  undo?: (succeeded: string[]) => import('../../lib/stores/toasts.svelte').ToastAction;
}

/** Runs one bulk op; returns the report, or null when the request itself failed. */
export async function runBulk(selection: Selection, op: Intent, opts: RunOptions): Promise<BulkReport | null> {
  if (opts.ctrl && opts.optimistic && opts.ids) opts.ctrl.results.patch(new Set(opts.ids), opts.optimistic);
  try {
    const report = await api.bulk(selection, op);
    // Every action that changed something can be taken back: the toast's Undo, or Ctrl/⌘+Z.
    const entry = undo.push(opts.verb, report.succeeded.length, report.undo);
    const action = entry ? undo.action(entry) : opts.undo?.(report.succeeded);
    // Keyboard culling stays quiet on one asset; on a selection it says what it did, so a
    // stray key on eight cards is seen and can be undone.
    const quiet = opts.quiet && report.failed.length === 0 && report.succeeded.length <= 1;
    if (!quiet) showReport(report, opts.verb, opts.names ?? namesFrom(opts.ctrl), action);
    return report;
  } catch (e) {
    toasts.show('error', sentence(messageOf(e)));
    return null;
  } finally {
    changes.poke();
    void opts.ctrl?.results.refresh();
  }
}

function namesFrom(ctrl: GridController | undefined): Map<string, string> | undefined {
  if (!ctrl) return undefined;
  const m = new Map<string, string>();
  for (const it of ctrl.results.items) m.set(it.id, it.name);
  return m;
}

/** Downloads a zip of a selection: the server writes it, then the browser fetches it. */
export async function downloadZip(selection: Selection): Promise<void> {
  const id = toasts.show('info', 'Preparing the zip…', [], 0);
  try {
    const { url, report } = await api.exportZip(selection);
    toasts.dismiss(id);
    const a = document.createElement('a');
    a.href = url;
    a.download = 'atelier-export.zip';
    document.body.appendChild(a);
    a.click();
    a.remove();
    const n = report.written.length;
    if (report.failed.length) {
      toasts.show(
        'warning',
        `Zip ready with ${n} of ${report.requested} files; ${report.failed.length} left out`,
        report.failed.map((f) => `${f.id}: ${sentence(f.reason)}`),
      );
    } else {
      toasts.show('success', `Zip ready: ${n} file${n === 1 ? '' : 's'}`);
    }
  } catch (e) {
    toasts.dismiss(id);
    toasts.show('error', sentence(messageOf(e)));
  }
}

/**
 * What shortcuts do on a grid (SPEC R17): move the cursor (Shift extends the selection), open,
 * clear, rate, flag, select all, delete (with confirmation), focus tags. Rating and flag apply to
 * the selection when there is one, else to the card under the cursor.
 */
import type { Command } from '../../lib/keys';
import { confirmAction } from '../../lib/stores/modal.svelte';
import { LABEL_NAME, plural } from '../../lib/format';
import { runBulk } from '../bulk/actions';
import { toasts } from '../../lib/stores/toasts.svelte';
import { bulkUi } from '../bulk/bulkUi.svelte';
import type { GridController } from './controller.svelte';

export function gridCommand(ctrl: GridController, cmd: Command): boolean {
  const total = ctrl.results.total;
  switch (cmd.kind) {
    case 'move': {
      if (total === 0) return true;
      const next = Math.min(total - 1, Math.max(0, ctrl.cursor + cmd.dx + cmd.dy * ctrl.cols));
      void ctrl.results.ensure(next + ctrl.cols * 4);
      if (cmd.extend) {
        const from = ctrl.cursor;
        if (ctrl.sel.empty || ctrl.sel.anchor === null) {
          const it = ctrl.results.items[from];
          if (it) ctrl.sel.toggle(from, it);
        }
        ctrl.sel.range(next, ctrl.results.items);
        ctrl.touchSelection();
      }
      ctrl.moveCursor(next);
      return true;
    }
    case 'open':
      if (total === 0) return true;
      ctrl.lightbox = ctrl.cursor;
      return true;
    case 'escape':
      if (!ctrl.sel.empty) {
        ctrl.clearSelection();
        return true;
      }
      return false;
    case 'selectAll':
      if (total > 0) {
        ctrl.sel.selectAll();
        ctrl.touchSelection();
      }
      return true;
    case 'rate':
    case 'flag':
    case 'label': {
      const t = ctrl.targetSelection();
      if (!t) return true;
      const ids = 'ids' in t.selection ? t.selection.ids : undefined;
      if (cmd.kind === 'label') {
        // As in Lightroom: the label again takes it off (when every target has it).
        const targets = ids ? ctrl.results.items.filter((s) => ids.includes(s.id)) : [];
        const label = targets.length > 0 && targets.every((s) => s.label === cmd.label) ? 'none' : cmd.label;
        void runBulk(t.selection, { op: 'label', label }, {
          verb: label === 'none' ? 'unlabelled' : `labelled ${LABEL_NAME[label].toLowerCase()}`,
          ctrl,
          ids,
          optimistic: (s) => ({ ...s, label }),
          quiet: true,
        });
      } else if (cmd.kind === 'rate') {
        const rating = cmd.rating;
        void runBulk(t.selection, { op: 'rate', rating }, {
          verb: rating ? `rated ${rating}★` : 'unrated',
          ctrl,
          ids,
          optimistic: (s) => ({ ...s, rating }),
          quiet: true,
        });
      } else {
        const flag = cmd.flag;
        void runBulk(t.selection, { op: 'flag', flag }, {
          verb: flag === 'pick' ? 'picked' : flag === 'reject' ? 'rejected' : 'unflagged',
          ctrl,
          ids,
          optimistic: (s) => ({ ...s, flag }),
          quiet: true,
        });
      }
      return true;
    }
    case 'compare': {
      const picked = ctrl.pickedItems();
      if (picked && picked.length >= 2 && picked.length <= 6) ctrl.compare = picked;
      else toasts.show('info', 'Select 2 to 6 cards to compare them side by side');
      return true;
    }
    case 'delete': {
      const t = ctrl.targetSelection();
      if (!t) return true;
      void deleteWithConfirm(ctrl, t.selection, t.count, t.single?.name);
      return true;
    }
    case 'tags':
      if (!ctrl.sel.empty) {
        bulkUi.openTags += 1;
      } else if (total > 0) {
        ctrl.lightbox = ctrl.cursor;
        bulkUi.lightboxTagsWanted = true;
      }
      return true;
    default:
      return false;
  }
}

export async function deleteWithConfirm(
  ctrl: GridController,
  selection: import('../../lib/api/client').Selection,
  n: number,
  name?: string,
): Promise<boolean> {
  const ok = await confirmAction({
    title: n === 1 && name ? `Delete “${name}”?` : `Delete ${plural(n, 'asset')}?`,
    message:
      'Deleted assets go to the Trash with their tags, ratings and collections, and can be restored from there for 30 days. Approved work is kept (archive it first).',
    confirm: n === 1 ? 'Delete asset' : `Delete ${plural(n, 'asset')}`,
    danger: true,
  });
  if (!ok) return false;
  const report = await runBulk(selection, { op: 'delete' }, { verb: 'deleted', ctrl, undo: restoreAction(ctrl) });
  if (report) {
    ctrl.sel.forget(report.succeeded);
    if (ctrl.sel.all) ctrl.sel.clear();
    ctrl.touchSelection();
  }
  return !!report && report.succeeded.length > 0;
}

/** "Undo" on a deletion's toast: takes what went back out of the Trash. */
export function restoreAction(ctrl: GridController) {
  return (ids: string[]) => ({
    label: 'Undo',
    run: () => void runBulk({ ids }, { op: 'restore' }, { verb: 'restored', ctrl }),
  });
}

/**
 * The grid's view in the address bar (issue 14): every filter, the sort and the rail pick are
 * written to the URL's query as they change (replacing the history entry, so Back leaves the
 * page rather than undoing filters one by one), and read from it when the page opens — a
 * reload or a shared link shows the same grid.
 */
import { viewFromSearch, viewToSearch } from '../../lib/query';
import type { GridController } from './controller.svelte';

/** Call from a page's script: reads the URL now, then keeps it in step with `ctrl.view`. */
export function bindViewToUrl(ctrl: GridController, path: () => string): void {
  if (typeof location === 'undefined') return;
  if (location.search) ctrl.view = viewFromSearch(location.search, ctrl.view);
  $effect(() => {
    const search = viewToSearch(ctrl.view);
    const here = path();
    // Only while this page is the one shown (a page leaving must not write its view into the next).
    if (location.pathname !== here) return;
    if (location.search !== search) history.replaceState(history.state, '', here + search);
  });
}

/**
 * While the app starts, the grid's first page goes out alone. A browser keeps at most six
 * connections to one server, and the dozen lists the top bar, rail and toolbar ask for at start
 * would otherwise queue the grid's request behind theirs — and their answers would make work
 * for the page just as the grid's arrive (measured on the million: first paint 461 → 296 ms).
 *
 * Those lists wait for {@link started}: it resolves once the grid's first page has settled
 * (painted, empty or failed), at once where the page opened shows no grid, and after
 * {@link MAX_WAIT_MS} whatever happened, so a slow first page never holds the rest back.
 * Knows nothing of what the lists are.
 */

/** The longest the lists wait for the grid's first page. */
export const MAX_WAIT_MS = 700;

let open: () => void = () => {};
let isOpen = false;
const gate = new Promise<void>((resolve) => {
  open = () => {
    if (isOpen) return;
    isOpen = true;
    resolve();
  };
});
setTimeout(() => open(), MAX_WAIT_MS);

/** Whether the start is over (the lists may be asked for at once). */
export function isStarted(): boolean {
  return isOpen;
}

/** Resolves when the app's start-up lists may be asked for. */
export function started(): Promise<void> {
  return gate;
}

/** Says the grid's first page has settled, or that the page opened has no grid. */
export function startupDone(): void {
  open();
}

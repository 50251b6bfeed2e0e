/** Signals from shortcuts to the bulk bar and the lightbox (T focuses tags). */
class BulkUi {
  /** Bumped to open the bulk bar's tag editor. */
  openTags = $state(0);
  /** Bumped to focus the lightbox's tag field. */
  focusLightboxTags = $state(0);
}

export const bulkUi = new BulkUi();

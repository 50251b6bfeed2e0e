/** Signals from shortcuts to the bulk bar and the lightbox (T focuses tags). */
class BulkUi {
  /** Bumped to open the bulk bar's tag editor. */
  openTags = $state(0);
  /**
   * Set to have the lightbox focus its tag field, and cleared by the lightbox when it does: T
   * pressed on the grid opens the lightbox and asks at once, before the lightbox exists.
   */
  lightboxTagsWanted = $state(false);
}

export const bulkUi = new BulkUi();

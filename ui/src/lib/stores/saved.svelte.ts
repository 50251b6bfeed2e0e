/**
 * The person's saved searches (issue 14), shared by the rail (which lists them) and the
 * toolbar (which saves the current filters): loaded for the brand scope, reloaded on a bump.
 */
import { api, messageOf, type SavedSearch } from '../api/client';

class Saved {
  list = $state.raw<SavedSearch[]>([]);
  error = $state<string | null>(null);
  /** Bumped after a change here, so the rail reloads. */
  version = $state(0);

  async load(brand: string | null): Promise<void> {
    try {
      this.list = await api.savedSearches(brand);
      this.error = null;
    } catch (e) {
      this.error = messageOf(e);
    }
  }

  bump(): void {
    this.version += 1;
  }
}

export const saved = new Saved();

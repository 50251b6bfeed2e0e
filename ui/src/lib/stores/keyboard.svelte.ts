/**
 * Who handles shortcuts now: a stack of scopes (the page, then the lightbox or review viewer on
 * top). App.svelte's one listener asks the top scope's context for a command (lib/keys.ts) and
 * hands it over; global commands (search, help) fall through to the app.
 */
import type { Command, Context } from '../keys';

export interface KeyScope {
  context: Context;
  /** Returns true when it handled the command. */
  handle: (cmd: Command, e: KeyboardEvent) => boolean;
}

class KeyScopes {
  // Raw: scopes are compared by identity when popped (a deep proxy would never match).
  stack = $state.raw<KeyScope[]>([]);

  push(scope: KeyScope): () => void {
    this.stack = [...this.stack, scope];
    return () => {
      this.stack = this.stack.filter((s) => s !== scope);
    };
  }

  get top(): KeyScope | null {
    return this.stack[this.stack.length - 1] ?? null;
  }
}

export const keyScopes = new KeyScopes();

class Ui {
  /** The shortcuts help dialog. */
  help = $state(false);
  /** The import/upload dialog. */
  importOpen = $state(false);
  /** The search box element (for `/`). */
  searchEl: HTMLInputElement | null = null;
}

export const ui = new Ui();

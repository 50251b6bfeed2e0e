/**
 * Modal bookkeeping and the promise-based confirmation dialog. While any modal is open, global
 * shortcuts stay quiet (the dialog owns the keyboard).
 */

export interface ConfirmRequest {
  title: string;
  message: string;
  confirm: string;
  danger: boolean;
  /** When set, the user must type this text to enable the confirm button. */
  typed?: string;
  /** An optional note field (review decisions). */
  note?: { label: string; value: string };
  /** A one-line text field that must not be blank (a name). */
  input?: { label: string; value: string };
  resolve: (ok: boolean, note?: string) => void;
}

class Modals {
  depth = $state(0);
  pending = $state<ConfirmRequest | null>(null);
}

export const modals = new Modals();

/** Asks for confirmation; resolves true when confirmed. */
export function confirmAction(opts: {
  title: string;
  message: string;
  confirm: string;
  danger?: boolean;
  typed?: string;
}): Promise<boolean> {
  return new Promise((resolve) => {
    modals.pending = {
      title: opts.title,
      message: opts.message,
      confirm: opts.confirm,
      danger: opts.danger ?? false,
      typed: opts.typed,
      resolve: (ok) => resolve(ok),
    };
  });
}

/** Asks for confirmation with an optional note; resolves the note or null when cancelled. */
export function confirmWithNote(opts: {
  title: string;
  message: string;
  confirm: string;
  danger?: boolean;
  noteLabel: string;
}): Promise<{ note: string } | null> {
  return new Promise((resolve) => {
    modals.pending = {
      title: opts.title,
      message: opts.message,
      confirm: opts.confirm,
      danger: opts.danger ?? false,
      note: { label: opts.noteLabel, value: '' },
      resolve: (ok, note) => resolve(ok ? { note: note ?? '' } : null),
    };
  });
}

/** Asks for a name (one line, not blank); resolves it trimmed, or null when cancelled. */
export function promptName(opts: { title: string; message: string; confirm: string; label: string; value?: string }): Promise<string | null> {
  return new Promise((resolve) => {
    modals.pending = {
      title: opts.title,
      message: opts.message,
      confirm: opts.confirm,
      danger: false,
      input: { label: opts.label, value: opts.value ?? '' },
      resolve: (ok, text) => resolve(ok && text?.trim() ? text.trim() : null),
    };
  });
}

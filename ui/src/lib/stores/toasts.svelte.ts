/**
 * Transient messages at the bottom of the window: results of actions ("12 of 14 moved; 2 are
 * approved") with optional details, and errors with the API's message. Announced politely to
 * screen readers by the host component.
 */
export type ToastKind = 'info' | 'success' | 'warning' | 'error';

export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
  /** Lines shown under "Details" (per-asset reasons). */
  details: string[];
  /** Milliseconds before it goes; 0 keeps it until dismissed. */
  timeout: number;
  /** A button beside the text (Undo). */
  action?: ToastAction;
}

/** A toast's button: its label, and what it does (the toast goes once it's pressed). */
export interface ToastAction {
  label: string;
  run: () => void;
}

let next = 1;

class Toasts {
  list = $state<Toast[]>([]);

  show(kind: ToastKind, text: string, details: string[] = [], timeout?: number, action?: ToastAction): number {
    const id = next++;
    const t: Toast = {
      id,
      kind,
      text,
      details,
      timeout: timeout ?? (kind === 'error' || details.length || action ? 10000 : 4000),
      action,
    };
    this.list = [...this.list.slice(-2), t];
    if (t.timeout > 0) setTimeout(() => this.dismiss(id), t.timeout);
    return id;
  }

  dismiss(id: number): void {
    this.list = this.list.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();

export function toastError(e: unknown, prefix?: string): void {
  const msg = e instanceof Error ? e.message : String(e);
  const text = msg ? msg[0]!.toUpperCase() + msg.slice(1) : 'Something went wrong';
  toasts.show('error', prefix ? `${prefix}: ${msg}` : text);
}

/**
 * The desktop shell's native powers, reached through Tauri IPC when the UI runs inside the
 * desktop window (src-tauri): reveal an asset's original in the file manager and open it with
 * the system's default app (the shell's `reveal` and `open_with` commands, by asset id), native
 * file and folder pickers (its `pick` command), dragging originals out of the window (its
 * `drag_out` command), files dropped onto the window (the shell's `tauri://drag-drop` event, with
 * paths) and OS notifications (the notification plugin).
 * In a browser none of this exists: `available()` is false and the UI hides these actions
 * (SPEC R4.3).
 */
import { ApiFailure, api, type ApiError } from './api/client';
import { changes } from './stores/changes.svelte';
import { toasts } from './stores/toasts.svelte';

interface TauriCore {
  invoke: (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;
}

interface TauriEvent {
  listen: (event: string, handler: (e: { payload: unknown }) => void) => Promise<() => void>;
}

function events(): TauriEvent | null {
  if (typeof window === 'undefined') return null;
  return (window as unknown as { __TAURI__?: { event?: TauriEvent } }).__TAURI__?.event ?? null;
}

/** Listens to a shell event; resolves the function that stops listening (a no-op outside it). */
export async function listen(event: string, handler: (payload: unknown) => void): Promise<() => void> {
  const e = events();
  if (!e) return () => {};
  return e.listen(event, (ev) => handler(ev.payload));
}

/** True while originals are being dragged out of the window (drops onto it are ignored). */
export const dragOutState = { active: false };

function tauri(): TauriCore | null {
  if (typeof window === 'undefined') return null;
  const w = window as unknown as {
    __TAURI__?: { core?: TauriCore };
    __TAURI_INTERNALS__?: TauriCore;
  };
  return w.__TAURI__?.core ?? w.__TAURI_INTERNALS__ ?? null;
}

/** Whether native actions can be offered (inside the desktop shell, and the server agrees). */
export function available(sessionDesktop: boolean): boolean {
  return sessionDesktop && tauri() !== null;
}

async function call(cmd: string, args: Record<string, unknown>): Promise<unknown> {
  const t = tauri();
  if (!t) throw new Error('This needs the Atelier desktop app');
  try {
    return await t.invoke(cmd, args);
  } catch (e) {
    // The shell answers `{code, message}`, as the HTTP API does.
    const body = e as Partial<ApiError> | null;
    if (body && typeof body.code === 'string' && typeof body.message === 'string') {
      throw new ApiFailure(0, body as ApiError);
    }
    throw e;
  }
}

/** Shows an asset's original in the system's file manager. */
export function reveal(id: string): Promise<unknown> {
  return call('reveal', { id });
}

/** Opens an asset's original with the system's default app for its type. */
export function openWith(id: string): Promise<unknown> {
  return call('open_with', { id });
}

/**
 * Starts dragging the originals of `ids` out of the window; call it from a mouse press, with the
 * button still down. Resolves once the drag has started; the shell's `drag-out-ended` event
 * says how it ended.
 */
export async function dragOut(ids: string[]): Promise<void> {
  dragOutState.active = true;
  try {
    await call('drag_out', { ids });
  } catch (e) {
    dragOutState.active = false;
    throw e;
  }
}

void listen('drag-out-ended', () => {
  // The drop onto our own window (if that is where it ended) arrives just before this.
  setTimeout(() => (dragOutState.active = false), 300);
});

/** Asks for folders or files with the native dialog; resolves the chosen paths ([] if none). */
export async function pickPaths(folders: boolean): Promise<string[]> {
  const r = await call('pick', { folders });
  if (Array.isArray(r)) return r.filter((p): p is string => typeof p === 'string');
  return typeof r === 'string' ? [r] : [];
}

/** An OS notification (a long import finished); silently nothing where unavailable. */
export async function notify(title: string, body: string): Promise<void> {
  try {
    await call('plugin:notification|notify', { options: { title, body } });
  } catch {
    // No permission or no shell: the in-app report is enough.
  }
}

/**
 * Other members' originals that are only on the studio must come down before the shell can
 * hand them to another app: fetches them (the sync indicator's panel shows the progress) and
 * says so. Returns whether all were here already (the caller may go on at once).
 */
export async function originalsHere(items: { id: string; name: string; presence: string }[]): Promise<boolean> {
  const remote = items.filter((i) => i.presence === 'remote');
  if (remote.length === 0) return true;
  const what = remote.length === 1 ? `the original of “${remote[0]!.name}”` : `${remote.length} originals`;
  toasts.show('info', `Downloading ${what} from the studio…`);
  try {
    for (const r of remote) await api.downloadOriginal(r.id);
  } finally {
    changes.poke();
  }
  return false;
}

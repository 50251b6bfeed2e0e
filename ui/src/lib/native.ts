/**
 * The desktop shell's native powers, reached through Tauri IPC when the UI runs inside the
 * desktop window (src-tauri): reveal an asset's original in the file manager and open it with
 * the system's default app (the shell's `reveal` and `open_with` commands, by asset id), native
 * file and folder pickers (its `pick` command) and OS notifications (the notification plugin).
 * In a browser none of this exists: `available()` is false and the UI hides these actions
 * (SPEC R4.3).
 */

interface TauriCore {
  invoke: (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;
}

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
  return t.invoke(cmd, args);
}

/** Shows an asset's original in the system's file manager. */
export function reveal(id: string): Promise<unknown> {
  return call('reveal', { id });
}

/** Opens an asset's original with the system's default app for its type. */
export function openWith(id: string): Promise<unknown> {
  return call('open_with', { id });
}

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

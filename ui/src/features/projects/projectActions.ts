/**
 * Project actions shared by the list and the settings: share (needs a studio), keep a shared
 * project available offline, and archive.
 */
import { api, ApiFailure, messageOf, type ProjectInfo } from '../../lib/api/client';
import { sentence } from '../../lib/format';
import { app } from '../../lib/stores/app.svelte';
import { changes } from '../../lib/stores/changes.svelte';
import { confirmAction } from '../../lib/stores/modal.svelte';
import { toasts } from '../../lib/stores/toasts.svelte';

/** Shares or unshares after a confirmation; a standalone library says why it can't. */
export async function share(p: ProjectInfo, on: boolean): Promise<string | null> {
  const ok = await confirmAction({
    title: on ? `Share “${p.name}” with your studio?` : `Stop sharing “${p.name}”?`,
    message: on
      ? 'Its assets sync to the studio: each is visible to the members of its brand (Personal-brand assets stay yours alone).'
      : 'Other members lose access at once, and their libraries drop its content on the next sync.',
    confirm: on ? 'Share project' : 'Stop sharing',
    danger: !on,
  });
  if (!ok) return null;
  try {
    await api.projectShare(p.name, on);
    await app.reloadProjects();
    changes.poke();
    toasts.show('success', on ? `Shared “${p.name}”` : `“${p.name}” is private again`);
    return null;
  } catch (e) {
    if (e instanceof ApiFailure && e.code === 'needs_studio') {
      app.standalone = true;
      const msg = sentence(e.message);
      toasts.show('error', msg);
      return msg;
    }
    toasts.show('error', sentence(messageOf(e)));
    return null;
  }
}

/**
 * Keeps a shared project's originals in this library (each sync downloads those only on the
 * studio, newest first; the sync indicator's panel shows them coming), or stops.
 */
export async function keepOffline(p: ProjectInfo, on: boolean): Promise<void> {
  try {
    await api.projectOffline(p.name, on);
    await app.reloadProjects();
    changes.poke();
    toasts.show(
      'success',
      on ? `“${p.name}” is kept available offline: its originals download in the background` : `“${p.name}” is no longer kept offline (what is here stays)`,
    );
  } catch (e) {
    toasts.show('error', sentence(messageOf(e)));
  }
}

export async function archive(p: ProjectInfo, on: boolean): Promise<void> {
  try {
    await api.projectArchive(p.name, on);
    await app.reloadProjects();
    changes.poke();
    toasts.show('success', on ? `Archived “${p.name}” — find it under Archived` : `“${p.name}” is active again`);
  } catch (e) {
    toasts.show('error', sentence(messageOf(e)));
  }
}

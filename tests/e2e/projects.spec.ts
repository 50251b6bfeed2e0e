// Projects (SPEC R9): Your Projects and Organization Projects (standalone: sharing needs a studio),
// create, the ⋮ menu (share refused with the server's message, archive), a project's page,
// Move to project from the bulk bar, settings (rename, description, defaults), and the danger
// zone's delete that wants the typed name and refuses while approved work is inside.
import { test, expect, startAtelier, signIn, shot, cards, haveCorpus, SKIP_REASON, errorsOf, CORPUS, type Atelier, type SearchPage } from './atelier';
import type { Page } from '@playwright/test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

test.skip(!haveCorpus, SKIP_REASON);
test.describe.configure({ mode: 'serial' });

let a: Atelier;
let page: Page;

interface Project {
  name: string;
  description: string;
  archived: boolean;
  default_brand: string | null;
  import_mode: string;
  rename_template: string | null;
  default_tags: string[];
  count: number;
}

test.beforeAll(async ({ browser }) => {
  a = await startAtelier({ commands: [['brand', 'create', 'Acme'], ['brand', 'kit', 'Acme', '--self-approval', 'on']] });
  page = await signIn(browser, a);
});

test.afterAll(async () => {
  const errors = page ? errorsOf(page) : [];
  await page?.context().close();
  await a?.stop();
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

const toast = (text: string | RegExp) => page.getByRole('region', { name: 'Notifications' }).getByText(text);

test('the Projects page: yours, and the studio explanation', async () => {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Projects' }).click();
  await expect(page).toHaveURL(/\/projects$/);
  await expect(page.getByRole('heading', { name: /Your Projects/ })).toBeVisible();
  await expect(page.getByRole('link', { name: /Inbox/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: /Organization Projects/ })).toBeVisible();
  await expect(page.getByText(/Sharing needs a studio/)).toBeVisible();
  await shot(page, 'projects');
});

test('create a project and land on its empty page', async () => {
  await page.getByRole('button', { name: 'New project' }).click();
  const dlg = page.getByRole('dialog', { name: 'New project' });
  await dlg.getByRole('textbox', { name: 'Name' }).fill('Summer shoot');
  await dlg.getByRole('textbox', { name: 'Description' }).fill('Beach, June 2026');
  await dlg.getByRole('button', { name: 'Create project' }).click();
  await expect(page).toHaveURL(/\/projects\/Summer%20shoot$/);
  await expect(page.getByRole('heading', { name: 'Summer shoot', level: 1 })).toBeVisible();
  await expect(page.getByText('This project is empty')).toBeVisible();
});

test('share needs a studio: the ⋮ menu says so', async () => {
  await page.goto(`${a.origin}/projects`);
  await page.getByRole('button', { name: 'Actions for Summer shoot' }).click();
  await page.getByRole('menuitem', { name: 'Share with studio…' }).click();
  await page.getByRole('dialog', { name: /Share “Summer shoot”/ }).getByRole('button', { name: 'Share project' }).click();
  await expect(toast(/needs a studio/)).toBeVisible();
});

test('move assets into the project from the Library', async () => {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Library' }).click();
  await page.getByRole('searchbox', { name: 'Search', exact: true }).fill('nikon');
  await expect(cards(page)).toHaveCount(4);
  await page.getByRole('grid').focus();
  await page.keyboard.press('Control+a');
  const bar = page.getByRole('toolbar', { name: 'Selection actions' });
  await bar.getByRole('button', { name: /^Move/ }).click();
  await page.getByRole('menuitem', { name: 'Move to project…' }).click();
  const dlg = page.getByRole('dialog', { name: /to a project/ });
  await dlg.getByRole('combobox', { name: 'Project' }).selectOption('Summer shoot');
  await dlg.getByRole('button', { name: 'Move' }).click();
  await expect(toast('All 4 moved')).toBeVisible();
  await page.goto(`${a.origin}/projects/Summer%20shoot`);
  await expect(cards(page)).toHaveCount(4);
  await page.getByRole('navigation', { name: 'Project content' }).getByRole('link', { name: 'Videos' }).click();
  await expect(page.getByText('No videos')).toBeVisible();
  await page.getByRole('navigation', { name: 'Project content' }).getByRole('link', { name: 'Images' }).click();
  await expect(cards(page)).toHaveCount(4);
  await shot(page, 'project');
});

test('settings: defaults save, rename moves the page', async () => {
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings of Summer shoot' })).toBeVisible();
  const usage = page.getByRole('region', { name: 'Storage and plan limits' });
  await expect(usage).toContainText(/Storage\s*[\d.]+ (bytes|KiB|MiB)/);
  await expect(usage).toContainText('A library on its own has no plan limits.');
  await page.getByRole('combobox', { name: 'Default brand for new assets' }).selectOption('Acme');
  await page.getByRole('combobox', { name: 'Import mode' }).selectOption('copy');
  await page.getByRole('textbox', { name: 'Rename template for copies' }).fill('{date:%Y-%m-%d}_{seq:04}.{ext}');
  const tags = page.getByRole('combobox', { name: 'Add a tag' });
  await tags.fill('beach');
  await tags.press('Enter');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  let p = (await a.api<Project[]>('/api/projects')).find((x) => x.name === 'Summer shoot')!;
  expect(p).toMatchObject({ default_brand: 'Acme', import_mode: 'copy', rename_template: '{date:%Y-%m-%d}_{seq:04}.{ext}', default_tags: ['beach'] });

  await page.getByRole('textbox', { name: 'Project name' }).fill('Summer 2026');
  await page.getByRole('button', { name: 'Rename' }).click();
  await expect(page).toHaveURL(/\/projects\/Summer%202026\/settings$/);
  p = (await a.api<Project[]>('/api/projects')).find((x) => x.name === 'Summer 2026')!;
  expect(p.count).toBe(4);
  await shot(page, 'project-settings');
});

test('settings: a watched folder imports new files into the project while the app runs', async () => {
  a.cli('project', 'create', 'Watched');
  await page.goto(`${a.origin}/projects/Watched/settings`);
  const folder = mkdtempSync(path.join(os.tmpdir(), 'atelier-watched-'));
  await page.getByRole('textbox', { name: 'Folder to watch' }).fill(folder);
  await page.getByRole('button', { name: 'Watch', exact: true }).click();
  const list = page.getByRole('list', { name: 'Folders Watched watches' });
  await expect(list).toContainText(folder);
  // A photo the library doesn't have yet (the corpus copy plus a unique trailer after its end).
  const bytes = readFileSync(path.join(CORPUS, 'photos/digicam/Canon_PowerShot_G2__IMG_0301.JPG'));
  writeFileSync(path.join(folder, 'dropped.jpg'), Buffer.concat([bytes, Buffer.from(`atelier-e2e-${Date.now()}`)]));
  await expect.poll(() => a.cliJson<SearchPage>('search', '--project', 'Watched').total, { timeout: 20_000 }).toBe(1);
  await page.getByRole('textbox', { name: 'Folder to watch' }).fill(path.join(folder, 'nope'));
  await page.getByRole('button', { name: 'Watch', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('does not exist');
  await list.getByRole('button', { name: 'Stop watching' }).click();
  await expect(page.getByText('No folder is watched yet.')).toBeVisible();
  await page.goto(`${a.origin}/projects/Summer%202026/settings`);
});

test('delete refuses while approved work is inside, then needs the typed name', async () => {
  a.cli('move', '--brand', 'Acme', '--json', ...a.cliJson<SearchPage>('search', '--project', 'Summer 2026').items.map((i) => i.id));
  const first = a.cliJson<SearchPage>('search', '--project', 'Summer 2026', '--limit', '1').items[0]!;
  a.cli('review', 'submit', first.id, '--json');
  a.cli('review', 'approve', first.id, '--json');

  await page.getByRole('button', { name: 'Delete project…' }).click();
  let confirm = page.getByRole('dialog', { name: /Delete “Summer 2026” permanently/ });
  await expect(confirm.getByRole('button', { name: 'Delete project' })).toBeDisabled();
  await confirm.getByRole('textbox').fill('Summer 2026');
  await confirm.getByRole('button', { name: 'Delete project' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /approved/i })).toBeVisible();

  a.cli('review', 'archive', first.id, '--json');
  await page.getByRole('button', { name: 'Delete project…' }).click();
  confirm = page.getByRole('dialog', { name: /Delete “Summer 2026” permanently/ });
  await confirm.getByRole('textbox').fill('Summer 202');
  await expect(confirm.getByRole('button', { name: 'Delete project' })).toBeDisabled();
  await confirm.getByRole('textbox').fill('Summer 2026');
  await confirm.getByRole('button', { name: 'Delete project' }).click();
  await expect(page).toHaveURL(/\/projects$/);
  await expect(toast(/Deleted “Summer 2026” and 4 assets/)).toBeVisible();
  const names = (await a.api<Project[]>('/api/projects')).map((x) => x.name);
  expect(names).not.toContain('Summer 2026');
});

test('archive hides a project from the active list', async () => {
  await page.getByRole('button', { name: 'New project' }).click();
  const dlg = page.getByRole('dialog', { name: 'New project' });
  await dlg.getByRole('textbox', { name: 'Name' }).fill('Old job');
  await dlg.getByRole('button', { name: 'Create project' }).click();
  await page.goto(`${a.origin}/projects`);
  await page.getByRole('button', { name: 'Actions for Old job' }).click();
  await page.getByRole('menuitem', { name: 'Archive' }).click();
  await expect(page.getByRole('button', { name: /Archived/ })).toBeVisible();
  const p = (await a.api<Project[]>('/api/projects')).find((x) => x.name === 'Old job')!;
  expect(p.archived).toBe(true);
});

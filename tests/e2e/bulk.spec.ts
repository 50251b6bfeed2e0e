// The bulk bar (SPEC R5): selection with checkbox, Shift range and Ctrl/Cmd-A; tags, collection,
// campaign, move to project and brand (with confirmation), review actions with per-asset results
// ("Nothing approved: … self-approval"), buttons disabled with a reason, download zip, delete.
import { test, expect, startAtelier, signIn, shot, cards, haveCorpus, SKIP_REASON, errorsOf, type Atelier, type SearchPage } from './atelier';
import type { Page } from '@playwright/test';

test.skip(!haveCorpus, SKIP_REASON);
test.describe.configure({ mode: 'serial' });

let a: Atelier;
let page: Page;

test.beforeAll(async ({ browser }) => {
  a = await startAtelier({
    commands: [
      ['brand', 'create', 'Acme'],
      ['collection', 'create', 'Picks', '--brand', 'Acme'],
      ['campaign', 'create', 'Launch', '--brand', 'Acme'],
      ['project', 'create', 'Client job'],
    ],
  });
  page = await signIn(browser, a);
  await expect(cards(page).first()).toBeVisible();
});

test.afterAll(async () => {
  const errors = page ? errorsOf(page) : [];
  await page?.context().close();
  await a?.stop();
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

const bar = () => page.getByRole('toolbar', { name: 'Selection actions' });
const search = () => page.getByRole('searchbox', { name: 'Search', exact: true });
const toast = (text: string | RegExp) => page.getByRole('region', { name: 'Notifications' }).getByText(text);

async function selectFirst(n: number) {
  const boxes = page.getByRole('grid').getByRole('checkbox');
  await boxes.nth(0).check({ force: true });
  if (n > 1) await boxes.nth(n - 1).click({ force: true, modifiers: ['Shift'] });
  await expect(bar()).toContainText(`${n} selected`);
}

test('checkbox, Shift range and Esc', async () => {
  await selectFirst(4);
  await page.keyboard.press('Escape');
  await expect(bar()).toBeHidden();
});

test('Ctrl/Cmd-A selects every result', async () => {
  await page.getByRole('grid').focus();
  await page.keyboard.press('Control+a');
  await expect(bar()).toContainText('51 selected');
  await page.keyboard.press('Escape');
  await expect(bar()).toBeHidden();
});

test('move to a team brand asks first and reports per asset', async () => {
  await search().fill('canon');
  await expect(cards(page)).toHaveCount(7);
  await page.getByRole('grid').focus();
  await page.keyboard.press('Control+a');
  await expect(bar()).toContainText('7 selected');
  await bar().getByRole('button', { name: /^Move/ }).click();
  await page.getByRole('menuitem', { name: 'Move to brand…' }).click();
  const dlg = page.getByRole('dialog', { name: /Move 7 assets to a brand/ });
  await dlg.getByRole('combobox', { name: 'Brand' }).selectOption('Acme');
  await dlg.getByRole('button', { name: 'Move' }).click();
  const confirm = page.getByRole('dialog', { name: 'Move 7 assets to Acme?' });
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: 'Move to Acme' }).click();
  await expect(toast('All 7 moved')).toBeVisible();
  expect(a.cliJson<SearchPage>('search', '--brand', 'Acme').total).toBe(7);
});

test('tags, collection and campaign for the selection', async () => {
  await page.getByRole('combobox', { name: 'Brand' }).selectOption('Acme');
  await selectFirst(3);
  await bar().getByRole('button', { name: 'Tags' }).click();
  const tags = page.getByRole('dialog', { name: 'Tags of the selection' });
  await tags.getByRole('combobox', { name: 'Add a tag' }).fill('hero');
  await tags.getByRole('combobox', { name: 'Add a tag' }).press('Enter');
  await expect(toast('All 3 tagged “hero”')).toBeVisible();
  await expect(tags.getByRole('button', { name: 'Remove tag hero from the selection' })).toBeVisible();
  // Suggestions push the selection's chips down instead of covering them.
  await tags.getByRole('combobox', { name: 'Add a tag' }).fill('he');
  const suggestions = tags.getByRole('listbox', { name: 'Tag suggestions' });
  await expect(suggestions).toBeVisible();
  const list = (await suggestions.boundingBox())!;
  const chip = (await tags.getByRole('button', { name: 'Remove tag hero from the selection' }).boundingBox())!;
  expect(chip.y >= list.y + list.height || chip.y + chip.height <= list.y).toBe(true);
  await tags.getByRole('combobox', { name: 'Add a tag' }).fill('');
  await page.keyboard.press('Escape');

  // At the bottom of the window the picker opens upward, whole, inside the window; Enter files
  // into the first match.
  await bar().getByRole('button', { name: 'Collection' }).click();
  const picker = page.getByRole('dialog', { name: 'Add to collection' });
  await expect(picker.getByRole('button', { name: /Picks/ })).toBeVisible();
  const box = (await picker.boundingBox())!;
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(page.viewportSize()!.height);
  await picker.getByRole('searchbox', { name: 'Find a collection' }).fill('pic');
  await picker.getByRole('searchbox', { name: 'Find a collection' }).press('Enter');
  await expect(toast('All 3 filed in Picks')).toBeVisible();
  await page.keyboard.press('Escape');

  await bar().getByRole('button', { name: 'Campaign' }).click();
  await page.getByRole('dialog', { name: 'Add to campaign' }).getByRole('button', { name: /Launch/ }).click();
  await expect(toast('All 3 added to Launch')).toBeVisible();
  await page.keyboard.press('Escape');

  expect(a.cliJson<SearchPage>('search', '--tag', 'hero').total).toBe(3);
  expect(a.cliJson<SearchPage>('search', '--brand', 'Acme', '--collection', 'Picks').total).toBe(3);
  expect(a.cliJson<SearchPage>('search', '--brand', 'Acme', '--campaign', 'Launch').total).toBe(3);
  await shot(page, 'bulk-bar');
});

test('review actions: disabled with a reason, then per-asset refusals', async () => {
  // Three drafts on Acme are selected: Approve doesn't apply yet.
  await bar().getByRole('button', { name: /^Review/ }).click();
  const approve = page.getByRole('menuitem', { name: 'Approve', exact: true });
  await expect(approve).toHaveAttribute('aria-disabled', 'true');
  await expect(page.getByRole('menu', { name: 'Review' })).toContainText('Only assets in review can be approved');
  await page.getByRole('menuitem', { name: 'Submit for review' }).click();
  await expect(toast('All 3 submitted')).toBeVisible();

  await bar().getByRole('button', { name: /^Review/ }).click();
  await page.getByRole('menuitem', { name: 'Approve', exact: true }).click();
  await expect(toast(/Nothing approved: 3 need another Manager to approve/)).toBeVisible();

  a.cli('brand', 'kit', 'Acme', '--self-approval', 'on');
  await bar().getByRole('button', { name: /^Review/ }).click();
  await page.getByRole('menuitem', { name: 'Approve', exact: true }).click();
  await expect(toast('All 3 approved')).toBeVisible();
  expect(a.cliJson<SearchPage>('search', '--status', 'approved').total).toBe(3);
});

test('approved work: delete disabled with a reason; a mixed move is partial', async () => {
  await expect(bar().getByRole('button', { name: 'Delete' })).toHaveAttribute('aria-disabled', 'true');
  await expect(bar().getByRole('button', { name: 'Delete' })).toHaveAccessibleDescription(/archive it first/);
  // Add one draft to the three approved ones.
  await page.getByRole('grid').getByRole('checkbox', { checked: false }).first().check({ force: true });
  await expect(bar()).toContainText('4 selected');
  await expect(bar().getByRole('button', { name: 'Delete' })).not.toHaveAttribute('aria-disabled', 'true');
  await bar().getByRole('button', { name: /^Move/ }).click();
  await page.getByRole('menuitem', { name: 'Move to project…' }).click();
  const dlg = page.getByRole('dialog', { name: /Move 4 assets to a project/ });
  await dlg.getByRole('combobox', { name: 'Project' }).selectOption('Client job');
  await dlg.getByRole('button', { name: 'Move' }).click();
  await expect(toast('1 of 4 moved; 3 are approved')).toBeVisible();
  await shot(page, 'bulk-partial');
  expect(a.cliJson<SearchPage>('search', '--project', 'Client job').total).toBe(1);
});

test('archive asks first (with a note)', async () => {
  await bar().getByRole('button', { name: /^Review/ }).click();
  await page.getByRole('menuitem', { name: 'Archive', exact: true }).click();
  const confirm = page.getByRole('dialog', { name: /Archive: 4 assets\?/ });
  await confirm.getByRole('textbox', { name: 'Note (optional)' }).fill('Season over');
  await confirm.getByRole('button', { name: 'Archive' }).click();
  await expect(toast('All 4 archived')).toBeVisible();
  expect(a.cliJson<SearchPage>('search', '--status', 'archived').total).toBe(4);
});

test('download as one zip', async () => {
  const download = page.waitForEvent('download');
  await bar().getByRole('button', { name: 'Download zip' }).click();
  const d = await download;
  expect(d.suggestedFilename()).toBe('atelier-export.zip');
  await expect(toast('Zip ready: 4 files')).toBeVisible();
});

test('delete asks first, then removes', async () => {
  const before = a.cliJson<SearchPage>('search').total;
  await bar().getByRole('button', { name: 'Delete' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete 4 assets?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  expect(a.cliJson<SearchPage>('search').total).toBe(before);
  await bar().getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: 'Delete 4 assets?' }).getByRole('button', { name: 'Delete 4 assets' }).click();
  await expect(toast('All 4 deleted')).toBeVisible();
  expect(a.cliJson<SearchPage>('search').total).toBe(before - 4);
  await expect(bar()).toBeHidden();
});

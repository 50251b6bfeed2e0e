// The tag tree (issue 14, feature 7): tag paths as a tree with counts (a parent's including its
// sub-tags), collapsed and found by search; a tag dragged onto another is merged into it or
// moved under it, onto the top level it loses its parents — each checked with the CLI.
import { test, expect, startAtelier, signIn, shot, haveCorpus, SKIP_REASON, errorsOf, type Atelier, type SearchPage } from './atelier';
import type { Page } from '@playwright/test';

test.skip(!haveCorpus, SKIP_REASON);
test.describe.configure({ mode: 'serial' });

let a: Atelier;
let page: Page;
type Tags = { name: string; count: number }[];

test.beforeAll(async ({ browser }) => {
  a = await startAtelier({ folders: ['photos'] });
  const ids = a.cliJson<SearchPage>('search', '--limit', '6').items.map((i) => i.id);
  a.cli('tag', 'add', 'client/acme/summer', ids[0]!, ids[1]!, ids[2]!);
  a.cli('tag', 'add', 'client/acme', ids[2]!, ids[3]!);
  a.cli('tag', 'add', 'beach', ids[4]!);
  a.cli('tag', 'add', 'sea', ids[5]!);
  page = await signIn(browser, a);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Tags' }).click();
  await expect(page.getByRole('heading', { name: 'Tags', level: 1 })).toBeVisible();
});

test.afterAll(async () => {
  const errors = page ? errorsOf(page) : [];
  await page?.context().close();
  await a?.stop();
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

const tree = () => page.getByRole('list', { name: 'Tags' });
const row = (path: string) => tree().getByRole('listitem').filter({ has: page.getByRole('button', { name: path, exact: true }) });
const tags = () => Object.fromEntries(a.cliJson<Tags>('tag', 'list').map((t) => [t.name, t.count]));

test('paths as a tree, with counts; a parent counts its sub-tags once', async () => {
  await expect(tree().getByRole('listitem')).toHaveCount(5); // beach, client, client/acme, client/acme/summer, sea
  await expect(row('client/acme')).toContainText('2');
  // client/acme or below: the 3 summer ones and 1 more (one asset carries both).
  await expect(row('client/acme')).toContainText('4 with sub-tags');
  await expect(row('client')).toContainText('4 with sub-tags');
  await shot(page, 'tags-tree');
  await page.getByRole('button', { name: 'Collapse client', exact: true }).click();
  await expect(tree().getByRole('listitem')).toHaveCount(3);
  await page.getByRole('button', { name: 'Expand client', exact: true }).click();
  await page.getByRole('searchbox', { name: 'Find a tag' }).fill('summ');
  await expect(tree().getByRole('listitem')).toHaveCount(3);
  await page.getByRole('searchbox', { name: 'Find a tag' }).fill('');
});

test('drag a tag under another: moved there, everywhere', async () => {
  await row('beach').dragTo(row('client/acme'));
  const dialog = page.getByRole('dialog', { name: '“beach”' });
  await expect(dialog).toContainText('Merge into “client/acme”');
  await dialog.getByRole('button', { name: 'Move to “client/acme/beach”' }).click();
  await expect.poll(tags).toMatchObject({ 'client/acme/beach': 1 });
  expect(tags().beach).toBeUndefined();
  await expect(row('client/acme/beach')).toBeVisible();
});

test('drag a tag onto another: merged into it', async () => {
  await row('sea').dragTo(row('client/acme/summer'));
  const dialog = page.getByRole('dialog', { name: '“sea”' });
  await dialog.getByRole('button', { name: 'Merge into “client/acme/summer”' }).click();
  await expect.poll(() => tags()['client/acme/summer']).toBe(4);
  expect(tags().sea).toBeUndefined();
});

test('drag a nested tag to the top level: it keeps its last name', async () => {
  const source = row('client/acme/beach');
  const box = (await source.boundingBox())!;
  await page.mouse.move(box.x + 40, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 60, box.y + box.height / 2 + 5, { steps: 4 });
  const top = page.getByRole('region', { name: 'Top level' });
  await expect(top).toBeVisible();
  const t = (await top.boundingBox())!;
  await page.mouse.move(t.x + t.width / 2, t.y + t.height / 2, { steps: 8 });
  await page.mouse.up();
  await page.getByRole('dialog', { name: '“client/acme/beach”' }).getByRole('button', { name: 'Move to “beach”' }).click();
  await expect.poll(tags).toMatchObject({ beach: 1 });
});

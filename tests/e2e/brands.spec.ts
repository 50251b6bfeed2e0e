// Brands and campaigns (SPEC R8, R10): the list, create, the kit editor (colour, prompt prefix,
// banned terms, self-approval, anchors), members with roles (the last Manager is kept), the
// Campaigns tab, a campaign page with Add assets (already-there ones skipped), remove, the
// Visibility section's standalone state, and delete (assets stay).
import { test, expect, startAtelier, signIn, shot, cards, haveCorpus, SKIP_REASON, errorsOf, type Atelier, type SearchPage } from './atelier';
import type { Page } from '@playwright/test';

test.skip(!haveCorpus, SKIP_REASON);
test.describe.configure({ mode: 'serial' });

let a: Atelier;
let page: Page;

interface Brand {
  name: string;
  color: string | null;
  prompt_prefix: string;
  banned_terms: string[];
  self_approval: boolean;
  anchors: string[];
  members: { user: string; role: string }[];
}

test.beforeAll(async ({ browser }) => {
  a = await startAtelier({ commands: [['brand', 'create', 'Acme'], ['move', '--text', 'canon', '--brand', 'Acme']] });
  page = await signIn(browser, a);
});

test.afterAll(async () => {
  const errors = page ? errorsOf(page) : [];
  await page?.context().close();
  await a?.stop();
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

const brand = async (name: string) => (await a.api<Brand[]>('/api/brands')).find((b) => b.name === name)!;
const toast = (text: string | RegExp) => page.getByRole('region', { name: 'Notifications' }).getByText(text);

test('the brands list, and create a brand', async () => {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Brands' }).click();
  await expect(page.getByRole('link', { name: /Personal/ })).toBeVisible();
  await expect(page.getByRole('link', { name: /Acme/ })).toContainText('7 assets');
  await page.getByRole('button', { name: 'New brand' }).click();
  const dlg = page.getByRole('dialog', { name: 'New brand' });
  await dlg.getByRole('textbox', { name: 'Name' }).fill('Globex');
  await dlg.getByRole('button', { name: 'Create brand' }).click();
  await expect(page).toHaveURL(/\/brands\/Globex$/);
  await expect(page.getByRole('heading', { name: 'Globex', level: 1 })).toBeVisible();
  await page.goto(`${a.origin}/brands`);
  await shot(page, 'brands');
});

test('kit editor: colour, prefix, banned terms, self-approval', async () => {
  await page.getByRole('link', { name: /Acme/ }).click();
  await page.getByRole('textbox', { name: 'Colour', exact: true }).fill('#e0a458');
  await page.getByRole('textbox', { name: 'Prompt prefix' }).fill('studio lighting,');
  await page.getByRole('button', { name: 'Save kit' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Term to ban' }).fill('watermark');
  await page.getByRole('button', { name: 'Ban', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Allow watermark again' })).toBeVisible();
  await page.getByRole('checkbox', { name: /self-approval/ }).check();
  await expect(toast('Self-approval updated')).toBeVisible();
  const b = await brand('Acme');
  expect(b).toMatchObject({ prompt_prefix: 'studio lighting,', banned_terms: ['watermark'], self_approval: true });
  expect(b.color?.toLowerCase()).toBe('#e0a458');
  await expect(page.getByRole('button', { name: 'Save kit' })).toBeDisabled();
  await shot(page, 'brand-kit');
});

test('anchors: pin assets from the picker', async () => {
  await page.getByRole('button', { name: 'Pin assets…' }).click();
  const picker = page.getByRole('dialog', { name: 'Pin anchors to Acme' });
  await picker.getByRole('checkbox').nth(0).check();
  await picker.getByRole('checkbox').nth(1).check();
  await picker.getByRole('button', { name: 'Pin' }).click();
  await expect(page.getByText('Anchors (2/16)')).toBeVisible();
  expect((await brand('Acme')).anchors).toHaveLength(2);
});

test('members: add, change role, and the last Manager stays', async () => {
  await page.getByRole('navigation', { name: 'Brand sections' }).getByRole('link', { name: 'Members' }).click();
  await page.getByRole('textbox', { name: 'Login name' }).fill('sam');
  await page.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByRole('combobox', { name: 'Role of sam' })).toHaveValue('creator');
  await page.getByRole('combobox', { name: 'Role of sam' }).selectOption('viewer');
  await expect(toast('sam is now a Viewer of Acme')).toBeVisible();
  await page.getByRole('combobox', { name: 'Role of owner' }).selectOption('creator');
  await expect(page.getByRole('alert').filter({ hasText: /manager/i }).first()).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Role of owner' })).toHaveValue('manager');
  const b = await brand('Acme');
  expect(b.members).toEqual(expect.arrayContaining([{ user: 'sam', role: 'viewer' }, { user: 'owner', role: 'manager' }]));
  await shot(page, 'brand-members');
});

test('campaigns tab: create a campaign; its page shows the standalone visibility state', async () => {
  await page.getByRole('navigation', { name: 'Brand sections' }).getByRole('link', { name: 'Campaigns' }).click();
  await expect(page.getByText('No campaigns yet')).toBeVisible();
  await page.getByRole('button', { name: 'New campaign' }).click();
  const dlg = page.getByRole('dialog', { name: 'New campaign on Acme' });
  await dlg.getByRole('textbox', { name: 'Name' }).fill('Spring launch');
  await dlg.getByRole('textbox', { name: 'Description' }).fill('Posters and social');
  await dlg.getByRole('button', { name: 'Create campaign' }).click();
  await expect(page).toHaveURL(/\/brands\/Acme\/campaigns\/Spring%20launch$/);
  const vis = page.getByRole('region', { name: 'Visibility' });
  await expect(vis).toContainText('Private');
  await expect(vis).toContainText('Only studio members can view this campaign');
  await expect(vis).toContainText('This library isn’t connected to a studio: public links are made by a studio server');
  await expect(page.getByText('No assets in Spring launch yet')).toBeVisible();
});

test('add assets with the picker; ones already there are skipped', async () => {
  await page.getByRole('button', { name: 'Add assets' }).first().click();
  let picker = page.getByRole('dialog', { name: 'Add Acme’s assets to Spring launch' });
  for (const i of [0, 1, 2]) await picker.getByRole('checkbox').nth(i).check();
  await picker.getByRole('button', { name: 'Add to campaign' }).click();
  await expect(toast('All 3 added to Spring launch')).toBeVisible();
  await expect(cards(page)).toHaveCount(3);

  await page.getByRole('button', { name: 'Add assets' }).first().click();
  picker = page.getByRole('dialog', { name: 'Add Acme’s assets to Spring launch' });
  await expect(picker.getByText('In campaign')).toHaveCount(3);
  await picker.getByRole('checkbox').nth(0).check();
  await picker.getByRole('checkbox').nth(3).check();
  await picker.getByRole('button', { name: 'Add to campaign' }).click();
  await expect(toast(/1 of 2 added to Spring launch; 1 skipped/)).toBeVisible();
  await expect(cards(page)).toHaveCount(4);
  await shot(page, 'campaign');
});

test('remove from the campaign with the bulk bar', async () => {
  await page.getByRole('grid').getByRole('checkbox').nth(0).check({ force: true });
  const bar = page.getByRole('toolbar', { name: 'Selection actions' });
  await bar.getByRole('button', { name: 'Campaign' }).click();
  await page.getByRole('dialog', { name: 'Add to campaign' }).getByRole('button', { name: 'Remove from “Spring launch”' }).click();
  await expect(toast(/taken out of Spring launch/)).toBeVisible();
  await expect(cards(page)).toHaveCount(3);
});

test('delete the campaign: the grouping goes, the assets stay', async () => {
  const before = a.cliJson<SearchPage>('search', '--brand', 'Acme').total;
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('dialog', { name: /Delete the campaign “Spring launch”/ }).getByRole('button', { name: 'Delete campaign' }).click();
  await expect(page).toHaveURL(/\/brands\/Acme\/campaigns$/);
  expect(a.cliJson<SearchPage>('search', '--brand', 'Acme').total).toBe(before);
  expect(await a.api<unknown[]>('/api/campaigns?brand=Acme')).toHaveLength(0);
});

test('the Personal brand has no members or campaigns', async () => {
  await page.goto(`${a.origin}/brands/Personal`);
  await expect(page.getByRole('heading', { name: 'Personal', level: 1 })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Brand sections' }).getByRole('link', { name: 'Members' })).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Brand sections' }).getByRole('link', { name: 'Campaigns' })).toHaveCount(0);
});

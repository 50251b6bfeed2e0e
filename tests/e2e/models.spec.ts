// Models (SPEC R9.7): model files found by an import are listed with base model, trigger words
// and hashes; choosing one lists the generated assets that name it; an asset's Info tab says
// which models made it. The LoRA and checkpoint here carry the names the corpus's ComfyUI LoRA
// example uses.
import { test, expect, startAtelier, signIn, shot, cards, haveCorpus, SKIP_REASON, errorsOf, type Atelier } from './atelier';
import type { Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

test.skip(!haveCorpus, SKIP_REASON);
test.describe.configure({ mode: 'serial' });

let a: Atelier;
let page: Page;

interface ModelDetail {
  name: string;
  uses: number;
  assets: { name: string }[];
}

test.beforeAll(async ({ browser }) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-models-'));
  const header = Buffer.from(
    JSON.stringify({ __metadata__: { ss_base_model_version: 'sd_v1', ss_output_name: 'epiNoiseoffset', 'modelspec.trigger_phrase': 'noise offset' } }),
  );
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  writeFileSync(path.join(dir, 'epiNoiseoffset_v2.safetensors'), Buffer.concat([len, header, Buffer.from('tensor bytes')]));
  writeFileSync(path.join(dir, 'v1-5-pruned-emaonly.ckpt'), Buffer.from('PK\u0003\u0004 a pickled checkpoint'));
  a = await startAtelier({ folders: ['ai-png/comfyui'], commands: [['import', dir]] });
  page = await signIn(browser, a);
});

test.afterAll(async () => {
  const errors = page ? errorsOf(page) : [];
  await page?.context().close();
  await a?.stop();
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

test('the Models page lists each model with its facts, and what it made', async () => {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Models' }).click();
  const lora = page.getByRole('row', { name: /epiNoiseoffset_v2\.safetensors/ });
  await expect(lora).toContainText('sd_v1');
  await expect(lora).toContainText('noise offset');
  const fromCli = a.cliJson<ModelDetail>('model', 'show', 'epiNoiseoffset_v2.safetensors');
  expect(fromCli.uses).toBeGreaterThan(0);
  await lora.getByRole('button', { name: /epiNoiseoffset_v2/ }).click();
  const made = page.getByRole('list', { name: 'Assets made with epiNoiseoffset_v2.safetensors' });
  await expect(made.getByRole('listitem')).toHaveCount(fromCli.assets.length);
  await expect(made).toContainText(fromCli.assets[0]!.name);
  await shot(page, 'models');
});

test("an asset's Info tab names the models that made it", async () => {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Library' }).click();
  await page.getByRole('searchbox', { name: 'Search', exact: true }).fill('lora_lora');
  await expect(cards(page)).toHaveCount(1);
  await cards(page).first().click();
  const made = page.getByRole('list', { name: 'Models it was made with' });
  await expect(made).toContainText('epiNoiseoffset_v2.safetensors');
  await expect(made).toContainText('v1-5-pruned-emaonly.ckpt');
});

#!/usr/bin/env node
// Runs the browser end-to-end specs with Playwright's runner from ui/node_modules (the specs live
// outside ui/, so NODE_PATH points them at it). Chromium is Debian's (/usr/bin/chromium or
// CHROMIUM); browsers are never downloaded. Extra arguments go to `playwright test`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const ui = path.resolve(here, '../../ui');
const bin = path.join(ui, 'node_modules/.bin/playwright');
if (!existsSync(bin)) {
  console.error('e2e: run `npm ci` in ui/ first (playwright is a dev dependency there)');
  process.exit(1);
}
const env = {
  ...process.env,
  NODE_PATH: [path.join(ui, 'node_modules'), process.env.NODE_PATH].filter(Boolean).join(path.delimiter),
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
};
const r = spawnSync(bin, ['test', '-c', path.join(here, 'playwright.config.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env,
  cwd: ui,
});
process.exit(r.status ?? 1);

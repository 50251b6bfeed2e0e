/**
 * Browser end-to-end tests: Debian's Chromium (never a downloaded browser) against a real
 * `atelier serve` per spec file, on a fresh temporary library seeded from the shared corpus.
 * Environment: ATELIER_BIN (default /var/cache/atelier/target/debug/atelier), ATELIER_CORPUS
 * (default ../shared/corpus next to the repository), CHROMIUM (default /usr/bin/chromium).
 */
import { defineConfig } from '@playwright/test';

const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  outputDir: '/tmp/atelier-e2e-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1440, height: 900 },
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
        '--disable-quic',
      ],
    },
  },
});

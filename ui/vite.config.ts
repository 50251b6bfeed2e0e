/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The built app goes to ui/dist, which crates/web serves (read from disk in debug builds,
// embedded in release builds). `npm run dev` proxies the API to a running `atelier serve`
// given as ATELIER_URL (the printed URL, token included, signs the dev browser in).
const target = process.env.ATELIER_URL ? new URL(process.env.ATELIER_URL).origin : 'http://127.0.0.1:7878';

export default defineConfig({
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      '/api': { target, changeOrigin: true },
      '/media': { target, changeOrigin: true },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});

import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// Served by the ledger at /console/, same origin as the API; everything bundled (no CDN).
export default defineConfig({
  base: '/console/',
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1024 },
});

import { fileURLToPath } from 'node:url';

import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const API_SERVER = process.env.SWITCHBOARD_URL ?? 'http://localhost:3000';

/**
 * The web console: `npm run build:console` writes console/dist, which the server serves at
 * /console; `npm run dev:console` serves it with hot reload and forwards the API to a running server.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: {
    proxy: {
      '/api': { target: API_SERVER, changeOrigin: true },
    },
  },
});

import { defineConfig } from 'vite';

// `npm run dev` serves the app on :5173 and passes the API through to a
// casekeeper server on :8080 (scripts/run.sh), so the session cookie stays
// same-origin. CK_API overrides the target.
const api = process.env.CK_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  server: {
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/healthz': { target: api },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The server's CSP forbids inline scripts and styles: keep everything in
    // external files (no inlined module preload polyfill, no inlined assets).
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    sourcemap: false,
    target: 'es2022',
  },
});

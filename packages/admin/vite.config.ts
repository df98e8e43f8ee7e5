import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into dist/ and served by the server at /admin (packages/server/src/http/admin-panel.ts).
// The contract is compiled from its sources (the `source` condition), so the panel does not
// need the contract's dist. No inline script or style: the server's CSP is script-src 'self'.
export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  resolve: { conditions: ['source'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
  },
});

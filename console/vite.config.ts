import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// Served under /console/ (local stack: local/console.py; AWS: the console stack's CloudFront).
export default defineConfig({
  base: '/console/',
  plugins: [
    vue(),
    // Element Plus components (and their CSS) are imported where a template uses them.
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline script anywhere: the Content-Security-Policy is script-src 'self'.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 800,
  },
})

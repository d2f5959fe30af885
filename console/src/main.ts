import { createApp } from 'vue'
import 'element-plus/theme-chalk/base.css'
import 'element-plus/es/components/message/style/css'
import './style.css'
import App from './App.vue'
import { router } from './router'
import { loadConfig } from './config'
import { useApiBase, whenSessionEnds } from './api/client'
import { loginFromAddress } from './login'

async function start(): Promise<void> {
  await loadConfig()
  useApiBase()
  whenSessionEnds(() => {
    void router.push({ name: 'login', query: { ended: '1' } })
  })
  const failed = await loginFromAddress()
  if (failed) window.history.replaceState(null, '', `/console/login?failed=${encodeURIComponent(failed)}`)
  createApp(App).use(router).mount('#app')
}

void start()

// 浙政钉 H5 免登: the container (or the 浙政钉 scan-login redirect) hands the page an authCode;
// the API exchanges it with 浙政钉 and issues our own tokens. The code is used once and removed
// from the address bar at once.
import { api, bare, must } from './api/client'
import { accept, session } from './auth'

export async function loginWithAuthCode(code: string): Promise<void> {
  accept(await must(bare.POST('/auth/dingtalk', { body: { auth_code: code } })))
  await loadOrgName()
}

export async function loginAsDemo(user_id: string, role: 'enterprise_admin' | 'union_admin' | 'platform_admin', org_path?: string): Promise<void> {
  accept(await must(bare.POST('/dev/login', { body: { role, user_id, ...(org_path ? { org_path } : {}) } })))
  await loadOrgName()
}

export async function loadOrgName(): Promise<void> {
  const path = session.account?.org_path
  if (!path) return
  try {
    const node = await must(api.GET('/orgs/node', { params: { query: { path } } }))
    session.orgName = node.name
  } catch {
    session.orgName = path
  }
}

/** An authCode in the address (?authCode= or ?code=): log in with it, then drop it from the URL. */
export async function loginFromAddress(): Promise<string | null> {
  const url = new URL(window.location.href)
  const code = url.searchParams.get('authCode') ?? url.searchParams.get('code')
  if (!code) return null
  url.searchParams.delete('authCode')
  url.searchParams.delete('code')
  url.searchParams.delete('state')
  window.history.replaceState(null, '', url.pathname + url.search + url.hash)
  try {
    await loginWithAuthCode(code)
    return null
  } catch (err) {
    return (err as Error).message || '浙政钉登录失败'
  }
}

export async function stageAllowsDemo(): Promise<boolean> {
  try {
    const health = await must(bare.GET('/health'))
    return health.stage === 'local'
  } catch {
    return false
  }
}

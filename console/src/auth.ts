// The session lives in this module's memory only: no localStorage, no sessionStorage, no
// cookie, nothing on window. A reload asks 浙政钉 for a new authCode (or the demo login).
import { reactive } from 'vue'
import type { components } from './api/schema'

export type Account = components['schemas']['AccountView']
type TokenPair = components['schemas']['TokenPair']

export const session = reactive({
  account: null as Account | null,
  orgName: '',
})

let accessToken: string | null = null
let refreshToken: string | null = null
let refreshing: Promise<boolean> | null = null

export function accept(pair: TokenPair): void {
  accessToken = pair.access_token
  refreshToken = pair.refresh_token
  session.account = pair.account
}

export function bearer(): string | null {
  return accessToken
}

export function heldRefreshToken(): string | null {
  return refreshToken
}

export function forget(): void {
  accessToken = null
  refreshToken = null
  session.account = null
  session.orgName = ''
}

/** One refresh at a time (rotating refresh tokens: a second concurrent use would revoke the family). */
export function refreshOnce(run: (token: string) => Promise<TokenPair | null>): Promise<boolean> {
  if (!refreshToken) return Promise.resolve(false)
  if (!refreshing) {
    const token = refreshToken
    refreshing = run(token)
      .then((pair) => {
        if (pair) accept(pair)
        else forget()
        return pair !== null
      })
      .finally(() => {
        refreshing = null
      })
  }
  return refreshing
}

export const ROLE_NAMES: Record<string, string> = {
  worker: '职工会员',
  enterprise_admin: '企业工会管理员',
  union_admin: '区县/市总工会工作人员',
  platform_admin: '平台管理员',
}

export function isUnionStaff(): boolean {
  const role = session.account?.role
  return role === 'union_admin' || role === 'platform_admin'
}

export function isStaff(): boolean {
  return isUnionStaff() || session.account?.role === 'enterprise_admin'
}

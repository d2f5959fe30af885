import { createRouter, createWebHistory } from 'vue-router'
import { session } from './auth'

export interface Page {
  path: string
  name: string
  title: string
  roles: string[]
  group: '概览' | '待办' | '管理'
  component: () => Promise<unknown>
}

const UNION = ['union_admin', 'platform_admin']
const STAFF = ['enterprise_admin', ...UNION]

// Each page is its own chunk: the first load carries the shell and the login only.
export const PAGES: Page[] = [
  { path: '/dashboard', name: 'dashboard', title: '数据看板', roles: STAFF, group: '概览', component: () => import('./pages/DashboardPage.vue') },
  { path: '/aid', name: 'aid', title: '困难帮扶审核', roles: STAFF, group: '待办', component: () => import('./pages/AidPage.vue') },
  { path: '/appeals', name: 'appeals', title: '会员身份申诉', roles: UNION, group: '待办', component: () => import('./pages/AppealsPage.vue') },
  { path: '/photos', name: 'photos', title: '照片审核', roles: UNION, group: '待办', component: () => import('./pages/PhotosPage.vue') },
  { path: '/reports', name: 'reports', title: '举报处理', roles: UNION, group: '待办', component: () => import('./pages/ReportsPage.vue') },
  { path: '/dorms', name: 'dorms', title: '宿舍申请审批', roles: STAFF, group: '待办', component: () => import('./pages/DormsPage.vue') },
  { path: '/subsidy', name: 'subsidy', title: '产改补助审核', roles: UNION, group: '待办', component: () => import('./pages/SubsidyPage.vue') },
  { path: '/bookings', name: 'bookings', title: '场馆预约审核', roles: STAFF, group: '待办', component: () => import('./pages/BookingsPage.vue') },
  { path: '/talents', name: 'talents', title: '千名技能人才审核', roles: UNION, group: '待办', component: () => import('./pages/TalentsPage.vue') },
  { path: '/content', name: 'content', title: '文章审核', roles: STAFF, group: '待办', component: () => import('./pages/ContentPage.vue') },
  { path: '/mediation', name: 'mediation', title: '劳动争议调解', roles: ['union_admin'], group: '待办', component: () => import('./pages/MediationPage.vue') },
  { path: '/staff', name: 'staff', title: '工作人员', roles: UNION, group: '管理', component: () => import('./pages/StaffPage.vue') },
  { path: '/places', name: 'places', title: '宿舍与食堂', roles: STAFF, group: '管理', component: () => import('./pages/PlacesPage.vue') },
  { path: '/menus', name: 'menus', title: '食堂菜单', roles: STAFF, group: '管理', component: () => import('./pages/MenusPage.vue') },
  { path: '/safety', name: 'safety', title: '聊天风控规则', roles: UNION, group: '管理', component: () => import('./pages/SafetyPage.vue') },
  { path: '/settings', name: 'settings', title: '帮扶与补助设置', roles: UNION, group: '管理', component: () => import('./pages/SettingsPage.vue') },
]

export function pagesFor(role: string | undefined): Page[] {
  return PAGES.filter((p) => role && p.roles.includes(role))
}

export const router = createRouter({
  history: createWebHistory('/console/'),
  routes: [
    { path: '/', redirect: '/dashboard' },
    { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { title: '登录' } },
    ...PAGES.map((p) => ({ path: p.path, name: p.name, component: p.component, meta: { title: p.title, roles: p.roles } })),
    { path: '/:rest(.*)*', name: 'missing', component: () => import('./pages/MissingPage.vue'), meta: { title: '找不到页面' } },
  ],
})

router.beforeEach((to) => {
  // main.ts has logged in with an authCode in the address: it is never kept in the history
  if ('authCode' in to.query || 'code' in to.query) {
    const query = { ...to.query }
    delete query.authCode
    delete query.code
    delete query.state
    return { path: to.path, query, hash: to.hash, replace: true }
  }
  if (to.name === 'login' || to.name === 'missing') return true
  if (!session.account) return { name: 'login', query: { next: to.fullPath } }
  const roles = to.meta.roles as string[] | undefined
  if (roles && !roles.includes(session.account.role)) return { name: 'dashboard' }
  return true
})

router.afterEach((to) => {
  document.title = `${(to.meta.title as string) ?? ''} · 数智工会 工作台`
})

export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—'
  return `¥${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
}

/** UTC ISO time from the API → Asia/Shanghai, as people read it. */
export function beijing(iso: string | null | undefined): string {
  if (!iso) return '—'
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return iso
  return at.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })
}

export function thisMonth(offset = 0): string {
  const now = new Date(Date.now() + 8 * 3600_000)
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1))
  return `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, '0')}`
}

import { ref } from 'vue'
import { explain } from './api/client'

/** A queue read page by page with the API's opaque cursors (上一页 keeps the cursors seen). */
export function usePaged<T>(load: (cursor: string | undefined) => Promise<{ items: T[]; next_cursor?: string | null }>) {
  const items = ref<T[]>([]) as { value: T[] }
  const loading = ref(false)
  const error = ref('')
  const cursors = ref<(string | undefined)[]>([undefined])
  const next = ref<string | null>(null)

  async function fetchPage(cursor: string | undefined): Promise<void> {
    loading.value = true
    error.value = ''
    try {
      const page = await load(cursor)
      items.value = page.items
      next.value = page.next_cursor ?? null
    } catch (err) {
      error.value = explain(err)
      items.value = []
      next.value = null
    } finally {
      loading.value = false
    }
  }

  return {
    items, loading, error, next,
    page: () => cursors.value.length,
    reload: () => fetchPage(cursors.value[cursors.value.length - 1]),
    first: () => { cursors.value = [undefined]; return fetchPage(undefined) },
    forward: () => { if (next.value) { cursors.value.push(next.value); return fetchPage(next.value) } },
    back: () => { if (cursors.value.length > 1) { cursors.value.pop(); return fetchPage(cursors.value[cursors.value.length - 1]) } },
  }
}

export type Outcome = { type: 'success' | 'error' | 'warning'; text: string } | null

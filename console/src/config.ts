// Where the API is. Locally the console is served next to the API (same origin); in AWS the
// console stack writes /console/config.json with the stage's API URL at deploy time.
export const config = { apiBase: '' }

export async function loadConfig(): Promise<void> {
  try {
    const res = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' })
    if (res.ok) {
      const body = (await res.json()) as { api_base?: string }
      config.apiBase = (body.api_base ?? '').replace(/\/+$/, '')
    }
  } catch {
    /* same origin */
  }
}

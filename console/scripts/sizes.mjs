// Prints the JavaScript a browser loads on first visit (index.html's entry + its static
// imports), raw and gzip-compressed, and fails the build above the budget (1 MB compressed).
import { readFileSync, readdirSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'

const dist = new URL('../dist/', import.meta.url).pathname
const BUDGET = 1024 * 1024
const html = readFileSync(join(dist, 'index.html'), 'utf8')
const first = new Set([...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]))
const seen = new Set()
const visit = (file) => {
  if (seen.has(file)) return
  seen.add(file)
  const text = readFileSync(join(dist, file), 'utf8')
  // static imports between chunks: import ... from "./x.js" / import "./x.js"
  for (const m of text.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) visit(join('assets', m[1]))
}
first.forEach(visit)
const size = (file) => {
  const body = readFileSync(join(dist, file))
  return { raw: body.length, gzip: gzipSync(body, { level: 9 }).length }
}
const rows = [...seen].map((f) => ({ file: f, ...size(f) }))
const all = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js')).map((f) => size(join('assets', f)))
const sum = (xs, k) => xs.reduce((a, x) => a + x[k], 0)
const kb = (n) => `${(n / 1024).toFixed(1)} KB`
console.log('\nconsole first load (JavaScript)')
console.log('file'.padEnd(48), 'raw'.padStart(10), 'gzip'.padStart(10))
for (const r of rows) console.log(r.file.padEnd(48), kb(r.raw).padStart(10), kb(r.gzip).padStart(10))
console.log('first load total'.padEnd(48), kb(sum(rows, 'raw')).padStart(10), kb(sum(rows, 'gzip')).padStart(10))
console.log('all chunks (lazy pages included)'.padEnd(48), kb(sum(all, 'raw')).padStart(10), kb(sum(all, 'gzip')).padStart(10))
if (sum(rows, 'gzip') > BUDGET) {
  console.error(`first load is ${kb(sum(rows, 'gzip'))} compressed: over the 1 MB budget`)
  process.exit(1)
}

// Enforces the coverage floor of the adapters and core after `tap` has run:
// at least 95 % of lines and of branches in each package's src/, summed over
// its files. tap 21 only knows "100 % or allow incomplete", hence this script.
import { readFileSync } from 'node:fs'
import { relative, resolve } from 'node:path'

const FLOOR = 95
const PACKAGES = ['packages/core/src', 'packages/fastify/src', 'packages/express/src']
const root = resolve(import.meta.dirname, '..')
const summary = JSON.parse(readFileSync(resolve(root, '.tap/report/coverage-summary.json'), 'utf8'))

let failed = false
for (const dir of PACKAGES) {
  const totals = { lines: { covered: 0, total: 0 }, branches: { covered: 0, total: 0 } }
  let files = 0
  for (const [file, data] of Object.entries(summary)) {
    if (file === 'total' || !relative(root, file).startsWith(`${dir}/`)) continue
    files += 1
    for (const metric of ['lines', 'branches']) {
      totals[metric].covered += data[metric].covered
      totals[metric].total += data[metric].total
    }
  }
  if (files === 0) {
    if (dir !== 'packages/express/src') {
      console.error(`coverage: no file of ${dir} was loaded by the tests`)
      failed = true
    }
    continue
  }
  const pct = (m) => (m.total === 0 ? 100 : (100 * m.covered) / m.total)
  const lines = pct(totals.lines)
  const branches = pct(totals.branches)
  const ok = lines >= FLOOR && branches >= FLOOR
  failed ||= !ok
  console.log(
    `coverage ${ok ? 'ok  ' : 'FAIL'} ${dir}: lines ${lines.toFixed(1)} %, branches ${branches.toFixed(1)} % (floor ${FLOOR} %)`,
  )
}
process.exit(failed ? 1 : 0)

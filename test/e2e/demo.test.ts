// The README's demo command, run as a user runs it: a child process whose
// printed table must show each kind of token with the answer tokenward gave.
import t from 'tap'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const script = fileURLToPath(new URL('../../examples/demo/demo.mjs', import.meta.url))
const run = promisify(execFile)

const EXPECTED: [kind: string, status: string, code: string][] = [
  ['access token (client credentials)', '200', '-'],
  ['access token (user, code flow)', '200', '-'],
  ['ID token', '401', 'TW_ID_TOKEN'],
  ['refresh token (opaque)', '401', 'TW_OPAQUE_TOKEN'],
  ['refresh token (JWT, typ Refresh)', '401', 'TW_REFRESH_TOKEN'],
  ['opaque access token', '401', 'TW_OPAQUE_TOKEN'],
  ['access token for another API', '401', 'TW_WRONG_AUDIENCE'],
  ['access token, missing scope', '403', 'TW_INSUFFICIENT_SCOPE'],
  ['no token', '401', 'TW_MISSING_TOKEN'],
  ['no token, public route', '200', '-'],
]

for (const adapter of ['fastify', 'express'] as const) {
  t.test(`pnpm demo${adapter === 'express' ? ' --express' : ''} prints the table and exits 0`, async (t) => {
    const args = adapter === 'express' ? [script, '--express'] : [script]
    const { stdout } = await run(process.execPath, args, { timeout: 60_000 })
    t.match(stdout, new RegExp(`tokenward demo: ${adapter} API at http://127\\.0\\.0\\.1:\\d+`))
    const lines = stdout.split('\n')
    for (const [kind, status, code] of EXPECTED) {
      const line = lines.find((l) => l.startsWith(`${kind}  `))
      t.ok(line, `a row for "${kind}"`)
      const cells = (line ?? '').split(/ {2,}/)
      t.equal(cells[2], status, `${kind}: status`)
      t.equal(cells[3], code, `${kind}: code`)
    }
    t.match(
      lines.find((l) => l.startsWith('access token (user, code flow)')),
      /sub=alice scopes=.*read:appointments/,
    )
    t.match(
      lines.find((l) => l.startsWith('ID token')),
      /An ID token was sent; this API needs an access token/,
    )
    t.match(
      lines.find((l) => l.startsWith('access token, missing scope')),
      /needs scope="read:appointments"/,
    )
    t.match(
      lines.find((l) => l.startsWith('no token  ')),
      /WWW-Authenticate: Bearer realm="appointments-api"$/,
    )
    t.match(stdout, /10\/10 answers as expected/)
  })
}

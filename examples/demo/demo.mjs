// pnpm demo: start the embedded development issuer and the example API, get
// one token of each kind from the issuer, send each to the API and print what
// tokenward answered.
//
//   pnpm demo              Fastify example, prints the table and exits
//   pnpm demo --express    the Express example instead
//   pnpm demo --keep       keep both servers running and print curl lines
import { startDevIssuer } from '@tokenward/dev-issuer'

/**
 * @typedef {object} DemoRow
 * @property {string} kind        what was sent
 * @property {string} request     method and path
 * @property {number} status
 * @property {string} code        tokenward's code, or '-' on success
 * @property {string} detail      error_description of the challenge, or the response's sub and scopes
 * @property {string} challenge   the WWW-Authenticate header ('' when none)
 */

async function startApi(adapter, issuer) {
  const options = { issuer: issuer.issuer, audience: issuer.audience }
  if (adapter === 'express') {
    const { createApp } = await import('@tokenward/example-express-api')
    const app = await createApp(options)
    await app.ready()
    const server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s))
    })
    return {
      url: `http://127.0.0.1:${server.address().port}`,
      close: async () => {
        app.close()
        server.closeAllConnections()
        await new Promise((resolve) => server.close(resolve))
      },
    }
  }
  const { createApp } = await import('@tokenward/example-fastify-api')
  const app = await createApp(options)
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url, close: () => app.close() }
}

/** The requests of the demo: what is sent, where, and what tokenward should answer. */
async function scenarios(issuer) {
  const service = await issuer.clientCredentialsToken({ scope: 'read:appointments' })
  const user = await issuer.authorizationCodeTokens()
  const reportsOnly = await issuer.clientCredentialsToken({ scope: 'read:reports' })
  const otherApi = await issuer.clientCredentialsToken({
    scope: 'read:other',
    resource: issuer.otherAudience,
  })
  const opaque = await issuer.opaqueAccessToken()
  const keycloakRefresh = await issuer.signToken({
    typ: 'Refresh',
    sub: 'alice',
    aud: issuer.issuer,
    azp: issuer.webClientId,
  })
  return [
    { kind: 'access token (client credentials)', path: '/appointments', token: service, expect: 200 },
    { kind: 'access token (user, code flow)', path: '/me', token: user.accessToken, expect: 200 },
    { kind: 'ID token', path: '/me', token: user.idToken, expect: 401, code: 'TW_ID_TOKEN' },
    {
      kind: 'refresh token (opaque)',
      path: '/me',
      token: user.refreshToken,
      expect: 401,
      code: 'TW_OPAQUE_TOKEN',
    },
    {
      kind: 'refresh token (JWT, typ Refresh)',
      path: '/me',
      token: keycloakRefresh,
      expect: 401,
      code: 'TW_REFRESH_TOKEN',
    },
    { kind: 'opaque access token', path: '/me', token: opaque, expect: 401, code: 'TW_OPAQUE_TOKEN' },
    {
      kind: 'access token for another API',
      path: '/me',
      token: otherApi,
      expect: 401,
      code: 'TW_WRONG_AUDIENCE',
    },
    {
      kind: 'access token, missing scope',
      path: '/appointments',
      token: reportsOnly,
      expect: 403,
      code: 'TW_INSUFFICIENT_SCOPE',
    },
    { kind: 'no token', path: '/me', token: undefined, expect: 401, code: 'TW_MISSING_TOKEN' },
    { kind: 'no token, public route', path: '/health', token: undefined, expect: 200 },
  ]
}

/** The challenge parameter `name`, unquoted. */
export function challengeParam(challenge, name) {
  const match = new RegExp(`${name}="((?:[^"\\\\]|\\\\.)*)"`).exec(challenge)
  return match === null ? undefined : match[1]
}

function detailOf(challenge) {
  const description = challengeParam(challenge, 'error_description')
  if (description === undefined) return `WWW-Authenticate: ${challenge}`
  const scope = challengeParam(challenge, 'scope')
  return scope === undefined ? description : `${description} (needs scope="${scope}")`
}

/**
 * Runs the demo and returns one row per request.
 * @param {{ adapter?: 'fastify' | 'express', keep?: boolean }} [options]
 * @returns {Promise<{ rows: DemoRow[], scenarios: object[], issuer: object, api: { url: string }, close: () => Promise<void> }>}
 */
export async function runDemo({ adapter = 'fastify' } = {}) {
  const issuer = await startDevIssuer()
  let api
  try {
    api = await startApi(adapter, issuer)
    const cases = await scenarios(issuer)
    const rows = []
    for (const { kind, path, token } of cases) {
      const response = await fetch(api.url + path, {
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      })
      const challenge = response.headers.get('www-authenticate') ?? ''
      const body = await response.json().catch(() => ({}))
      rows.push({
        kind,
        request: `GET ${path}`,
        status: response.status,
        code: body.code ?? '-',
        detail: response.ok
          ? body.sub === undefined
            ? JSON.stringify(body)
            : `sub=${body.sub} scopes=${body.scopes.join(' ')}`
          : detailOf(challenge),
        challenge,
      })
    }
    return {
      rows,
      scenarios: cases,
      issuer,
      api,
      close: async () => {
        await api.close()
        await issuer.close()
      },
    }
  } catch (error) {
    await api?.close()
    await issuer.close()
    throw error
  }
}

/** The rows as an aligned plain-text table. */
export function formatTable(rows) {
  const header = { kind: 'token sent', request: 'request', status: 'status', code: 'code', detail: 'answer' }
  const columns = ['kind', 'request', 'status', 'code', 'detail']
  const all = [header, ...rows]
  const width = Object.fromEntries(
    columns.map((c) => [
      c,
      Math.max(...all.slice(0, c === 'detail' ? 1 : undefined).map((r) => String(r[c]).length)),
    ]),
  )
  const line = (row) => columns.map((c) => String(row[c]).padEnd(c === 'detail' ? 0 : width[c])).join('  ')
  return [
    line(header),
    columns.map((c) => '-'.repeat(c === 'detail' ? 6 : width[c])).join('  '),
    ...rows.map(line),
  ].join('\n')
}

async function main() {
  const adapter = process.argv.includes('--express') ? 'express' : 'fastify'
  const keep = process.argv.includes('--keep')
  const started = Date.now()
  const demo = await runDemo({ adapter })
  console.log(`tokenward demo: ${adapter} API at ${demo.api.url}, dev issuer at ${demo.issuer.issuer}\n`)
  console.log(formatTable(demo.rows))
  const wrong = demo.rows.filter((row, i) => {
    const expected = demo.scenarios[i]
    return row.status !== expected.expect || (expected.code !== undefined && row.code !== expected.code)
  })
  console.log(
    `\n${demo.rows.length - wrong.length}/${demo.rows.length} answers as expected (${Date.now() - started} ms)`,
  )
  if (keep) {
    const token = demo.scenarios[0].token
    const idToken = demo.scenarios[2].token
    console.log(`\nServers keep running (Ctrl-C to stop). Try:
  curl -i ${demo.api.url}/health
  curl -i ${demo.api.url}/appointments -H 'Authorization: Bearer ${token}'
  curl -i ${demo.api.url}/me -H 'Authorization: Bearer ${idToken}'
  curl -i ${demo.api.url}/me
More tokens: POST ${demo.issuer.discovery.token_endpoint} (client_credentials, client ${demo.issuer.serviceClientId}:${demo.issuer.serviceClientSecret}, resource=${demo.issuer.audience})`)
    process.once('SIGINT', () => demo.close().then(() => process.exit(0)))
    return
  }
  await demo.close()
  process.exitCode = wrong.length === 0 ? 0 : 1
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error)
    process.exit(1)
  })
}

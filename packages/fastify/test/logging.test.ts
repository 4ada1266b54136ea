/**
 * Logs through pino: one `info` line per refusal with `tokenward.code`, never
 * the token; `error` when the issuer's keys cannot be fetched, `warn` while
 * stale keys are served.
 */
import t from 'tap'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import tokenward from '@tokenward/fastify'
import type { TokenwardErrorCode, TokenwardFastifyOptions } from '@tokenward/fastify'
import { createIssuer, NOW, NOW_S } from './fixtures/issuer.js'
import { assertRefusal, bearer, pluginOptions } from './fixtures/app.js'
import { closedPort, startJwksServer } from './fixtures/http.js'

interface LogLine {
  level: number
  msg: string
  reqId?: string
  tokenward?: Record<string, unknown>
  [key: string]: unknown
}

const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const

/** A Fastify app logging JSON lines into memory. */
async function loggedApp(
  options: TokenwardFastifyOptions,
  level: keyof typeof LEVEL = 'info',
): Promise<{ app: FastifyInstance; raw: string[]; lines: () => LogLine[] }> {
  const raw: string[] = []
  const stream = { write: (chunk: string) => void raw.push(chunk) }
  const app = Fastify({ logger: { level, stream } })
  await app.register(tokenward, options)
  app.get('/me', async (request) => ({ sub: request.auth?.sub }))
  app.get('/scoped', { config: { auth: { scopes: ['admin'] } } }, async () => ({ ok: true }))
  await app.ready()
  t.teardown(() => app.close())
  return { app, raw, lines: () => raw.map((line) => JSON.parse(line) as LogLine) }
}

const issuer = await createIssuer('RS256')

t.test('one info line with tokenward.code per refusal, never the token', async (t) => {
  const { app, raw, lines } = await loggedApp(pluginOptions(issuer))
  const valid = await issuer.sign()
  const tokens = {
    expired: await issuer.sign({ exp: NOW_S - 600 }),
    idToken: await issuer.sign({ nonce: 'n-0S6', name: 'Jane' }),
    wrongAud: await issuer.sign({ aud: 'https://other.api' }),
    badSig: `${valid.slice(0, valid.lastIndexOf('.') + 1)}${'A'.repeat(342)}`,
    refresh: await issuer.sign({ token_use: 'refresh' }),
  }
  const cases: [TokenwardErrorCode, string, Record<string, string | string[]>][] = [
    ['TW_MISSING_TOKEN', '/me', {}],
    ['TW_INVALID_REQUEST', '/me', { authorization: `Bearer ${tokens.expired} junk` }],
    [
      'TW_INVALID_REQUEST',
      '/me',
      { authorization: [`Bearer ${tokens.expired}`, `Bearer ${tokens.refresh}`] },
    ],
    ['TW_EXPIRED', '/me', bearer(tokens.expired)],
    ['TW_ID_TOKEN', '/me', bearer(tokens.idToken)],
    ['TW_WRONG_AUDIENCE', '/me', bearer(tokens.wrongAud)],
    ['TW_BAD_SIGNATURE', '/me', bearer(tokens.badSig)],
    ['TW_REFRESH_TOKEN', '/me', bearer(tokens.refresh)],
    ['TW_OPAQUE_TOKEN', '/me', bearer('opaque-secret-value')],
    ['TW_INSUFFICIENT_SCOPE', '/scoped', bearer(valid)],
  ]
  for (const [code, url, headers] of cases) {
    const before = raw.length
    const res = await app.inject({ url, headers })
    t.equal(res.json().code, code)
    const fresh = lines().slice(before)
    const refusals = fresh.filter((line) => line.tokenward?.code !== undefined)
    t.equal(refusals.length, 1, `${code}: one line with tokenward.code`)
    t.match(refusals[0], {
      level: LEVEL.info,
      msg: 'tokenward: request refused',
      reqId: String,
      tokenward: { code, statusCode: res.statusCode },
    })
  }
  t.equal((await app.inject({ url: '/me', headers: bearer(valid) })).statusCode, 200)

  const all = raw.join('\n')
  const secrets = [valid, ...Object.values(tokens), 'opaque-secret-value']
  for (const token of secrets) {
    t.notOk(all.includes(token), 'no token in the logs')
    t.notOk(all.includes(token.split('.').at(-1) as string), 'no signature part in the logs')
    t.notOk(all.includes(`Bearer ${token}`), 'no Authorization value in the logs')
  }
  t.notOk(/"authorization"\s*:/i.test(all), 'no Authorization header logged at all')
})

t.test('key fetch failure at start-up: error line; requests get 503 with one info line', async (t) => {
  const port = await closedPort()
  const jwksUri = `http://127.0.0.1:${port}/jwks`
  const { app, raw, lines } = await loggedApp(pluginOptions(issuer, { jwks: undefined, jwksUri }))
  const errors = lines().filter((line) => line.level === LEVEL.error)
  t.equal(errors.length, 1, 'one error line at start-up')
  t.match(errors[0], {
    msg: 'tokenward: fetching the issuer keys failed',
    tokenward: { servingStale: false, reason: /GET http:\/\/127\.0\.0\.1:\d+\/jwks failed/ },
  })

  const token = await issuer.sign()
  const before = raw.length
  const res = await app.inject({ url: '/me', headers: bearer(token) })
  assertRefusal(t, res, 'TW_KEYS_UNAVAILABLE')
  const fresh = lines().slice(before)
  t.same(
    fresh
      .filter((line) => line.tokenward?.code !== undefined)
      .map((line) => [line.level, line.tokenward?.code]),
    [[LEVEL.info, 'TW_KEYS_UNAVAILABLE']],
  )
  t.notOk(raw.join('\n').includes(token.split('.')[2] as string), 'no token in the logs')
})

t.test(
  'stale keys while the issuer is down: error + warn once, then 503 past the stale window',
  async (t) => {
    const jwks = await startJwksServer(issuer.jwks)
    t.teardown(() => jwks.close())
    let clock = NOW
    const { app, lines } = await loggedApp(
      pluginOptions(issuer, {
        jwks: undefined,
        jwksUri: jwks.url,
        now: () => clock,
        cache: false,
        keys: { cacheMaxAge: 1000, cooldownDuration: 100, staleIfErrorDuration: 10_000 },
      }),
      'debug',
    )
    t.match(
      lines().filter((line) => line.msg === 'tokenward: keys fetched'),
      [{ level: LEVEL.debug, tokenward: { keyCount: 1 } }],
      'debug line for the start-up fetch',
    )
    const call = async () =>
      app.inject({ url: '/me', headers: bearer(await issuer.sign({ jti: String(clock) })) })
    t.equal((await call()).statusCode, 200)

    jwks.answer = { status: 500 }
    clock += 2000 // keys due for refresh, issuer failing
    t.equal((await call()).statusCode, 200, 'stale keys are served')
    const warnOrWorse = () =>
      lines().filter((line) => line.level >= LEVEL.warn && line.tokenward !== undefined)
    t.match(warnOrWorse(), [
      {
        level: LEVEL.error,
        msg: 'tokenward: fetching the issuer keys failed',
        tokenward: { servingStale: true, reason: /HTTP 500/ },
      },
      {
        level: LEVEL.warn,
        msg: 'tokenward: serving stale issuer keys while the issuer is unavailable',
        tokenward: { ageMs: 2000 },
      },
    ])
    t.equal(warnOrWorse().length, 2)

    clock += 1000
    t.equal((await call()).statusCode, 200, 'still stale, still served')
    t.equal(warnOrWorse().length, 2, 'one report per failure streak')

    clock += 10_000 // past staleIfErrorDuration
    const res = await call()
    assertRefusal(t, res, 'TW_KEYS_UNAVAILABLE')
    t.equal(res.headers['retry-after'], '1')

    jwks.answer = { jwks: issuer.jwks }
    clock += 200
    t.equal((await call()).statusCode, 200, 'served again once the issuer is back')
    t.ok(jwks.hits.length >= 4)
  },
)

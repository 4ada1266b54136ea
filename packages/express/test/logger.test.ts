// The logger option: one info line per refusal with code and status (never
// the token), debug on keys fetched, error on a failed key fetch, warn while
// stale keys are served; and a real pino logger fits the type.
import { Writable } from 'node:stream'
import t from 'tap'
import express from 'express'
import { pino } from 'pino'
import { errorHandler, requireScopes, tokenward } from '../src/index.js'
import type { TokenwardExpressOptions, TokenwardLogger } from '../src/index.js'
import { AUDIENCE, baseOptions, get, ISSUER, keyServer, mint, NOW, serve } from './fixtures/helpers.js'

interface Line {
  level: 'info' | 'warn' | 'error' | 'debug'
  object: object
  message: string | undefined
}

function capture(): { logger: TokenwardLogger; lines: Line[] } {
  const lines: Line[] = []
  const at =
    (level: Line['level']) =>
    (object: object, message?: string): void => {
      lines.push({ level, object, message })
    }
  return { logger: { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') }, lines }
}

async function app(options: TokenwardExpressOptions) {
  const auth = tokenward(options)
  const served = await serve(
    express()
      .use(auth)
      .get('/me', (req, res) => {
        res.json({ sub: req.auth?.sub })
      })
      .get('/admin', requireScopes('admin'), (_req, res) => {
        res.json({})
      })
      .use(errorHandler()),
  )
  t.teardown(() => {
    auth.verifier.close()
    return served.close()
  })
  return { auth, url: served.url }
}

t.test('one info line per refusal, with code and status, never the token', async (t) => {
  const { logger, lines } = capture()
  const { url } = await app({ ...baseOptions, logger })
  const good = await mint({ scope: 'read:profile' })
  const expired = await mint({ exp: NOW / 1000 - 3600 })
  const idToken = await mint({ nonce: 'n' }, { header: { typ: 'JWT' } })

  t.equal((await get(`${url}/me`, `Bearer ${good}`)).status, 200)
  t.same(lines, [], 'nothing logged for an accepted token')

  const sent: [string, string | undefined, string, number][] = [
    ['/me', `Bearer ${expired}`, 'TW_EXPIRED', 401],
    ['/me', `Bearer ${idToken}`, 'TW_ID_TOKEN', 401],
    ['/me', undefined, 'TW_MISSING_TOKEN', 401],
    ['/me', 'Bearer', 'TW_INVALID_REQUEST', 400],
    ['/admin', `Bearer ${good}`, 'TW_INSUFFICIENT_SCOPE', 403],
  ]
  for (const [path, authorization, code, statusCode] of sent) {
    lines.length = 0
    const res = await get(url + path, authorization)
    t.equal(res.status, statusCode)
    t.same(
      lines,
      [{ level: 'info', object: { tokenward: { code, statusCode } }, message: 'tokenward: request refused' }],
      `${code}: one info line`,
    )
  }
  const logged = JSON.stringify(lines)
  for (const token of [good, expired, idToken]) t.notOk(logged.includes(token), 'no token in the logs')
})

t.test('optional: an anonymous request is not a refusal', async (t) => {
  const { logger, lines } = capture()
  const { url } = await app({ ...baseOptions, optional: true, logger })
  t.equal((await get(`${url}/me`)).status, 200)
  t.same(lines, [])
  t.equal((await get(`${url}/admin`)).status, 401)
  t.match(lines, [{ level: 'info', object: { tokenward: { code: 'TW_MISSING_TOKEN', statusCode: 401 } } }])
})

t.test('key sets: debug when fetched, error when the fetch fails, warn on stale keys', async (t) => {
  const keys = await keyServer()
  t.teardown(() => keys.close())
  const { logger, lines } = capture()
  let clock = NOW
  const { auth, url } = await app({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUri: keys.url,
    now: () => clock,
    keys: { cacheMaxAge: 60_000, cooldownDuration: 1000 },
    logger,
  })

  await auth.ready()
  t.same(lines, [
    {
      level: 'debug',
      object: { tokenward: { issuer: ISSUER, keyCount: 1 } },
      message: 'tokenward: keys fetched',
    },
  ])

  lines.length = 0
  keys.mode = 'fail'
  clock += 120_000
  const token = await mint()
  const res = await get(`${url}/me`, `Bearer ${token}`)
  t.equal(res.status, 200, 'stale keys keep serving while the issuer is down')
  t.same(lines, [
    {
      level: 'error',
      object: {
        tokenward: { issuer: ISSUER, servingStale: true, reason: `GET ${keys.url} answered HTTP 500` },
      },
      message: 'tokenward: fetching the issuer keys failed',
    },
    {
      level: 'warn',
      object: { tokenward: { issuer: ISSUER, ageMs: 120_000 } },
      message: 'tokenward: serving stale issuer keys while the issuer is unavailable',
    },
  ])
  t.notOk(JSON.stringify(lines).includes(token))
})

t.test('keys never had: error line, 503 refusal line, ready() rejects', async (t) => {
  const keys = await keyServer()
  keys.mode = 'fail'
  t.teardown(() => keys.close())
  const { logger, lines } = capture()
  const { auth, url } = await app({ issuer: ISSUER, audience: AUDIENCE, jwksUri: keys.url, logger })
  await t.rejects(auth.ready(), { code: 'TW_KEYS_UNAVAILABLE', statusCode: 503 })
  t.match(lines, [{ level: 'error', object: { tokenward: { issuer: ISSUER, servingStale: false } } }])
  lines.length = 0
  const res = await get(`${url}/me`, `Bearer ${await mint()}`)
  t.equal(res.status, 503)
  t.match(lines, [{ level: 'info', object: { tokenward: { code: 'TW_KEYS_UNAVAILABLE', statusCode: 503 } } }])
})

t.test('a pino logger fits, and its output never holds the token', async (t) => {
  const output: string[] = []
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output.push(chunk.toString())
      done()
    },
  })
  const logger: TokenwardLogger = pino({ level: 'debug' }, destination)
  const { url } = await app({ ...baseOptions, logger })
  const token = await mint({ exp: NOW / 1000 - 3600 })
  t.equal((await get(`${url}/me`, `Bearer ${token}`)).status, 401)
  const records = output
    .join('')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
  t.match(records, [
    { level: 30, tokenward: { code: 'TW_EXPIRED', statusCode: 401 }, msg: 'tokenward: request refused' },
  ])
  t.notOk(output.join('').includes(token))
  t.notOk(output.join('').includes(token.split('.')[1] as string), 'not even the payload')
})

t.test('console fits too', async (t) => {
  const logger: TokenwardLogger = console
  t.doesNotThrow(() => tokenward({ ...baseOptions, logger }))
})

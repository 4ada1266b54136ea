// tokenward(): every code of the DESIGN.md error table over real HTTP, through
// Express's own final handler (status + challenge, HTML body) and through
// errorHandler() (JSON body); success, duplicate headers, optional mode,
// option validation and ready().
import { inspect } from 'node:util'
import t from 'tap'
import type { Test } from 'tap'
import express from 'express'
import type { Express } from 'express'
import { SignJWT } from 'jose'
import { isTokenwardError, TokenwardError } from '@tokenward/core'
import type { TokenwardErrorCode } from '@tokenward/core'
import { errorHandler, requireScopes, tokenward } from '../src/index.js'
import type { TokenwardExpressOptions } from '../src/index.js'
import {
  AUDIENCE,
  baseOptions,
  challengeFor,
  get,
  ISSUER,
  keyServer,
  mint,
  mintForged,
  NOW_S,
  rawGet,
  serve,
} from './fixtures/helpers.js'

const keys = await keyServer()
keys.mode = 'fail'
t.teardown(() => keys.close())

function buildApp(options: TokenwardExpressOptions, json: boolean): Express {
  const app = express()
  app.set('env', 'test') // Express's final handler then does not print every refused request
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', auth: _req.auth === undefined ? 'unset' : _req.auth })
  })
  app.use(tokenward(options))
  app.get('/me', (req, res) => {
    res.json({ sub: req.auth?.sub, scopes: [...(req.auth?.scopes ?? [])], clientId: req.auth?.clientId })
  })
  app.get('/appointments', requireScopes('read:appointments'), (_req, res) => {
    res.json({ appointments: [] })
  })
  if (json) app.use(errorHandler())
  return app
}

const { jwks: _staticKeys, ...withoutKeys } = baseOptions
const keysOptions = { ...withoutKeys, jwksUri: keys.url }
const apps = {
  json: await serve(buildApp(baseOptions, true)),
  html: await serve(buildApp(baseOptions, false)),
  jsonNoKeys: await serve(buildApp(keysOptions, true)),
  htmlNoKeys: await serve(buildApp(keysOptions, false)),
}
t.teardown(() => Promise.all(Object.values(apps).map((app) => app.close())))

interface Case {
  name: string
  code: TokenwardErrorCode
  status: number
  authorization: string | undefined
  path?: string
  noKeys?: boolean
  scope?: string
}

const hs256 = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'user-1', exp: NOW_S + 60 })
  .setProtectedHeader({ alg: 'HS256' })
  .sign(new TextEncoder().encode('a shared secret of 32 bytes at least!'))

const cases: Case[] = [
  { name: 'no Authorization header', code: 'TW_MISSING_TOKEN', status: 401, authorization: undefined },
  { name: 'Basic credentials only', code: 'TW_MISSING_TOKEN', status: 401, authorization: 'Basic dTpw' },
  { name: 'empty bearer token', code: 'TW_INVALID_REQUEST', status: 400, authorization: 'Bearer' },
  {
    name: 'Bearer plus a second scheme',
    code: 'TW_INVALID_REQUEST',
    status: 400,
    authorization: `Bearer ${await mint()}, Basic dTpw`,
  },
  {
    name: 'three parts, not JSON',
    code: 'TW_MALFORMED_TOKEN',
    status: 401,
    authorization: 'Bearer aaa.bbb.ccc',
  },
  { name: 'opaque token', code: 'TW_OPAQUE_TOKEN', status: 401, authorization: 'Bearer 0paque-t0ken' },
  {
    name: 'ID token (nonce)',
    code: 'TW_ID_TOKEN',
    status: 401,
    authorization: `Bearer ${await mint({ nonce: 'n-1' }, { header: { typ: 'JWT' } })}`,
  },
  {
    name: 'ID token (aud = azp, another audience)',
    code: 'TW_ID_TOKEN',
    status: 401,
    authorization: `Bearer ${await mint({ aud: 'web-client', azp: 'web-client' }, { header: { typ: 'JWT' } })}`,
  },
  {
    name: 'refresh token (typ Refresh)',
    code: 'TW_REFRESH_TOKEN',
    status: 401,
    authorization: `Bearer ${await mint({ typ: 'Refresh' }, { header: { typ: 'JWT' } })}`,
  },
  {
    name: 'DPoP proof',
    code: 'TW_WRONG_TOKEN_TYPE',
    status: 401,
    authorization: `Bearer ${await mint({}, { header: { typ: 'dpop+jwt' } })}`,
  },
  { name: 'HS256 token', code: 'TW_ALG_NOT_ALLOWED', status: 401, authorization: `Bearer ${hs256}` },
  {
    name: 'forged signature',
    code: 'TW_BAD_SIGNATURE',
    status: 401,
    authorization: `Bearer ${await mintForged()}`,
  },
  {
    name: 'unknown kid',
    code: 'TW_BAD_SIGNATURE',
    status: 401,
    authorization: `Bearer ${await mint({}, { header: { kid: 'k9' } })}`,
  },
  {
    name: 'untrusted issuer',
    code: 'TW_WRONG_ISSUER',
    status: 401,
    authorization: `Bearer ${await mint({ iss: 'https://evil.example/' })}`,
  },
  {
    name: 'token for another API',
    code: 'TW_WRONG_AUDIENCE',
    status: 401,
    authorization: `Bearer ${await mint({ aud: 'https://other.api.test' })}`,
  },
  {
    name: 'expired',
    code: 'TW_EXPIRED',
    status: 401,
    authorization: `Bearer ${await mint({ iat: NOW_S - 7200, exp: NOW_S - 3600 })}`,
  },
  {
    name: 'not yet valid',
    code: 'TW_NOT_YET_VALID',
    status: 401,
    authorization: `Bearer ${await mint({ nbf: NOW_S + 3600 })}`,
  },
  {
    name: 'no sub',
    code: 'TW_MISSING_CLAIM',
    status: 401,
    authorization: `Bearer ${await mint({}, { omit: ['sub'] })}`,
  },
  {
    name: 'scope not granted',
    code: 'TW_INSUFFICIENT_SCOPE',
    status: 403,
    path: '/appointments',
    scope: 'read:appointments',
    authorization: `Bearer ${await mint({ scope: 'read:profile write:profile' })}`,
  },
  {
    name: 'issuer keys unavailable',
    code: 'TW_KEYS_UNAVAILABLE',
    status: 503,
    noKeys: true,
    authorization: `Bearer ${await mint()}`,
  },
]

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  503: 'Service Unavailable',
}

function assertHeaders(t: Test, c: Case, headers: { get(name: string): string | null }): void {
  if (c.status === 503) {
    t.equal(headers.get('www-authenticate'), null, 'no challenge on 503')
    t.match(headers.get('retry-after'), /^\d+$/, 'Retry-After on 503')
  } else {
    t.equal(headers.get('www-authenticate'), challengeFor(c.code, c.scope), 'challenge')
  }
}

t.test('every code of the error table, errorHandler() JSON path', async (t) => {
  for (const c of cases) {
    await t.test(`${c.name} → ${c.status} ${c.code}`, async (t) => {
      const base = c.noKeys === true ? apps.jsonNoKeys.url : apps.json.url
      const res = await get(base + (c.path ?? '/me'), c.authorization)
      t.equal(res.status, c.status, 'status')
      t.match(res.headers.get('content-type'), /^application\/json/)
      assertHeaders(t, c, res.headers)
      const body = (await res.json()) as Record<string, unknown>
      t.same(body, {
        statusCode: c.status,
        code: c.code,
        error: REASON[c.status],
        message: new TokenwardError(c.code).message,
      })
    })
  }
})

t.test('every code of the error table, Express default handler path', async (t) => {
  for (const c of cases) {
    await t.test(`${c.name} → ${c.status}`, async (t) => {
      const base = c.noKeys === true ? apps.htmlNoKeys.url : apps.html.url
      const res = await get(base + (c.path ?? '/me'), c.authorization)
      t.equal(res.status, c.status, 'status')
      t.match(res.headers.get('content-type'), /^text\/html/, "Express's own HTML body")
      assertHeaders(t, c, res.headers)
      const body = await res.text()
      t.match(body, /<!DOCTYPE html>/)
      const token = c.authorization?.split(' ')[1]
      if (token !== undefined && token.length > 20) t.notOk(body.includes(token), 'the token is not echoed')
    })
  }
})

t.test('the default handler in production shows the reason phrase only', async (t) => {
  const app = buildApp(baseOptions, false)
  app.set('env', 'production')
  const served = await serve(app)
  t.teardown(() => served.close())
  const logged = t.capture(console, 'error') // Express logs every error outside env 'test'
  const token = await mint({}, { omit: ['sub'] })
  const res = await get(`${served.url}/me`, `Bearer ${token}`)
  t.equal(res.status, 401)
  t.equal(res.headers.get('www-authenticate'), challengeFor('TW_MISSING_CLAIM'))
  t.match(await res.text(), /<pre>Unauthorized<\/pre>/)
  const calls = logged()
  t.equal(calls.length, 1)
  t.match(calls[0]?.args[0], { code: 'TW_MISSING_CLAIM' }, 'Express logged the TokenwardError')
  t.notOk(inspect(calls[0]?.args[0], { depth: 10 }).includes(token), 'whose inspection holds no token')
})

t.test('a valid access token reaches the route with req.auth', async (t) => {
  const token = await mint({ scope: 'read:appointments read:profile' })
  const me = await get(`${apps.json.url}/me`, `Bearer ${token}`)
  t.equal(me.status, 200)
  t.equal(me.headers.get('www-authenticate'), null)
  t.same(await me.json(), {
    sub: 'user-1',
    scopes: ['read:appointments', 'read:profile'],
    clientId: 'client-1',
  })
  const appointments = await get(`${apps.json.url}/appointments`, `bearer   ${token}`)
  t.equal(appointments.status, 200, 'scheme case-insensitive, several spaces')
  t.same(await appointments.json(), { appointments: [] })
  const health = await get(`${apps.json.url}/health`)
  t.same(await health.json(), { status: 'ok', auth: 'unset' }, 'routes before tokenward() stay public')
})

t.test('two Authorization headers → 400 TW_INVALID_REQUEST', async (t) => {
  const token = `Bearer ${await mint()}`
  for (const [name, app] of [
    ['json', apps.json],
    ['html', apps.html],
  ] as const) {
    const res = await rawGet(`${app.url}/me`, { authorization: [token, token] })
    t.equal(res.status, 400, name)
    t.equal(res.headers['www-authenticate'], challengeFor('TW_INVALID_REQUEST'), name)
    if (name === 'json') t.match(JSON.parse(res.body), { statusCode: 400, code: 'TW_INVALID_REQUEST' })
  }
  const one = await rawGet(`${apps.json.url}/me`, { authorization: token })
  t.equal(one.status, 200, 'one header through node:http is fine')
})

t.test('optional mode', async (t) => {
  const app = express()
  app.use(tokenward({ ...baseOptions, optional: true }))
  app.get('/feed', (req, res) => {
    res.json({ personalisedFor: req.auth === null ? null : req.auth?.sub })
  })
  app.get('/appointments', requireScopes('read:appointments'), (_req, res) => {
    res.json({ appointments: [] })
  })
  app.use(errorHandler())
  const served = await serve(app)
  t.teardown(() => served.close())

  const anonymous = await get(`${served.url}/feed`)
  t.equal(anonymous.status, 200)
  t.same(await anonymous.json(), { personalisedFor: null }, 'no token: req.auth is null')
  const basic = await get(`${served.url}/feed`, 'Basic dTpw')
  t.same(await basic.json(), { personalisedFor: null }, 'another scheme only: anonymous too')
  const signedIn = await get(`${served.url}/feed`, `Bearer ${await mint()}`)
  t.same(await signedIn.json(), { personalisedFor: 'user-1' })

  const expired = await get(`${served.url}/feed`, `Bearer ${await mint({ exp: NOW_S - 3600 })}`)
  t.equal(expired.status, 401, 'a bad token is still refused')
  t.equal(expired.headers.get('www-authenticate'), challengeFor('TW_EXPIRED'))
  t.match(await expired.json(), { code: 'TW_EXPIRED' })
  const empty = await get(`${served.url}/feed`, 'Bearer')
  t.equal(empty.status, 400, 'malformed credentials are still refused')

  const scoped = await get(`${served.url}/appointments`)
  t.equal(scoped.status, 401, 'requireScopes without a token')
  t.equal(scoped.headers.get('www-authenticate'), challengeFor('TW_MISSING_TOKEN'))
  t.match(await scoped.json(), { code: 'TW_MISSING_TOKEN' })
})

t.test('invalid options throw a TypeError at creation', async (t) => {
  const bad: [string, unknown, RegExp][] = [
    ['no options', undefined, /options must be an object/],
    ['null', null, /options must be an object/],
    ['an array', [], /options must be an object/],
    ['a typo', { issuer: ISSUER, aud: AUDIENCE }, /"aud" option is not a known option/],
    ['an unknown key', { ...baseOptions, optionl: true }, /"optionl" option is not a known option/],
    ['no audience', { issuer: ISSUER }, /"audience" option/],
    ['optional not a boolean', { ...baseOptions, optional: 'yes' }, /"optional" option must be a boolean/],
    ['logger without methods', { ...baseOptions, logger: {} }, /"logger" option must have/],
    ['logger null', { ...baseOptions, logger: null }, /"logger" option must have/],
    ['logger a function', { ...baseOptions, logger: () => {} }, /"logger" option must have/],
    ['algorithm none', { ...baseOptions, algorithms: ['none'] }, /"algorithms" option/],
  ]
  for (const [name, options, message] of bad) {
    t.throws(() => tokenward(options as TokenwardExpressOptions), { name: 'TypeError', message }, name)
  }
  const options = { ...baseOptions, optional: true, logger: console }
  const copy = { ...options }
  tokenward(options)
  t.same(options, copy, "the caller's options are not mutated")
})

t.test('ready() and verifier', async (t) => {
  const auth = tokenward(baseOptions)
  t.equal(await auth.ready(), undefined, 'static keys: resolves at once')
  t.equal(auth.verifier.options.audiences[0], AUDIENCE)
  t.same(auth.verifier.challenge, { realm: 'api', resourceMetadata: baseOptions.resourceMetadata })
  t.match(await auth.verifier.verify(await mint()), { sub: 'user-1' }, 'the verifier is usable by hand')

  const down = tokenward(keysOptions)
  const error = await down.ready().then(
    () => undefined,
    (e: unknown) => e,
  )
  t.ok(isTokenwardError(error), 'rejects with a TokenwardError')
  t.match(error, { code: 'TW_KEYS_UNAVAILABLE', statusCode: 503, headers: { 'Retry-After': /^\d+$/ } })
  down.verifier.close()

  keys.mode = 'keys'
  t.teardown(() => {
    keys.mode = 'fail'
  })
  const up = tokenward(keysOptions)
  const before = keys.requests
  await up.ready()
  t.equal(keys.requests, before + 1, 'keys fetched once by ready()')
  const served = await serve(
    express()
      .use(up)
      .get('/me', (req, res) => res.json({ sub: req.auth?.sub })),
  )
  t.teardown(() => served.close())
  const res = await get(`${served.url}/me`, `Bearer ${await mint()}`)
  t.equal(res.status, 200)
  t.equal(keys.requests, before + 1, 'the first request did not fetch again')
  up.verifier.close()
})

t.test('an unexpected verifier failure is still a typed 401', async (t) => {
  const auth = tokenward(baseOptions)
  Object.assign(auth.verifier, {
    verify: async () => {
      throw new RangeError('boom')
    },
  })
  const served = await serve(
    express()
      .use(auth)
      .get('/me', (_req, res) => res.json({}))
      .use(errorHandler()),
  )
  t.teardown(() => served.close())
  const res = await get(`${served.url}/me`, `Bearer ${await mint()}`)
  t.equal(res.status, 401)
  t.equal(res.headers.get('www-authenticate'), challengeFor('TW_MALFORMED_TOKEN'))
  t.match(await res.json(), { code: 'TW_MALFORMED_TOKEN' })
})

// requireScopes() / requireAnyScope(): validated at creation, checked by core
// with the realm and resource_metadata of the tokenward() that ran before.
import t from 'tap'
import express from 'express'
import type { NextFunction, Request, Response } from 'express'
import { errorCodes } from '@tokenward/core'
import type { AccessTokenPrincipal } from '@tokenward/core'
import { errorHandler, requireAnyScope, requireScopes, tokenward } from '../src/index.js'
import { baseOptions, challengeFor, get, mint, serve } from './fixtures/helpers.js'

const app = express()
app.use(tokenward(baseOptions))
app.get('/all', requireScopes('read:a', 'write:a'), (_req, res) => {
  res.json({ ok: true })
})
app.get('/any', requireAnyScope('read:reports', 'admin'), (_req, res) => {
  res.json({ ok: true })
})
app.get('/both', requireScopes('read:a'), requireAnyScope('x', 'y'), (_req, res) => {
  res.json({ ok: true })
})
const nested = express.Router()
nested.use(tokenward({ ...baseOptions, realm: 'reports', resourceMetadata: undefined }))
nested.get('/x', requireScopes('read:x'), (_req, res) => {
  res.json({ ok: true })
})
app.use('/nested', nested)
app.use(errorHandler())
const served = await serve(app)
t.teardown(() => served.close())

const bearer = async (scope: string): Promise<string> => `Bearer ${await mint({ scope })}`

t.test('requireScopes: every scope is needed', async (t) => {
  const ok = await get(`${served.url}/all`, await bearer('write:a read:a other'))
  t.equal(ok.status, 200)
  const missing = await get(`${served.url}/all`, await bearer('read:a'))
  t.equal(missing.status, 403)
  t.equal(missing.headers.get('www-authenticate'), challengeFor('TW_INSUFFICIENT_SCOPE', 'read:a write:a'))
  t.same(await missing.json(), {
    statusCode: 403,
    code: 'TW_INSUFFICIENT_SCOPE',
    error: 'Forbidden',
    message: errorCodes.TW_INSUFFICIENT_SCOPE.description,
  })
})

t.test('requireAnyScope: one scope is enough', async (t) => {
  for (const scope of ['admin', 'read:reports', 'read:reports admin']) {
    t.equal((await get(`${served.url}/any`, await bearer(scope))).status, 200, scope)
  }
  const none = await get(`${served.url}/any`, await bearer('read:a'))
  t.equal(none.status, 403)
  t.equal(none.headers.get('www-authenticate'), challengeFor('TW_INSUFFICIENT_SCOPE', 'read:reports admin'))
  t.match(await none.json(), { code: 'TW_INSUFFICIENT_SCOPE' })
})

t.test('chained requirements', async (t) => {
  t.equal((await get(`${served.url}/both`, await bearer('read:a y'))).status, 200)
  const noAny = await get(`${served.url}/both`, await bearer('read:a'))
  t.equal(noAny.status, 403)
  t.equal(noAny.headers.get('www-authenticate'), challengeFor('TW_INSUFFICIENT_SCOPE', 'x y'))
  const noAll = await get(`${served.url}/both`, await bearer('x'))
  t.equal(noAll.headers.get('www-authenticate'), challengeFor('TW_INSUFFICIENT_SCOPE', 'read:a'))
})

t.test('the challenge uses the nearest tokenward() realm', async (t) => {
  const res = await get(`${served.url}/nested/x`, await bearer('read:a'))
  t.equal(res.status, 403)
  t.equal(
    res.headers.get('www-authenticate'),
    `Bearer realm="reports", error="insufficient_scope", error_description="${errorCodes.TW_INSUFFICIENT_SCOPE.description}", scope="read:x"`,
  )
})

t.test('without tokenward(): core requireScopes, no realm', async (t) => {
  let principal: AccessTokenPrincipal | null | undefined
  const fallback = express()
  fallback.use((req: Request, _res: Response, next: NextFunction) => {
    if (principal !== undefined) req.auth = principal
    next()
  })
  fallback.get('/x', requireScopes('read:x'), (_req, res) => {
    res.json({ ok: true })
  })
  fallback.use(errorHandler())
  fallback.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ message: err.message })
  })
  const app = await serve(fallback)
  t.teardown(() => app.close())

  principal = { scopes: new Set(['read:x']) } as unknown as AccessTokenPrincipal
  t.equal((await get(`${app.url}/x`)).status, 200, 'a principal set by other means is checked')

  principal = { scopes: new Set(['read:y']) } as unknown as AccessTokenPrincipal
  const refused = await get(`${app.url}/x`)
  t.equal(refused.status, 403)
  t.equal(
    refused.headers.get('www-authenticate'),
    `Bearer error="insufficient_scope", error_description="${errorCodes.TW_INSUFFICIENT_SCOPE.description}", scope="read:x"`,
  )

  principal = null
  const anonymous = await get(`${app.url}/x`)
  t.equal(anonymous.status, 401)
  t.equal(anonymous.headers.get('www-authenticate'), 'Bearer')
  t.match(await anonymous.json(), { code: 'TW_MISSING_TOKEN' })

  principal = undefined
  const unwired = await get(`${app.url}/x`)
  t.equal(unwired.status, 500, 'a wiring mistake is a 500, not a 401')
  t.same(await unwired.json(), {
    message: 'tokenward: requireScopes() needs the tokenward() middleware before it',
  })

  principal = { sub: 'no scopes set' } as unknown as AccessTokenPrincipal
  const broken = await get(`${app.url}/x`)
  t.equal(broken.status, 500, 'a principal without scopes is a bug, passed on as it is')
  t.equal(broken.headers.get('www-authenticate'), null)
})

t.test('bad requirements throw a TypeError at creation', async (t) => {
  const bad: [string, () => unknown, RegExp][] = [
    ['requireScopes()', () => requireScopes(), /requireScopes\(\) needs at least one scope/],
    ['requireAnyScope()', () => requireAnyScope(), /requireAnyScope\(\) needs at least one scope/],
    ['a space', () => requireScopes('read:a write:a'), /requireScopes\(\) takes scope strings/],
    ['a quote', () => requireAnyScope('a"b'), /requireAnyScope\(\) takes scope strings/],
    ['an empty scope', () => requireScopes(''), /takes scope strings/],
    ['a number', () => requireScopes(42 as unknown as string), /takes scope strings/],
    ['an array', () => requireScopes(['a', 'b'] as unknown as string), /takes scope strings/],
  ]
  for (const [name, create, message] of bad) t.throws(create, { name: 'TypeError', message }, name)
})

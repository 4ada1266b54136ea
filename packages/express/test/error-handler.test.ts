// errorHandler(): the JSON body of DESIGN.md for TokenwardErrors, every other
// error passed on; and what a user's own error handler sees.
import t from 'tap'
import express from 'express'
import type { NextFunction, Request, Response } from 'express'
import { TokenwardError } from '@tokenward/core'
import { errorHandler, isTokenwardError, tokenward } from '../src/index.js'
import { baseOptions, challengeFor, get, mint, NOW_S, serve } from './fixtures/helpers.js'

t.test('TokenwardErrors from anywhere get the JSON body; other errors go on', async (t) => {
  const seen: unknown[] = []
  const app = express()
  app.get('/thrown', () => {
    throw new TokenwardError('TW_INSUFFICIENT_SCOPE', { realm: 'custom', scope: ['a'] })
  })
  app.get('/keys', (_req, _res, next) => next(new TokenwardError('TW_KEYS_UNAVAILABLE', { retryAfter: 7 })))
  app.get('/other', () => {
    throw new Error('not ours')
  })
  app.get('/started', (_req, res, next) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.write('partial')
    next(new TokenwardError('TW_EXPIRED'))
  })
  app.use(errorHandler())
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    seen.push(err)
    if (res.headersSent) res.end()
    else res.status(500).json({ passedOn: (err as Error).message })
  })
  const served = await serve(app)
  t.teardown(() => served.close())

  const thrown = await get(`${served.url}/thrown`)
  t.equal(thrown.status, 403)
  t.equal(
    thrown.headers.get('www-authenticate'),
    'Bearer realm="custom", error="insufficient_scope", error_description="The access token lacks the scope this request needs", scope="a"',
  )
  t.same(await thrown.json(), {
    statusCode: 403,
    code: 'TW_INSUFFICIENT_SCOPE',
    error: 'Forbidden',
    message: 'The access token lacks the scope this request needs',
  })

  const keys = await get(`${served.url}/keys`)
  t.equal(keys.status, 503)
  t.equal(keys.headers.get('retry-after'), '7')
  t.equal(keys.headers.get('www-authenticate'), null)
  t.same(await keys.json(), {
    statusCode: 503,
    code: 'TW_KEYS_UNAVAILABLE',
    error: 'Service Unavailable',
    message: "The issuer's signing keys are unavailable; try again later",
  })

  const other = await get(`${served.url}/other`)
  t.equal(other.status, 500)
  t.same(await other.json(), { passedOn: 'not ours' })

  const started = await get(`${served.url}/started`)
  t.equal(started.status, 200)
  t.equal(await started.text(), 'partial', 'a response already started is left alone')
  t.equal(seen.length, 2)
  t.match(seen[1], { code: 'TW_EXPIRED' }, 'and the error goes on to the next handler')
})

t.test("a user's own error handler can customise the answer", async (t) => {
  const app = express()
  app.use(tokenward(baseOptions))
  app.get('/me', (_req, res) => {
    res.json({})
  })
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!isTokenwardError(err)) return next(err)
    // The challenge is already on the response; status and code are on the error.
    res.status(err.status).json({ problem: err.code, status: err.statusCode, expose: err.expose })
  })
  const served = await serve(app)
  t.teardown(() => served.close())
  const res = await get(`${served.url}/me`, `Bearer ${await mint({ exp: NOW_S - 60, iat: NOW_S - 120 })}`)
  t.equal(res.status, 401)
  t.equal(res.headers.get('www-authenticate'), challengeFor('TW_EXPIRED'))
  t.same(await res.json(), { problem: 'TW_EXPIRED', status: 401, expose: true })
})

/**
 * The attack corpus against `@tokenward/fastify`: through `app.inject` with
 * static keys (`jwks`) and with keys from a JWKS server on 127.0.0.1
 * (`jwksUri`), and over real HTTP (raw request lines on a socket). Requests
 * with two `Authorization` headers always go over real HTTP, since only a
 * real request carries both in `rawHeaders`.
 *
 * The app must never answer 5xx (503 TW_KEYS_UNAVAILABLE is not used here)
 * and never crash: a process-level error fails the file.
 */
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import tokenward from '@tokenward/fastify'
import type { TokenwardFastifyOptions } from '@tokenward/fastify'
import { AUDIENCE, CLIENT_ID, createFixture, ISSUER, MAX_HEADER_SIZE, now, REALM } from './fixtures.js'
import { outcomeOf, runCorpus, sendRaw } from './runner.js'
import type { Target } from './runner.js'

const fx = await createFixture()
t.teardown(() => fx.close())

const crashes: unknown[] = []
const onCrash = (error: unknown): void => {
  crashes.push(error)
}
process.on('uncaughtException', onCrash)
process.on('unhandledRejection', onCrash)
t.teardown(() => {
  process.off('uncaughtException', onCrash)
  process.off('unhandledRejection', onCrash)
})

async function buildApp(
  options: Partial<TokenwardFastifyOptions>,
): Promise<{ app: FastifyInstance; origin: string }> {
  // Node's default 16 KB header limit would answer the 100 KB cases with 431 before Fastify.
  const app = Fastify({ http: { maxHeaderSize: MAX_HEADER_SIZE } })
  await app.register(tokenward, {
    issuer: ISSUER,
    audience: AUDIENCE,
    clientIds: [CLIENT_ID],
    realm: REALM,
    now,
    ...options,
  })
  const me = async (request: { auth: { sub: string } | null }) => ({ sub: request.auth?.sub })
  app.get('/me', me)
  app.post('/me', me)
  const origin = await app.listen({ host: '127.0.0.1', port: 0 })
  return { app, origin }
}

function injectTarget(name: string, app: FastifyInstance, origin: string): Target {
  return {
    name,
    jsonBody: true,
    async send(request) {
      if (Array.isArray(request.authorization)) return sendRaw(origin, request)
      const headers: Record<string, string> = { ...request.headers }
      if (typeof request.authorization === 'string') headers.authorization = request.authorization
      const res = await app.inject({
        method: request.method ?? 'GET',
        url: request.path ?? '/me',
        headers,
        ...(request.body === undefined ? {} : { payload: request.body }),
      })
      return outcomeOf(res.statusCode, res.headers, res.body)
    },
  }
}

function httpTarget(name: string, origin: string): Target {
  return { name, jsonBody: true, send: (request) => sendRaw(origin, request) }
}

// Everything is set up before the first test is registered (tap ends the root
// test, running its teardowns, as soon as its queue of subtests is empty).
const staticApp = await buildApp({ jwks: fx.jwks })
const remoteApp = await buildApp({ jwksUri: `${fx.jwksServer.url}/jwks` }) // keys fetched in onReady
t.teardown(() => Promise.all([staticApp.app.close(), remoteApp.app.close()]))

void runCorpus(t, injectTarget('fastify inject, static jwks', staticApp.app, staticApp.origin), fx)
void runCorpus(t, injectTarget('fastify inject, jwksUri on 127.0.0.1', remoteApp.app, remoteApp.origin), fx)
void runCorpus(t, httpTarget('fastify over real HTTP, static jwks', staticApp.origin), fx)
void runCorpus(t, httpTarget('fastify over real HTTP, jwksUri on 127.0.0.1', remoteApp.origin), fx)
t.test('no crash', async (t) => {
  t.same(crashes, [], 'no uncaught exception or unhandled rejection')
  t.ok(
    fx.jwksServer.requests.length >= 1 && fx.jwksServer.requests.length <= 2,
    'JWKS fetched at start-up, no refetch storm',
  )
})

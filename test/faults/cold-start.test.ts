// Fault: a burst of requests before any key was fetched (cold start). However
// many requests wait, one fetch is in flight: 200 concurrent verifications
// cause one JWKS fetch (and one discovery), or one failed fetch and 200 × 503.
// Through the Fastify plugin the pre-warm in onReady pays for it instead.
import t from 'tap'
import type { Test as Tap } from 'tap'
import { createVerifier, isTokenwardError } from '@tokenward/core'
import type { Verifier } from '@tokenward/core'
import type { LightMyRequestResponse } from 'fastify'
import { DISCOVERY_PATH, JWKS_PATH } from './lib/jwks-server.js'
import type { Fault, JwksServer } from './lib/jwks-server.js'
import { assertAccepted, AUDIENCE, Clock, issuer, KEYS, setup, signingKey } from './lib/harness.js'

const BURST = 200
const key = await signingKey('key-a')

/**
 * An {@link issuer} with `fault` and a core verifier for it (`jwksUri`
 * configured unless `discovery`), closed when `t` ends.
 */
async function setUpVerifier(t: Tap, fault: Fault, { discovery = false } = {}) {
  const server = await issuer(t, [key], fault)
  const clock = new Clock()
  const v = createVerifier({
    issuer: server.issuer,
    audience: AUDIENCE,
    now: clock.now,
    keys: KEYS,
    ...(discovery ? {} : { jwksUri: server.jwksUri }),
  })
  t.teardown(() => v.close())
  return { server, clock, v }
}

/** BURST distinct tokens verified concurrently: the outcomes, by kind. */
async function burst(v: Verifier, server: JwksServer, clock: Clock): Promise<Set<string>> {
  const tokens = await Promise.all(Array.from({ length: BURST }, () => key.sign(server.issuer, clock)))
  const outcomes = await Promise.all(
    tokens.map((token) =>
      v.verify(token).then(
        (principal) => `ok ${principal.sub}`,
        (error: unknown) => (isTokenwardError(error) ? `${error.statusCode} ${error.code}` : String(error)),
      ),
    ),
  )
  return new Set(outcomes)
}

t.test('cold start, 200 concurrent verifications (jwksUri): one JWKS fetch', async (t) => {
  // A little latency, so that every verification surely waits on the same fetch.
  const { server, clock, v } = await setUpVerifier(t, { slow: 50 })

  t.same(await burst(v, server, clock), new Set(['ok user-1']), 'all 200 verified')
  t.equal(server.count(JWKS_PATH), 1, 'one fetch for 200 waiting verifications')
  t.same(await burst(v, server, clock), new Set(['ok user-1']), 'a second burst')
  t.equal(server.count(JWKS_PATH), 1, 'served from the cached keys')
})

t.test('cold start, 200 concurrent verifications (discovery): one discovery, one JWKS fetch', async (t) => {
  const { server, clock, v } = await setUpVerifier(t, { slow: 50 }, { discovery: true })

  t.same(await burst(v, server, clock), new Set(['ok user-1']), 'all 200 verified')
  t.same(server.counts(), { [DISCOVERY_PATH]: 1, [JWKS_PATH]: 1 }, 'one discovery and one JWKS fetch')
})

t.test('cold start with the issuer down: one failed fetch, 200 × 503', async (t) => {
  const { server, clock, v } = await setUpVerifier(t, 'reset')

  t.same(await burst(v, server, clock), new Set(['503 TW_KEYS_UNAVAILABLE']), 'all 200 unavailable')
  t.equal(server.count(JWKS_PATH), 1, 'one fetch for 200 waiting verifications')
  t.same(await burst(v, server, clock), new Set(['503 TW_KEYS_UNAVAILABLE']), 'a second burst')
  t.equal(server.count(JWKS_PATH), 1, 'no fetch within the cooldown')

  server.fault('ok')
  clock.advance(KEYS.cooldownDuration)
  t.same(await burst(v, server, clock), new Set(['ok user-1']), 'issuer back, past the cooldown')
  t.equal(server.count(JWKS_PATH), 2, 'one fetch for the whole burst')
})

t.test(
  'Fastify plugin: ready() pre-warms with one fetch, then 200 concurrent requests add none',
  async (t) => {
    const { server, clock, fa } = await setup(t, { serve: [key] })

    t.equal(server.count(JWKS_PATH), 0, 'nothing fetched at registration')
    await fa.app.ready()
    t.equal(server.count(JWKS_PATH), 1, 'the pre-warm fetched the keys')
    const tokens = await Promise.all(Array.from({ length: BURST }, () => key.sign(server.issuer, clock)))
    const answers = await Promise.all([...tokens.map((token) => fa.me(token)), fa.health()])
    t.same(new Set(answers.map((res) => res.statusCode)), new Set([200]), 'all 200, /health included')
    t.equal(server.count(JWKS_PATH), 1, 'no fetch for the requests')
  },
)

t.test(
  'Fastify plugin: 200 requests injected before ready() wait for the single pre-warm fetch',
  async (t) => {
    const { server, clock, fa } = await setup(t, { serve: [key], fault: { slow: 50 }, discovery: true })

    const tokens = await Promise.all(Array.from({ length: BURST }, () => key.sign(server.issuer, clock)))
    const answers: LightMyRequestResponse[] = await Promise.all(tokens.map((token) => fa.me(token)))
    assertAccepted(t, answers[0] as LightMyRequestResponse, 'the first request')
    t.same(new Set(answers.map((res) => res.statusCode)), new Set([200]), 'all 200')
    t.same(
      server.counts(),
      { [DISCOVERY_PATH]: 1, [JWKS_PATH]: 1 },
      'one discovery and one JWKS fetch in all',
    )
  },
)

// Fault: the issuer answers slower than timeoutDuration (or stalls mid-body).
// The fetch is abandoned after about the timeout: start-up does not hang, the
// request answers 503 (or, with cached keys, is served from the stale keys)
// in about the timeout, and the public route answers meanwhile. Elapsed times
// are bounded loosely (< 2 s with a 200 ms timeout): a hang check, not a
// speed test.
import t from 'tap'
import type { Test as Tap } from 'tap'
import { DISCOVERY_PATH, JWKS_PATH, RFC8414_PATH } from './lib/jwks-server.js'
import {
  assertAccepted,
  assertErrorsAndWarns,
  assertUnavailable,
  fetchFailures,
  KEYS,
  setup,
  signingKey,
} from './lib/harness.js'
import type { Setup } from './lib/harness.js'

const TIMEOUT = 200
const HANG = 10_000
const BOUND = 2000
const key = await signingKey('key-a')

async function timed<T>(work: PromiseLike<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now()
  const value = await work
  return { value, ms: performance.now() - start }
}

/** The usual fixture, with fetches timing out after TIMEOUT ms. */
function setUp(t: Tap, discovery = false): Promise<Setup> {
  return setup(t, { serve: [key], discovery, appOptions: { keys: { ...KEYS, timeoutDuration: TIMEOUT } } })
}

t.test('JWKS answers slower than the timeout: start-up and the 503 take about the timeout', async (t) => {
  const { server, clock, fa } = await setUp(t)
  server.fault({ slow: HANG })

  const ready = await timed(fa.app.ready())
  t.ok(ready.ms < BOUND, `ready() did not hang on the pre-warm (${Math.round(ready.ms)} ms)`)
  t.equal(server.count(JWKS_PATH), 1, 'pre-warm tried once')
  t.match(fetchFailures(fa.logs)[0]?.tokenward?.reason, /timed out after 200 ms/, 'the timeout is logged')

  const token = await key.sign(server.issuer, clock)
  clock.advance(KEYS.cooldownDuration)
  const me = timed(fa.me(token))
  const health = await timed(fa.health())
  t.equal(health.value.statusCode, 200, '/health answers while the key fetch hangs')
  const refused = await me
  assertUnavailable(t, refused.value, 'slow JWKS')
  t.ok(refused.ms < BOUND, `503 after about the timeout (${Math.round(refused.ms)} ms)`)
  t.ok(health.ms <= refused.ms, '/health did not wait for the key fetch')
  t.equal(server.count(JWKS_PATH), 2, 'one fetch per cooldown')
  t.equal(fetchFailures(fa.logs).length, 1, 'one error line per failure streak')

  server.fault('ok')
  clock.advance(KEYS.cooldownDuration)
  assertAccepted(t, await fa.me(token), 'fast again')
  t.equal(server.count(JWKS_PATH), 3)
})

t.test('JWKS sends its headers, then stalls the body beyond the timeout: 503, no hang', async (t) => {
  const { server, clock, fa } = await setUp(t)
  server.fault({ slowBody: HANG })

  const ready = await timed(fa.app.ready())
  t.ok(ready.ms < BOUND, `ready() did not hang on a stalled body (${Math.round(ready.ms)} ms)`)
  clock.advance(KEYS.cooldownDuration)
  const refused = await timed(fa.me(await key.sign(server.issuer, clock)))
  assertUnavailable(t, refused.value, 'stalled body')
  t.ok(refused.ms < BOUND, `503 after about the timeout (${Math.round(refused.ms)} ms)`)
  t.equal(server.count(JWKS_PATH), 2, 'pre-warm and one retry')
  t.equal(fetchFailures(fa.logs).length, 1, 'one error line')
})

t.test('JWKS turns slow after keys were cached: stale keys served after about the timeout', async (t) => {
  const { server, clock, fa } = await setUp(t)
  await fa.app.ready()
  server.fault({ slow: HANG })

  clock.advance(KEYS.cacheMaxAge)
  let settled = false
  const paying = timed(fa.me(await key.sign(server.issuer, clock))).finally(() => (settled = true))
  while (server.count(JWKS_PATH) < 2) await new Promise((resolve) => setTimeout(resolve, 5))
  const meanwhile = await fa.me(await key.sign(server.issuer, clock))
  assertAccepted(t, meanwhile, 'a request during the slow refresh: stale keys at once')
  t.notOk(settled, 'it did not wait for the refresh')

  const stale = await paying
  assertAccepted(t, stale.value, 'the request that started the refresh: stale keys after the timeout')
  t.ok(stale.ms < BOUND, `answered after about the timeout (${Math.round(stale.ms)} ms)`)
  assertErrorsAndWarns(t, fa.logs, [1, 1], 'one error, one warn')
  assertAccepted(t, await fa.me(await key.sign(server.issuer, clock)), 'within the cooldown: stale keys')
  t.equal(server.count(JWKS_PATH), 2, 'pre-warm and one timed-out refresh, no second wait')
})

t.test('discovery slower than the timeout on both metadata paths: 503, no hang', async (t) => {
  const { server, clock, fa } = await setUp(t, true)
  server.fault({ slow: HANG })

  const ready = await timed(fa.app.ready())
  t.ok(ready.ms < BOUND, `ready() did not hang on discovery (${Math.round(ready.ms)} ms)`)
  t.same(server.counts(), { [DISCOVERY_PATH]: 1, [RFC8414_PATH]: 1 }, 'each metadata path tried once')
  clock.advance(KEYS.cooldownDuration)
  const refused = await timed(fa.me(await key.sign(server.issuer, clock)))
  assertUnavailable(t, refused.value, 'slow discovery')
  t.ok(refused.ms < BOUND, `503 after about twice the timeout (${Math.round(refused.ms)} ms)`)
  t.equal(server.count(JWKS_PATH), 0, 'no jwks_uri, no JWKS fetch')
})

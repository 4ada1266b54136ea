// Fault: the issuer cannot be reached when the API starts. The app must still
// start (pre-warm failure logged, not fatal), answer 503 TW_KEYS_UNAVAILABLE
// with Retry-After meanwhile, fetch at most once per cooldown, and accept
// tokens as soon as the issuer is back.
import t from 'tap'
import { DISCOVERY_PATH, JWKS_PATH } from './lib/jwks-server.js'
import {
  assertAccepted,
  assertHealthy,
  assertNoTokenLogged,
  assertUnavailable,
  fetchFailures,
  KEYS,
  setup,
  signingKey,
  staleWarnings,
} from './lib/harness.js'

const key = await signingKey('key-a')

t.test('issuer resets connections at start-up: app starts, 503 until the issuer is back', async (t) => {
  const { server, clock, fa } = await setup(t, { serve: [key], fault: 'reset' })

  await fa.app.ready()
  t.equal(server.count(JWKS_PATH), 1, 'pre-warm tried once')
  t.equal(fetchFailures(fa.logs).length, 1, 'the pre-warm failure is logged at error level')
  t.equal(fetchFailures(fa.logs)[0]?.tokenward?.servingStale, false, 'with no keys to fall back on')
  await assertHealthy(t, fa, 'after a failed pre-warm')

  const token = await key.sign(server.issuer, clock)
  assertUnavailable(t, await fa.me(token), 'within the cooldown')
  assertUnavailable(t, await fa.me(token), 'again within the cooldown')
  t.equal(server.count(JWKS_PATH), 1, 'no fetch within the cooldown')

  clock.advance(KEYS.cooldownDuration)
  assertUnavailable(t, await fa.me(token), 'past the cooldown, issuer still down')
  t.equal(server.count(JWKS_PATH), 2, 'one more fetch per cooldown')
  t.equal(fetchFailures(fa.logs).length, 1, 'one error line per failure streak')
  await assertHealthy(t, fa, 'while the issuer is down')

  server.fault('ok')
  assertUnavailable(t, await fa.me(token), 'issuer back but still cooling down')
  t.equal(server.count(JWKS_PATH), 2, 'the cooldown holds even once the issuer is back')
  clock.advance(KEYS.cooldownDuration)
  assertAccepted(t, await fa.me(token), 'issuer back, past the cooldown')
  assertAccepted(t, await fa.me(await key.sign(server.issuer, clock)), 'a second token, keys cached')
  t.equal(server.count(JWKS_PATH), 3, 'one fetch brought the keys')
  t.equal(staleWarnings(fa.logs).length, 0, 'no stale keys were ever served')
  await assertHealthy(t, fa, 'after recovery')
  assertNoTokenLogged(t, fa.logs, [token])
})

t.test('issuer refuses connections at start-up (nothing listening): same answers', async (t) => {
  const { server, clock, fa } = await setup(t, { serve: [key], fault: 'down' })

  await fa.app.ready()
  t.equal(fetchFailures(fa.logs).length, 1, 'connection refused is logged at error level')
  const token = await key.sign(server.issuer, clock)
  assertUnavailable(t, await fa.me(token), 'connection refused')
  await assertHealthy(t, fa, 'while nothing listens')

  await server.up()
  clock.advance(KEYS.cooldownDuration)
  assertAccepted(t, await fa.me(token), 'listening again, past the cooldown')
  t.equal(server.count(JWKS_PATH), 1, 'the server saw exactly the fetch that succeeded')
  assertNoTokenLogged(t, fa.logs, [token])
})

t.test('issuer down at start-up with discovery: discovery retried after cooldown, not cached', async (t) => {
  const { server, clock, fa } = await setup(t, { serve: [key], fault: 'http500', discovery: true })

  await fa.app.ready()
  t.equal(server.count(DISCOVERY_PATH), 1, 'OpenID discovery tried once at pre-warm')
  t.equal(server.count(JWKS_PATH), 0, 'no JWKS fetch without a jwks_uri')
  const token = await key.sign(server.issuer, clock)
  assertUnavailable(t, await fa.me(token), 'discovery failed')

  server.fault('ok')
  clock.advance(KEYS.cooldownDuration)
  assertAccepted(t, await fa.me(token), 'discovery succeeds on the next try')
  t.equal(server.count(DISCOVERY_PATH), 2, 'failed discovery was not cached: tried again')
  t.equal(server.count(JWKS_PATH), 1)
  await assertHealthy(t, fa, 'after discovery recovered')
})

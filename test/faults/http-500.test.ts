// Fault: the issuer answers HTTP 500. Never a 500 (or a 401) from the API
// because of it: 503 while no keys are held, stale keys while they are, and a
// refetch for an unknown kid that fails keeps the keys and answers 401.
import t from 'tap'
import { JWKS_PATH } from './lib/jwks-server.js'
import {
  assertAccepted,
  assertErrorsAndWarns,
  assertHealthy,
  assertNoTokenLogged,
  assertRefused,
  assertUnavailable,
  fetchFailures,
  KEYS,
  setup,
  signingKey,
  staleWarnings,
} from './lib/harness.js'

const keyA = await signingKey('key-a')
const keyB = await signingKey('key-b')

t.test('JWKS answers HTTP 500 at start-up: 503 TW_KEYS_UNAVAILABLE, never 500', async (t) => {
  const { server, clock, fa } = await setup(t, { serve: [keyA], fault: 'http500' })

  await fa.app.ready()
  t.match(fetchFailures(fa.logs)[0]?.tokenward?.reason, /answered HTTP 500/, 'the status is logged')
  const token = await keyA.sign(server.issuer, clock)
  for (let i = 0; i < 3; i++) {
    assertUnavailable(t, await fa.me(token), `HTTP 500, cooldown #${i}`)
    clock.advance(KEYS.cooldownDuration)
  }
  t.equal(server.count(JWKS_PATH), 3, 'pre-warm, then one fetch per cooldown')
  t.equal(fetchFailures(fa.logs).length, 1, 'one error line per failure streak')
  await assertHealthy(t, fa, 'while the issuer answers 500')

  server.fault('ok')
  assertAccepted(t, await fa.me(token), 'issuer healthy again')
  t.equal(server.count(JWKS_PATH), 4)
  assertNoTokenLogged(t, fa.logs, [token])
})

t.test('JWKS answers HTTP 500 after keys were cached: stale keys, one error and one warn', async (t) => {
  const { server, clock, fa } = await setup(t, { serve: [keyA] })

  await fa.app.ready()
  server.fault('http500')
  for (let i = 0; i < 3; i++) {
    clock.advance(KEYS.cacheMaxAge)
    assertAccepted(
      t,
      await fa.me(await keyA.sign(server.issuer, clock)),
      `stale keys, ${i + 1} × cacheMaxAge`,
    )
  }
  t.equal(server.count(JWKS_PATH), 4, 'pre-warm, then one try per request past the cooldown')
  assertErrorsAndWarns(t, fa.logs, [1, 1], 'once per failure streak')
  t.match(staleWarnings(fa.logs)[0]?.tokenward, { ageMs: KEYS.cacheMaxAge }, 'the warn line says how old')
  await assertHealthy(t, fa, 'while stale keys are served')
  assertNoTokenLogged(t, fa.logs)
})

t.test(
  'JWKS answers HTTP 500 to the refetch for a rotated-in kid: 401, keys kept, retried later',
  async (t) => {
    const { server, clock, fa } = await setup(t, { serve: [keyA] })

    await fa.app.ready()
    server.keys = { keys: [keyA.jwk, keyB.jwk] }
    server.fault('http500')
    clock.advance(KEYS.cooldownDuration)
    const tokenB = await keyB.sign(server.issuer, clock)
    assertRefused(t, await fa.me(tokenB), 'TW_BAD_SIGNATURE', 'new kid, refetch failed')
    assertAccepted(t, await fa.me(await keyA.sign(server.issuer, clock)), 'the held key still verifies')
    t.equal(server.count(JWKS_PATH), 2, 'one failed refetch')

    server.fault('ok')
    assertRefused(t, await fa.me(tokenB), 'TW_BAD_SIGNATURE', 'healthy again, still cooling down')
    clock.advance(KEYS.cooldownDuration)
    assertAccepted(t, await fa.me(tokenB), 'new kid after the cooldown')
    t.equal(server.count(JWKS_PATH), 3, 'one successful refetch')
    await assertHealthy(t, fa, 'across the failed rotation')
    assertNoTokenLogged(t, fa.logs, [tokenB])
  },
)

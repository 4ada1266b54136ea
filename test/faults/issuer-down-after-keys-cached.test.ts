// Fault: the issuer goes down after its keys were cached (stale-if-error).
// The last good keys keep being served, with one error and one warn line per
// failure streak, for up to staleIfErrorDuration; then 503. Fetches stay at
// one per cooldown; a recovery ends the streak.
import t from 'tap'
import { JWKS_PATH } from './lib/jwks-server.js'
import {
  assertAccepted,
  assertErrorsAndWarns,
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

t.test(
  'issuer resets connections after keys were cached: stale keys, then 503 past the window',
  async (t) => {
    const { server, clock, fa } = await setup(t, { serve: [key] })
    const fresh = () => key.sign(server.issuer, clock)

    await fa.app.ready()
    t.equal(server.count(JWKS_PATH), 1, 'pre-warm fetched the keys')
    assertAccepted(t, await fa.me(await fresh()), 'issuer up')

    server.fault('reset')
    clock.advance(KEYS.cacheMaxAge)
    assertAccepted(t, await fa.me(await fresh()), 'keys due for refresh, issuer down: stale keys')
    t.equal(server.count(JWKS_PATH), 2, 'the refresh was tried once')
    t.equal(fetchFailures(fa.logs).length, 1, 'one error line for the failed refresh')
    t.equal(fetchFailures(fa.logs)[0]?.tokenward?.servingStale, true, 'saying stale keys are served')
    t.equal(staleWarnings(fa.logs).length, 1, 'one warn line: stale keys are served')

    for (let i = 0; i < 5; i++)
      assertAccepted(t, await fa.me(await fresh()), `stale keys, within the cooldown #${i}`)
    t.equal(server.count(JWKS_PATH), 2, 'no fetch within the cooldown')
    await assertHealthy(t, fa, 'while stale keys are served')

    clock.advance(KEYS.cooldownDuration)
    assertAccepted(t, await fa.me(await fresh()), 'stale keys, past the cooldown')
    t.equal(server.count(JWKS_PATH), 3, 'one more try per cooldown')
    assertErrorsAndWarns(t, fa.logs, [1, 1], 'the same failure streak logs nothing more')

    clock.advance(KEYS.staleIfErrorDuration - KEYS.cacheMaxAge - KEYS.cooldownDuration + 1)
    assertUnavailable(t, await fa.me(await fresh()), 'keys older than staleIfErrorDuration')
    t.equal(server.count(JWKS_PATH), 4, 'the fetch before giving up')
    assertUnavailable(t, await fa.me(await fresh()), 'still past the window, within the cooldown')
    t.equal(server.count(JWKS_PATH), 4, 'no fetch within the cooldown')
    await assertHealthy(t, fa, 'past the stale window')

    server.fault('ok')
    clock.advance(KEYS.cooldownDuration)
    assertAccepted(t, await fa.me(await fresh()), 'issuer back')
    t.equal(server.count(JWKS_PATH), 5, 'one fetch to recover')

    server.fault('http500')
    clock.advance(KEYS.cacheMaxAge)
    assertAccepted(t, await fa.me(await fresh()), 'a second outage: stale keys again')
    assertErrorsAndWarns(t, fa.logs, [2, 2], 'a new failure streak logs one error and one warn again')
    t.equal(server.count(JWKS_PATH), 6)
    assertNoTokenLogged(t, fa.logs)
  },
)

t.test('issuer stops listening after keys were cached: stale keys, no request reaches it', async (t) => {
  const { server, clock, fa } = await setup(t, { serve: [key] })
  const fresh = () => key.sign(server.issuer, clock)

  await fa.app.ready()
  await server.down()
  clock.advance(KEYS.cacheMaxAge)
  assertAccepted(t, await fa.me(await fresh()), 'connection refused: stale keys')
  assertErrorsAndWarns(t, fa.logs, [1, 1], 'one error and one warn line')
  await assertHealthy(t, fa, 'while the issuer does not listen')

  await server.up()
  clock.advance(KEYS.cooldownDuration)
  assertAccepted(t, await fa.me(await fresh()), 'listening again')
  t.equal(server.count(JWKS_PATH), 2, 'the pre-warm and the recovery fetch reached the server')
  clock.advance(KEYS.cacheMaxAge - 1)
  assertAccepted(t, await fa.me(await fresh()), 'fresh keys again')
  t.equal(server.count(JWKS_PATH), 2, 'recovered keys are fresh for cacheMaxAge')
  assertNoTokenLogged(t, fa.logs)
})

t.test('a token cached before the outage is refused once the keys are past the stale window', async (t) => {
  const { server, clock, fa } = await setup(t, { serve: [key] })

  const token = await key.sign(server.issuer, clock)
  assertAccepted(t, await fa.me(token), 'verified (and cached) while the issuer is up')
  server.fault('reset')
  clock.advance(KEYS.cacheMaxAge)
  assertAccepted(t, await fa.me(token), 'within the stale window')
  clock.advance(KEYS.staleIfErrorDuration)
  assertUnavailable(t, await fa.me(token), 'the same token, keys past the stale window')
  t.ok(server.count(JWKS_PATH) >= 2, 'the key set was asked for fresh keys')
})

// Fault: the issuer rotates its keys. A new kid is accepted after exactly one
// refetch (once past the cooldown); a removed key is refused once the cached
// keys are older than cacheMaxAge, including for a token verified (and
// cached) before the rotation.
import t from 'tap'
import { JWKS_PATH } from './lib/jwks-server.js'
import {
  assertAccepted,
  assertHealthy,
  assertNoTokenLogged,
  assertRefused,
  fetchFailures,
  KEYS,
  setup,
  signingKey,
} from './lib/harness.js'

const keyA = await signingKey('key-a')
const keyB = await signingKey('key-b')

t.test(
  'issuer adds a key: the new kid is accepted after exactly one refetch past the cooldown',
  async (t) => {
    const { server, clock, fa } = await setup(t, { serve: [keyA] })

    await fa.app.ready()
    t.equal(server.count(JWKS_PATH), 1, 'pre-warm')
    server.keys = { keys: [keyA.jwk, keyB.jwk] }

    assertRefused(
      t,
      await fa.me(await keyB.sign(server.issuer, clock)),
      'TW_BAD_SIGNATURE',
      'new kid, cooling down',
    )
    t.equal(server.count(JWKS_PATH), 1, 'no refetch within the cooldown of the pre-warm')

    clock.advance(KEYS.cooldownDuration)
    assertAccepted(t, await fa.me(await keyB.sign(server.issuer, clock)), 'new kid past the cooldown')
    t.equal(server.count(JWKS_PATH), 2, 'exactly one refetch')
    assertAccepted(t, await fa.me(await keyB.sign(server.issuer, clock)), 'another token of the new key')
    assertAccepted(t, await fa.me(await keyA.sign(server.issuer, clock)), 'the old key still in the set')
    t.equal(server.count(JWKS_PATH), 2, 'no more fetches')
    await assertHealthy(t, fa, 'across the rotation')
    t.equal(fetchFailures(fa.logs).length, 0, 'no fetch failed')
    assertNoTokenLogged(t, fa.logs)
  },
)

t.test(
  'issuer removes a key: its tokens are refused once the cached keys are older than cacheMaxAge',
  async (t) => {
    const { server, clock, fa } = await setup(t, { serve: [keyA, keyB] })

    await fa.app.ready()
    const cached = await keyA.sign(server.issuer, clock)
    assertAccepted(t, await fa.me(cached), 'old key, before the rotation')
    server.keys = { keys: [keyB.jwk] }

    clock.advance(KEYS.cacheMaxAge - 1)
    assertAccepted(
      t,
      await fa.me(await keyA.sign(server.issuer, clock)),
      'removed key, cached keys still fresh',
    )
    t.equal(server.count(JWKS_PATH), 1, 'no fetch while the keys are fresh')

    clock.advance(1)
    assertRefused(
      t,
      await fa.me(await keyA.sign(server.issuer, clock)),
      'TW_BAD_SIGNATURE',
      'removed key, keys expired',
    )
    t.equal(server.count(JWKS_PATH), 2, 'one refetch when the keys expired')
    assertRefused(t, await fa.me(cached), 'TW_BAD_SIGNATURE', 'a token cached before the rotation')
    assertAccepted(t, await fa.me(await keyB.sign(server.issuer, clock)), 'the remaining key')
    t.equal(server.count(JWKS_PATH), 2, 'no more fetches')
    await assertHealthy(t, fa, 'across the rotation')
    assertNoTokenLogged(t, fa.logs)
  },
)

t.test('issuer removes a key while one client keeps reusing its cached token', async (t) => {
  const { server, clock, fa } = await setup(t, { serve: [keyA, keyB] })

  await fa.app.ready()
  const token = await keyA.sign(server.issuer, clock)
  assertAccepted(t, await fa.me(token), 'verified and cached')
  server.keys = { keys: [keyB.jwk] }

  clock.advance(KEYS.cacheMaxAge)
  // The only traffic is this one token: the cache must not keep the keys from expiring.
  assertRefused(t, await fa.me(token), 'TW_BAD_SIGNATURE', 'same token, keys past cacheMaxAge')
  t.equal(server.count(JWKS_PATH), 2, 'the expired keys were refetched')
})

t.test('issuer replaces every key at once: the old kid is refused, the new one accepted', async (t) => {
  const { server, clock, fa } = await setup(t, { serve: [keyA] })

  await fa.app.ready()
  server.keys = { keys: [keyB.jwk] }
  clock.advance(KEYS.cooldownDuration)
  assertAccepted(t, await fa.me(await keyB.sign(server.issuer, clock)), 'new kid: refetch')
  assertRefused(t, await fa.me(await keyA.sign(server.issuer, clock)), 'TW_BAD_SIGNATURE', 'old kid')
  t.equal(server.count(JWKS_PATH), 2, 'the old kid triggers no refetch within the cooldown')
  clock.advance(KEYS.cooldownDuration)
  assertRefused(t, await fa.me(await keyA.sign(server.issuer, clock)), 'TW_BAD_SIGNATURE', 'old kid again')
  t.equal(server.count(JWKS_PATH), 3, 'one refetch per cooldown for an unknown kid')
})

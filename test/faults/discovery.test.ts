// Fault: discovery (no jwksUri configured) fails or misleads. A successful
// discovery is reused like the keys (for cacheMaxAge); a failed one is never
// cached and is tried again on a later request past the cooldown; metadata
// naming another issuer is not used; and once a jwks_uri is known, a failing
// discovery endpoint does not cut the API off a JWKS endpoint that still works.
import t from 'tap'
import { DISCOVERY_PATH, JWKS_PATH, RFC8414_PATH } from './lib/jwks-server.js'
import {
  assertAccepted,
  assertHealthy,
  assertUnavailable,
  faultMetadata,
  fetchFailures,
  KEYS,
  setup,
  signingKey,
} from './lib/harness.js'

const keyA = await signingKey('key-a')
const keyB = await signingKey('key-b')

t.test('successful discovery is reused: a refetch for a new kid does not rediscover', async (t) => {
  const { server, clock, fa } = await setup(t, { serve: [keyA], discovery: true })

  await fa.app.ready()
  t.same(server.counts(), { [DISCOVERY_PATH]: 1, [JWKS_PATH]: 1 }, 'pre-warm: discovery, then keys')
  server.keys = { keys: [keyA.jwk, keyB.jwk] }
  clock.advance(KEYS.cooldownDuration)
  assertAccepted(t, await fa.me(await keyB.sign(server.issuer, clock)), 'new kid')
  t.same(server.counts(), { [DISCOVERY_PATH]: 1, [JWKS_PATH]: 2 }, 'keys refetched, discovery reused')

  clock.advance(KEYS.cacheMaxAge)
  assertAccepted(t, await fa.me(await keyA.sign(server.issuer, clock)), 'after cacheMaxAge')
  t.same(server.counts(), { [DISCOVERY_PATH]: 2, [JWKS_PATH]: 3 }, 'discovery renewed with the keys')
})

t.test('discovery fails on both metadata paths: never cached, retried after the cooldown', async (t) => {
  const { server, clock, fa } = await setup(t, { serve: [keyA], discovery: true })
  faultMetadata(server, 'http500')

  await fa.app.ready()
  t.same(server.counts(), { [DISCOVERY_PATH]: 1, [RFC8414_PATH]: 1 }, 'both metadata paths tried')
  const token = await keyA.sign(server.issuer, clock)
  assertUnavailable(t, await fa.me(token), 'no metadata')
  t.same(server.counts(), { [DISCOVERY_PATH]: 1, [RFC8414_PATH]: 1 }, 'nothing within the cooldown')
  clock.advance(KEYS.cooldownDuration)
  assertUnavailable(t, await fa.me(token), 'still no metadata')
  t.same(
    server.counts(),
    { [DISCOVERY_PATH]: 2, [RFC8414_PATH]: 2 },
    'tried again: the failure was not cached',
  )
  t.equal(fetchFailures(fa.logs).length, 1, 'one error line for the streak')
  await assertHealthy(t, fa, 'while discovery fails')

  server.fault('ok')
  clock.advance(KEYS.cooldownDuration)
  assertAccepted(t, await fa.me(token), 'discovery answers again')
  clock.advance(KEYS.cooldownDuration)
  server.keys = { keys: [keyA.jwk, keyB.jwk] }
  assertAccepted(t, await fa.me(await keyB.sign(server.issuer, clock)), 'a new kid later')
  t.same(
    server.counts(),
    { [DISCOVERY_PATH]: 3, [RFC8414_PATH]: 2, [JWKS_PATH]: 2 },
    'the successful discovery is reused for the refetch',
  )
})

t.test('OpenID discovery fails, RFC 8414 metadata answers: keys found through it', async (t) => {
  const { server, clock, fa } = await setup(t, { serve: [keyA], discovery: true })
  server.fault('http500', DISCOVERY_PATH)

  assertAccepted(t, await fa.me(await keyA.sign(server.issuer, clock)), 'through RFC 8414')
  t.same(server.counts(), { [DISCOVERY_PATH]: 1, [RFC8414_PATH]: 1, [JWKS_PATH]: 1 })
  t.equal(fetchFailures(fa.logs).length, 0, 'not a failure')
})

t.test('discovery metadata names another issuer: not used, no JWKS fetched from it', async (t) => {
  const { server, clock, fa } = await setup(t, { serve: [keyA], discovery: true })
  server.metadata = { issuer: 'https://evil.example' }

  await fa.app.ready()
  assertUnavailable(t, await fa.me(await keyA.sign(server.issuer, clock)), 'metadata of another issuer')
  t.same(server.counts(), { [DISCOVERY_PATH]: 1, [RFC8414_PATH]: 1 }, 'no JWKS fetch')
  t.match(fetchFailures(fa.logs)[0]?.tokenward?.reason, /describes another issuer/)
})

t.test(
  'discovery fails once its cached result expired, JWKS still up: the known jwks_uri is used',
  async (t) => {
    const { server, clock, fa } = await setup(t, { serve: [keyA], discovery: true })

    await fa.app.ready()
    faultMetadata(server, 'http500')
    server.keys = { keys: [keyB.jwk] }
    clock.advance(KEYS.cacheMaxAge)
    assertAccepted(t, await fa.me(await keyB.sign(server.issuer, clock)), 'rotated-in kid, discovery down')
    t.same(
      server.counts(),
      { [DISCOVERY_PATH]: 2, [RFC8414_PATH]: 1, [JWKS_PATH]: 2 },
      'rediscovery tried, keys fetched from the last known jwks_uri',
    )
    await assertHealthy(t, fa, 'while discovery fails')
  },
)

// Fault: the issuer answers 200 with a body that is not a key set — not JSON
// at all, or JSON of the wrong shape. It counts as a failed fetch: 503 when no
// keys are held, the last good keys kept (never replaced by the garbage) when
// they are.
import t from 'tap'
import { DISCOVERY_PATH, JWKS_PATH, RFC8414_PATH } from './lib/jwks-server.js'
import type { Fault } from './lib/jwks-server.js'
import {
  assertAccepted,
  assertErrorsAndWarns,
  assertHealthy,
  assertNoTokenLogged,
  assertUnavailable,
  faultMetadata,
  fetchFailures,
  KEYS,
  setup,
  signingKey,
} from './lib/harness.js'

const key = await signingKey('key-a')

const GARBAGE: [Fault, string, RegExp][] = [
  ['garbage', 'a body that is not JSON', /did not answer JSON/],
  ['notJwks', 'JSON that is not a key set', /is not a JSON Web Key Set/],
]

for (const [fault, what, reason] of GARBAGE) {
  t.test(`JWKS answers ${what} at start-up: 503 until a real key set arrives`, async (t) => {
    const { server, clock, fa } = await setup(t, { serve: [key], fault })

    await fa.app.ready()
    t.equal(fetchFailures(fa.logs).length, 1, 'the failed pre-warm is logged')
    t.match(fetchFailures(fa.logs)[0]?.tokenward?.reason, reason, 'with the reason')
    const token = await key.sign(server.issuer, clock)
    assertUnavailable(t, await fa.me(token), what)
    clock.advance(KEYS.cooldownDuration)
    assertUnavailable(t, await fa.me(token), `${what}, past the cooldown`)
    t.equal(server.count(JWKS_PATH), 2, 'one fetch per cooldown')
    await assertHealthy(t, fa, `while the issuer answers ${what}`)

    server.fault('ok')
    clock.advance(KEYS.cooldownDuration)
    assertAccepted(t, await fa.me(token), 'a real key set')
    t.equal(server.count(JWKS_PATH), 3)
    t.equal(fetchFailures(fa.logs).length, 1, 'one error line for the whole streak')
    assertNoTokenLogged(t, fa.logs, [token])
  })

  t.test(`JWKS answers ${what} after keys were cached: the good keys are kept`, async (t) => {
    const { server, clock, fa } = await setup(t, { serve: [key] })

    await fa.app.ready()
    const cached = await key.sign(server.issuer, clock)
    assertAccepted(t, await fa.me(cached), 'before the garbage')
    server.fault(fault)
    clock.advance(KEYS.cacheMaxAge)
    assertAccepted(t, await fa.me(await key.sign(server.issuer, clock)), 'garbage on refresh: stale keys')
    assertAccepted(t, await fa.me(cached), 'a token cached before')
    t.equal(server.count(JWKS_PATH), 2, 'the refresh was tried once')
    assertErrorsAndWarns(t, fa.logs, [1, 1], 'one error, one warn')
    await assertHealthy(t, fa, `while the issuer answers ${what}`)
    assertNoTokenLogged(t, fa.logs, [cached])
  })
}

t.test('discovery answers a body that is not JSON: 503, retried after the cooldown', async (t) => {
  const { server, clock, fa } = await setup(t, { serve: [key], discovery: true })
  faultMetadata(server, 'garbage')

  await fa.app.ready()
  const token = await key.sign(server.issuer, clock)
  assertUnavailable(t, await fa.me(token), 'garbage discovery')
  t.same(server.counts(), { [DISCOVERY_PATH]: 1, [RFC8414_PATH]: 1 }, 'both metadata paths tried once')

  server.fault('ok')
  clock.advance(KEYS.cooldownDuration)
  assertAccepted(t, await fa.me(token), 'discovery answers JSON again')
  t.same(
    server.counts(),
    { [DISCOVERY_PATH]: 2, [RFC8414_PATH]: 1, [JWKS_PATH]: 1 },
    'discovery retried once',
  )
})

// Fault: a flood of tokens naming kids the issuer never had (an attacker
// trying to make the API hammer the issuer). 500 concurrent requests with 500
// distinct unknown kids cause at most one JWKS fetch per cooldown; every one
// is refused TW_BAD_SIGNATURE; the public route keeps answering.
import t from 'tap'
import type { Test as Tap } from 'tap'
import { JWKS_PATH } from './lib/jwks-server.js'
import type { LightMyRequestResponse } from 'fastify'
import {
  assertAccepted,
  assertHealthy,
  assertNoTokenLogged,
  Clock,
  fetchFailures,
  KEYS,
  setup,
  signingKey,
} from './lib/harness.js'
import type { FaultApp } from './lib/harness.js'

const FLOOD = 500
const key = await signingKey('key-a')
let wave = 0

/** FLOOD concurrent requests, each with a kid never seen before, plus /health calls among them. */
async function flood(fa: FaultApp, issuer: string, clock: Clock) {
  wave += 1
  const tokens = await Promise.all(
    Array.from({ length: FLOOD }, (_, i) => key.sign(issuer, clock, { kid: `unknown-${wave}-${i}` })),
  )
  const health: Promise<LightMyRequestResponse>[] = []
  const refused = tokens.map((token, i) => {
    if (i % 50 === 0) health.push(fa.health())
    return fa.me(token)
  })
  const answers = await Promise.all(refused)
  return {
    codes: new Set(answers.map((res) => `${res.statusCode} ${res.json().code}`)),
    health: new Set((await Promise.all(health)).map((res) => res.statusCode)),
  }
}

/** Every request of the flood refused 401 TW_BAD_SIGNATURE, every /health call among them 200. */
function assertFloodRefused(t: Tap, result: Awaited<ReturnType<typeof flood>>, message: string): void {
  t.same(result, { codes: new Set(['401 TW_BAD_SIGNATURE']), health: new Set([200]) }, message)
}

t.test(
  '500 concurrent requests with 500 distinct unknown kids: at most one fetch per cooldown',
  async (t) => {
    const { server, clock, fa } = await setup(t, { serve: [key] })
    await fa.app.ready()
    t.equal(server.count(JWKS_PATH), 1, 'pre-warm')

    let result = await flood(fa, server.issuer, clock)
    assertFloodRefused(t, result, 'flood within the cooldown')
    t.equal(server.count(JWKS_PATH), 1, 'no fetch within the cooldown of the pre-warm')

    clock.advance(KEYS.cooldownDuration)
    result = await flood(fa, server.issuer, clock)
    assertFloodRefused(t, result, 'flood past the cooldown')
    t.equal(server.count(JWKS_PATH), 2, 'exactly one refetch for 500 unknown kids')

    result = await flood(fa, server.issuer, clock)
    t.same(result.codes, new Set(['401 TW_BAD_SIGNATURE']), 'another flood right after')
    t.equal(server.count(JWKS_PATH), 2, 'no refetch within the cooldown of that refetch')

    clock.advance(KEYS.cooldownDuration)
    result = await flood(fa, server.issuer, clock)
    t.same(result.codes, new Set(['401 TW_BAD_SIGNATURE']), 'a flood in the next cooldown')
    t.equal(server.count(JWKS_PATH), 3, 'one more refetch, one cooldown later')

    assertAccepted(t, await fa.me(await key.sign(server.issuer, clock)), 'a good token after the floods')
    await assertHealthy(t, fa, 'after the floods')
    t.equal(fetchFailures(fa.logs).length, 0, 'no fetch failed')
    const refusals = fa.logs.filter((line) => line.tokenward?.code === 'TW_BAD_SIGNATURE')
    t.equal(refusals.length, 4 * FLOOD, 'one info line per refusal, with its code')
    t.ok(
      refusals.every((line) => line.level === 30),
      'refusals are logged at info level',
    )
    assertNoTokenLogged(t, fa.logs)
  },
)

t.test('unknown-kid flood while the issuer is down: one failed fetch, 401 not 503, keys kept', async (t) => {
  const { server, clock, fa } = await setup(t, { serve: [key] })
  await fa.app.ready()

  server.fault('http500')
  clock.advance(KEYS.cooldownDuration)
  const result = await flood(fa, server.issuer, clock)
  assertFloodRefused(t, result, 'keys are held: 401')
  t.equal(server.count(JWKS_PATH), 2, 'one failed refetch for the whole flood')
  t.equal(fetchFailures(fa.logs).length, 1, 'one error line')
  assertAccepted(t, await fa.me(await key.sign(server.issuer, clock)), 'the known key still verifies')
  assertNoTokenLogged(t, fa.logs)
})

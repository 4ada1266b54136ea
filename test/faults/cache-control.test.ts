// Fault (of configuration rather than of the network): the issuer's
// Cache-Control disagrees with cacheMaxAge. A max-age is honoured, kept
// between cooldownDuration and cacheMaxAge: a shorter one brings the refetch
// forward, a longer one is capped, no-store / max-age=0 refetch no more often
// than once per cooldown. cacheMaxAge is 10 s of clock time here, so that a
// max-age of a few seconds fits below it; the clock is moved, never waited on.
import t from 'tap'
import type { Test as Tap } from 'tap'
import { JWKS_PATH } from './lib/jwks-server.js'
import { assertAccepted, assertHealthy, Clock, KEYS, setup, signingKey } from './lib/harness.js'
import type { FaultApp } from './lib/harness.js'
import type { JwksServer } from './lib/jwks-server.js'

const CACHE_MAX_AGE = 10_000
const key = await signingKey('key-a')

/** Requests with fresh tokens at `offsets` (ms after the pre-warm); the JWKS count after each. */
async function countsAt(
  t: Tap,
  fa: FaultApp,
  server: JwksServer,
  clock: Clock,
  offsets: number[],
): Promise<number[]> {
  const start = clock.t
  const counts: number[] = []
  for (const offset of offsets) {
    clock.t = start + offset
    assertAccepted(t, await fa.me(await key.sign(server.issuer, clock)), `request at +${offset} ms`)
    counts.push(server.count(JWKS_PATH))
  }
  return counts
}

async function setUp(t: Tap, cacheControl: string | undefined) {
  const { server, clock, fa } = await setup(t, {
    serve: [key],
    appOptions: { keys: { ...KEYS, cacheMaxAge: CACHE_MAX_AGE, staleIfErrorDuration: 60_000 } },
  })
  server.cacheControl = cacheControl
  await fa.app.ready()
  t.equal(server.count(JWKS_PATH), 1, 'pre-warm')
  return { server, clock, fa }
}

t.test('no Cache-Control: keys refetched after cacheMaxAge', async (t) => {
  const { server, clock, fa } = await setUp(t, undefined)
  t.same(await countsAt(t, fa, server, clock, [0, 9_999, 10_000, 19_999]), [1, 1, 2, 2])
})

t.test('Cache-Control: max-age=2 (shorter than cacheMaxAge): keys refetched after 2 s', async (t) => {
  const { server, clock, fa } = await setUp(t, 'public, max-age=2')
  t.same(await countsAt(t, fa, server, clock, [1_999, 2_000, 3_999, 4_000]), [1, 2, 2, 3])
  await assertHealthy(t, fa, 'with a short max-age')
})

t.test('Cache-Control: max-age=3600 (longer than cacheMaxAge): capped at cacheMaxAge', async (t) => {
  const { server, clock, fa } = await setUp(t, 'max-age=3600, must-revalidate')
  t.same(await countsAt(t, fa, server, clock, [9_999, 10_000, 19_999, 20_000]), [1, 2, 2, 3])
})

t.test('Cache-Control: s-maxage only: not a max-age, cacheMaxAge applies', async (t) => {
  const { server, clock, fa } = await setUp(t, 's-maxage=1')
  t.same(await countsAt(t, fa, server, clock, [1_000, 9_999, 10_000]), [1, 1, 2])
})

for (const cacheControl of ['no-store', 'max-age=0']) {
  t.test(`Cache-Control: ${cacheControl}: refetched at most once per cooldown`, async (t) => {
    const { server, clock, fa } = await setUp(t, cacheControl)
    const cooldown = KEYS.cooldownDuration
    t.same(
      await countsAt(t, fa, server, clock, [0, cooldown - 1, cooldown, cooldown + 1, 2 * cooldown]),
      [1, 1, 2, 2, 3],
    )
  })
}

t.test('a short max-age while the issuer is down: stale keys, one try per cooldown', async (t) => {
  const { server, clock, fa } = await setUp(t, 'max-age=1')
  server.fault('http500')
  const counts = await countsAt(t, fa, server, clock, [1_000, 1_050, 1_100, 1_150])
  t.same(counts, [2, 2, 3, 3], 'the short max-age does not shorten the cooldown')
})

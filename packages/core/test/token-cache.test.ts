import t from 'tap'
import type { Test } from 'tap'
import { createVerifier, StaticKeySet, TokenCache } from '@tokenward/core'
import type { KeySet, VerifierOptions } from '@tokenward/core'
import {
  AUDIENCE,
  Clock,
  DESCRIPTIONS,
  invalidToken,
  ISSUER,
  jwksOf,
  makeKey,
  mint,
  refused,
  T0,
  T0_SECONDS,
  TestServer,
} from './fixtures/helpers.js'

/** A key set whose `holds` answer the test controls. */
function fakeKeySet(holding: { value: boolean }): KeySet {
  return {
    version: 0,
    holds: () => holding.value,
    getKey: async () => new Uint8Array(),
    ready: async () => {},
    close: () => {},
  }
}

t.test('TokenCache: hit within the window, dropped outside it', async (t) => {
  const holding = { value: true }
  const cache = new TokenCache<{ id: number }>(10)
  const principal = { id: 1 }
  const entry = {
    principal,
    validFrom: 1000,
    validUntil: 2000,
    keySet: fakeKeySet(holding),
    kid: 'k1',
    keysVersion: 0,
  }
  t.equal(cache.get('a', 1500), undefined, 'miss')
  cache.set('a', entry)
  t.equal(cache.size, 1)
  t.equal(cache.get('a', 1000), principal, 'at validFrom')
  t.equal(cache.get('a', 1999), principal, 'just before validUntil')
  t.equal(cache.get('b', 1500), undefined, 'keyed by the exact token')
  t.equal(cache.get('a', 2000), undefined, 'at validUntil the entry is gone')
  t.equal(cache.size, 0, 'and deleted')
  cache.set('a', entry)
  t.equal(cache.get('a', 999), undefined, 'before validFrom')
  t.equal(cache.size, 0)
  cache.set('a', entry)
  holding.value = false
  t.equal(cache.get('a', 1500), undefined, 'key left the key set')
  t.equal(cache.size, 0)
  holding.value = true
  cache.set('a', entry)
  cache.set('b', { ...entry, principal: { id: 2 } })
  cache.clear()
  t.equal(cache.size, 0)
  t.equal(cache.get('a', 1500), undefined)
})

t.test('TokenCache: bounded, least recently used first out', async (t) => {
  const keySet = fakeKeySet({ value: true })
  const cache = new TokenCache<{ id: string }>(2)
  const put = (id: string): void =>
    cache.set(id, { principal: { id }, validFrom: 0, validUntil: 10, keySet, kid: undefined, keysVersion: 0 })
  put('a')
  put('b')
  t.same(cache.get('a', 1), { id: 'a' }, 'a is now the most recent')
  put('c')
  t.equal(cache.size, 2)
  t.equal(cache.get('b', 1), undefined, 'b was evicted')
  t.same(cache.get('a', 1), { id: 'a' })
  t.same(cache.get('c', 1), { id: 'c' })
})

t.test('StaticKeySet.holds: by kid', async (t) => {
  const key = await makeKey('k1')
  const keySet = new StaticKeySet(jwksOf(key), {})
  t.ok(keySet.holds('k1'))
  t.notOk(keySet.holds('k2'))
  t.ok(keySet.holds(undefined), 'a kid-less token stays valid with static keys')
})

async function setup(t: Test, options: Partial<VerifierOptions> = {}) {
  const key = await makeKey()
  const clock = new Clock()
  const verifier = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: jwksOf(key),
    realm: 'api',
    now: clock.now,
    ...options,
  })
  t.teardown(() => verifier.close())
  return { key, clock, verifier }
}

t.test('a second verify of the same token returns the same frozen principal', async (t) => {
  const { key, verifier } = await setup(t)
  const token = await mint(key)
  const first = await verifier.verify(token)
  const second = await verifier.verify({ authorization: `Bearer ${token}` })
  t.equal(second, first, 'the very same object')
  t.ok(Object.isFrozen(second))
  const other = await verifier.verify(await mint(key))
  t.not(other, first, 'another token string is another entry')
})

t.test('cache: false verifies every time', async (t) => {
  const { key, verifier } = await setup(t, { cache: false })
  const token = await mint(key)
  const first = await verifier.verify(token)
  const second = await verifier.verify(token)
  t.not(second, first)
  t.same(second, first)
})

t.test('an expired entry is not served', async (t) => {
  const { key, clock, verifier } = await setup(t)
  const token = await mint(key) // exp = T0 + 600 s, tolerance 5 s
  const principal = await verifier.verify(token)
  clock.ms = T0 + 604_000
  t.equal(await verifier.verify(token), principal, 'still within exp + tolerance')
  clock.ms = T0 + 605_000
  await refused(t, verifier.verify(token), 'TW_EXPIRED', invalidToken(DESCRIPTIONS.EXPIRED))
  clock.ms = T0
  t.not(await verifier.verify(token), principal, 'the entry was dropped, the token verified anew')
})

t.test('an entry whose maxTokenAge passed is not served', async (t) => {
  const { key, clock, verifier } = await setup(t, { maxTokenAge: 60 })
  const token = await mint(key)
  const principal = await verifier.verify(token)
  clock.ms = T0 + 64_000
  t.equal(await verifier.verify(token), principal)
  clock.ms = T0 + 66_000
  await refused(t, verifier.verify(token), 'TW_EXPIRED', invalidToken(DESCRIPTIONS.EXPIRED))
})

t.test('a hit re-checks nbf: a clock moved back does not serve the entry', async (t) => {
  const { key, clock, verifier } = await setup(t)
  const token = await mint(key, { claims: { nbf: T0_SECONDS } })
  const principal = await verifier.verify(token)
  clock.ms = T0 - 4_000
  t.equal(await verifier.verify(token), principal, 'within the tolerance')
  clock.ms = T0 - 10_000
  await refused(t, verifier.verify(token), 'TW_NOT_YET_VALID', invalidToken(DESCRIPTIONS.NOT_YET_VALID))
})

t.test('errors are never cached', async (t) => {
  const { key, clock, verifier } = await setup(t)
  const token = await mint(key, { claims: { nbf: T0_SECONDS + 60 } })
  await refused(t, verifier.verify(token), 'TW_NOT_YET_VALID', invalidToken(DESCRIPTIONS.NOT_YET_VALID))
  clock.ms = T0 + 60_000
  t.equal((await verifier.verify(token)).sub, 'user-1', 'the same token verifies once it is valid')
})

t.test('max bounds the cache', async (t) => {
  const { key, verifier } = await setup(t, { cache: { max: 1 } })
  const a = await mint(key)
  const b = await mint(key, { claims: { sub: 'b' } })
  const first = await verifier.verify(a)
  t.equal(await verifier.verify(a), first)
  await verifier.verify(b)
  t.not(await verifier.verify(a), first, 'a was evicted by b')
})

t.test('close() empties the cache', async (t) => {
  const { key, verifier } = await setup(t)
  const token = await mint(key)
  const first = await verifier.verify(token)
  verifier.close()
  t.not(await verifier.verify(token), first)
})

t.test('an entry is dropped when its kid leaves the key set after a refetch', async (t) => {
  const k1 = await makeKey('k1')
  const k2 = await makeKey('k2')
  const server = await TestServer.start(t, { '/jwks': { body: jwksOf(k1) } })
  const clock = new Clock()
  const verifier = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUri: server.url('/jwks'),
    realm: 'api',
    now: clock.now,
    keys: { cooldownDuration: 50, cacheMaxAge: 100, timeoutDuration: 1000 },
  })
  t.teardown(() => verifier.close())
  const old = await mint(k1)
  const principal = await verifier.verify(old)
  t.equal(await verifier.verify(old), principal, 'cached')
  t.equal(server.count('/jwks'), 1)

  // the issuer rotates: k1 is gone; the keys are refetched once they are due
  server.route('/jwks', { body: jwksOf(k2) })
  clock.advance(150)
  t.equal((await verifier.verify(await mint(k2, { claims: { sub: 'new' } }))).sub, 'new')
  t.equal(server.count('/jwks'), 2, 'refetched after cacheMaxAge')
  await refused(t, verifier.verify(old), 'TW_BAD_SIGNATURE', invalidToken(DESCRIPTIONS.SIGNATURE))
  t.equal(server.count('/jwks'), 2, 'no further fetch inside the cooldown')
})

t.test('a kid-less entry is dropped when the key set content changes, kept when it does not', async (t) => {
  const k1 = await makeKey(null)
  const k2 = await makeKey('k2')
  const server = await TestServer.start(t, { '/jwks': { body: jwksOf(k1) } })
  const clock = new Clock()
  const verifier = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUri: server.url('/jwks'),
    now: clock.now,
    keys: { cooldownDuration: 50, cacheMaxAge: 100, timeoutDuration: 1000 },
  })
  t.teardown(() => verifier.close())
  const token = await mint(k1)
  const principal = await verifier.verify(token)
  const k2Token = await mint(k2)

  clock.advance(150)
  // the due refetch brings the same JSON, where k2 is still unknown
  await refused(
    t,
    verifier.verify(k2Token),
    'TW_BAD_SIGNATURE',
    `Bearer error="invalid_token", error_description="${DESCRIPTIONS.SIGNATURE}"`,
  )
  t.equal(server.count('/jwks'), 2)
  t.equal(await verifier.verify(token), principal, 'same key set content: still cached')

  server.route('/jwks', { body: jwksOf(k1, k2) })
  clock.advance(150)
  t.ok(await verifier.verify(k2Token), 'refetched: k2 is known now')
  t.equal(server.count('/jwks'), 3)
  const again = await verifier.verify(token)
  t.not(again, principal, 'content changed: the kid-less entry was verified anew')
  t.equal(again.sub, principal.sub)
})

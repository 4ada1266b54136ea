import t from 'tap'
import type { Test } from 'tap'
import { createVerifier, RemoteKeySet, SecretKeySet, TokenwardError } from '@tokenward/core'
import type { KeySetEvent, VerifierOptions } from '@tokenward/core'
import {
  AUDIENCE,
  Clock,
  DESCRIPTIONS,
  invalidToken,
  jwksOf,
  makeKey,
  mint,
  openidConfiguration,
  refused,
  rejection,
  T0,
  TestServer,
} from './fixtures/helpers.js'
import type { TestKey } from './fixtures/helpers.js'

const OIDC = '/.well-known/openid-configuration'
const RFC8414 = '/.well-known/oauth-authorization-server'
const FAST = { cooldownDuration: 50, cacheMaxAge: 100, timeoutDuration: 200 }
const SIGNATURE = invalidToken(DESCRIPTIONS.SIGNATURE)

interface Harness {
  server: TestServer
  issuer: string
  key: TestKey
  clock: Clock
  events: KeySetEvent[]
  verifier: ReturnType<typeof createVerifier>
  token: string
}

/**
 * An issuer on 127.0.0.1:0 serving discovery (unless `discovery: false`) and
 * `/jwks`, and a verifier pointed at it.
 */
async function harness(
  t: Test,
  options: Partial<VerifierOptions> = {},
  {
    discovery = true,
    routes = {},
  }: { discovery?: boolean; routes?: Record<string, Parameters<TestServer['route']>[1]> } = {},
): Promise<Harness> {
  const key = await makeKey('k1')
  const server = await TestServer.start(t, { '/jwks': { body: jwksOf(key) } })
  const issuer = server.origin
  if (discovery) server.route(OIDC, openidConfiguration(issuer, server.url('/jwks')))
  for (const [path, route] of Object.entries(routes)) server.route(path, route)
  const clock = new Clock()
  const events: KeySetEvent[] = []
  const verifier = createVerifier(
    { issuer, audience: AUDIENCE, realm: 'api', now: clock.now, keys: FAST, ...options },
    { onKeySetEvent: (event) => events.push(event) },
  )
  t.teardown(() => verifier.close())
  const token = await mint(key, { claims: { iss: issuer } })
  return { server, issuer, key, clock, events, verifier, token }
}

/** The 503 of DESIGN.md: no challenge, a Retry-After. */
async function unavailable(t: Test, promise: Promise<unknown>, retryAfter = '1'): Promise<TokenwardError> {
  const error = await refused(t, promise, 'TW_KEYS_UNAVAILABLE', undefined, 503)
  t.equal(error.error, undefined)
  t.same(Object.keys(error.headers), ['Retry-After'], 'no WWW-Authenticate on a 503')
  t.equal(error.headers['Retry-After'], retryAfter, 'Retry-After')
  t.equal(error.message, "The issuer's signing keys are unavailable; try again later")
  return error
}

t.test('discovery through /.well-known/openid-configuration', async (t) => {
  const { server, issuer, verifier, token, events } = await harness(t)
  const principal = await verifier.verify(token)
  t.equal(principal.issuer, issuer)
  t.same(server.requests, [OIDC, '/jwks'], 'discovery, then the key set')
  t.same(events, [{ type: 'keys-fetched', issuer, url: server.url('/jwks'), keyCount: 1 }])
})

t.test('the server is asked for JSON', async (t) => {
  let accept: string | undefined
  const { verifier, token, server, key } = await harness(
    t,
    {},
    {
      routes: {
        '/jwks': (req, res) => {
          accept = req.headers.accept
          res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify(jwksOf(key)))
        },
      },
    },
  )
  t.ok(await verifier.verify(token))
  t.equal(server.count('/jwks'), 1)
  t.match(accept, /application\/json/)
  t.match(accept, /application\/jwk-set\+json/)
})

t.test('fallback to /.well-known/oauth-authorization-server', async (t) => {
  const { server, issuer, verifier, token } = await harness(t, {}, { discovery: false })
  server.route(RFC8414, openidConfiguration(issuer, server.url('/jwks')))
  t.ok(await verifier.verify(token))
  t.same(server.requests, [OIDC, RFC8414, '/jwks'])
})

t.test('issuer with a path: both well-known locations', async (t) => {
  const key = await makeKey('k1')
  const server = await TestServer.start(t, { '/keys/a': { body: jwksOf(key) } })
  const issuer = server.url('/tenant-a')
  server.route(`${RFC8414}/tenant-a`, openidConfiguration(issuer, server.url('/keys/a')))
  const verifier = createVerifier({ issuer, audience: AUDIENCE, now: () => T0, keys: FAST })
  t.teardown(() => verifier.close())
  t.ok(await verifier.verify(await mint(key, { claims: { iss: issuer } })))
  t.same(server.requests, [`/tenant-a${OIDC}`, `${RFC8414}/tenant-a`, '/keys/a'])
})

t.test('metadata naming another issuer is refused', async (t) => {
  const { server, verifier, token, events, issuer } = await harness(t, {}, { discovery: false })
  server.route(OIDC, openidConfiguration('https://evil.example', server.url('/jwks')))
  server.route(RFC8414, openidConfiguration(`${issuer}/`, server.url('/jwks')))
  await unavailable(t, verifier.verify(token))
  t.equal(server.count('/jwks'), 0, 'the jwks_uri of foreign metadata is never fetched')
  t.equal(events.length, 1)
  const [event] = events
  t.equal(event?.type, 'keys-fetch-failed')
  if (event?.type === 'keys-fetch-failed') {
    t.equal(event.servingStale, false)
    t.equal(event.issuer, issuer)
    t.match(event.error.message, /describes another issuer/)
  }
})

t.test('metadata whose issuer matches only in the fallback document is used', async (t) => {
  const { server, verifier, token, issuer } = await harness(t, {}, { discovery: false })
  server.route(OIDC, openidConfiguration('https://evil.example', 'https://evil.example/jwks'))
  server.route(RFC8414, openidConfiguration(issuer, server.url('/jwks')))
  t.ok(await verifier.verify(token))
  t.same(server.requests, [OIDC, RFC8414, '/jwks'])
})

t.test('metadata without a usable jwks_uri, or not an object', async (t) => {
  for (const [description, body, message] of [
    ['no jwks_uri', { issuer: '' }, /has no valid jwks_uri/],
    ['relative jwks_uri', { issuer: '', jwks_uri: 'jwks' }, /has no valid jwks_uri/],
    ['jwks_uri not a string', { issuer: '', jwks_uri: ['x'] }, /has no valid jwks_uri/],
    ['null', null, /describes another issuer/],
    ['a string', 'metadata', /describes another issuer/],
  ] as const) {
    const { server, verifier, token, events, issuer } = await harness(t, {}, { discovery: false })
    const document = typeof body === 'object' && body !== null ? { ...body, issuer } : body
    server.route(OIDC, { body: document })
    server.route(RFC8414, { body: document })
    await unavailable(t, verifier.verify(token))
    t.equal(server.count('/jwks'), 0, description)
    t.match(events[0]?.type === 'keys-fetch-failed' ? events[0].error.message : '', message, description)
  }
})

t.test('jwksUri skips discovery', async (t) => {
  const { server, verifier, token } = await harness(t, {}, { discovery: false })
  const withUri = createVerifier({
    issuer: server.origin,
    audience: AUDIENCE,
    jwksUri: server.url('/jwks'),
    now: () => T0,
    keys: FAST,
  })
  t.teardown(() => withUri.close())
  t.ok(await withUri.verify(token))
  t.same(server.requests, ['/jwks'])
  t.ok(verifier)
})

t.test(
  'unknown kid: one refetch, then TW_BAD_SIGNATURE, and no second fetch inside the cooldown',
  async (t) => {
    const { server, verifier, token, clock, key } = await harness(t, {
      keys: { ...FAST, cacheMaxAge: 60_000 },
    })
    const rotated = await makeKey('k2')
    const newToken = await mint(rotated, { claims: { iss: server.origin } })
    t.ok(await verifier.verify(token))
    t.equal(server.count('/jwks'), 1)

    clock.advance(60)
    await refused(t, verifier.verify(newToken), 'TW_BAD_SIGNATURE', SIGNATURE)
    t.equal(server.count('/jwks'), 2, 'one refetch for the unknown kid')
    await refused(
      t,
      verifier.verify(await mint(rotated, { claims: { iss: server.origin, sub: 'b' } })),
      'TW_BAD_SIGNATURE',
      SIGNATURE,
    )
    clock.advance(49)
    await refused(
      t,
      verifier.verify(await mint(rotated, { claims: { iss: server.origin, sub: 'c' } })),
      'TW_BAD_SIGNATURE',
      SIGNATURE,
    )
    t.equal(server.count('/jwks'), 2, 'no fetch inside the cooldown')
    t.equal(server.count(OIDC), 1, 'discovery is not repeated for a refetch')

    // the issuer rotates in k2; after the cooldown the unknown kid is fetched
    server.route('/jwks', { body: jwksOf(key, rotated) })
    clock.advance(1)
    t.equal((await verifier.verify(newToken)).sub, 'user-1')
    t.equal(server.count('/jwks'), 3)
    t.ok(await verifier.verify(token), 'the old key still works')
    t.equal(server.count('/jwks'), 3)
  },
)

t.test('unknown kid at a cold start: a single fetch', async (t) => {
  const { server, verifier } = await harness(t)
  const stranger = await makeKey('k9')
  await refused(
    t,
    verifier.verify(await mint(stranger, { claims: { iss: server.origin } })),
    'TW_BAD_SIGNATURE',
    SIGNATURE,
  )
  t.equal(server.count('/jwks'), 1)
})

t.test('20 concurrent verifies at a cold start: exactly one JWKS fetch', async (t) => {
  const key = await makeKey('k1')
  const server = await TestServer.start(t)
  let discoveries = 0
  server.route(OIDC, (_req, res) => {
    discoveries++
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ issuer: server.origin, jwks_uri: server.url('/jwks') }))
    }, 30)
  })
  server.route('/jwks', (_req, res) => {
    setTimeout(() => res.writeHead(200).end(JSON.stringify(jwksOf(key))), 30)
  })
  const verifier = createVerifier({ issuer: server.origin, audience: AUDIENCE, now: () => T0, keys: FAST })
  t.teardown(() => verifier.close())
  const tokens = await Promise.all(
    Array.from({ length: 20 }, (_, i) => mint(key, { claims: { iss: server.origin, sub: `user-${i}` } })),
  )
  const principals = await Promise.all(tokens.map((token) => verifier.verify(token)))
  t.same(
    principals.map((p) => p.sub),
    tokens.map((_, i) => `user-${i}`),
  )
  t.equal(server.count('/jwks'), 1, 'one JWKS fetch')
  t.equal(discoveries, 1, 'one discovery fetch')
})

t.test(
  'issuer down at start: 503 with Retry-After, no WWW-Authenticate; errors are not cached',
  async (t) => {
    const { server, verifier, token, clock, events, key } = await harness(
      t,
      {},
      {
        routes: { '/jwks': { status: 500, body: { error: 'down' } } },
      },
    )
    await unavailable(t, verifier.verify(token))
    t.equal(server.count('/jwks'), 1)
    t.equal(events.length, 1)
    t.match(events[0], { type: 'keys-fetch-failed', servingStale: false })
    t.match(events[0]?.type === 'keys-fetch-failed' ? events[0].error.message : '', /answered HTTP 500/)

    await unavailable(t, verifier.verify(token))
    t.equal(server.count('/jwks'), 1, 'inside the cooldown: no new fetch, still 503')

    clock.advance(50)
    await unavailable(t, verifier.verify(token))
    t.equal(server.count('/jwks'), 2, 'after the cooldown: one more attempt')
    t.equal(events.length, 1, 'one report per failure streak')

    server.route('/jwks', { body: jwksOf(key) })
    clock.advance(50)
    t.ok(await verifier.verify(token), 'the issuer is back: the same token verifies')
    t.equal(server.count('/jwks'), 3)
    t.equal(events.at(-1)?.type, 'keys-fetched')
  },
)

t.test('Retry-After counts down the cooldown', async (t) => {
  const { verifier, token, clock } = await harness(
    t,
    { keys: { ...FAST, cooldownDuration: 10_000 } },
    {
      routes: { '/jwks': { status: 503, body: {} } },
    },
  )
  await unavailable(t, verifier.verify(token), '10')
  clock.advance(4_000)
  await unavailable(t, verifier.verify(token), '6')
  clock.advance(5_500)
  await unavailable(t, verifier.verify(token), '1')
})

t.test('nothing listening: 503', async (t) => {
  const probe = await TestServer.start(t)
  const url = probe.url('/jwks')
  await probe.close()
  const key = await makeKey()
  const events: KeySetEvent[] = []
  const verifier = createVerifier(
    { issuer: 'https://issuer.example/', audience: AUDIENCE, jwksUri: url, now: () => T0, keys: FAST },
    { onKeySetEvent: (event) => events.push(event) },
  )
  t.teardown(() => verifier.close())
  await unavailable(t, verifier.verify(await mint(key)))
  t.match(events[0]?.type === 'keys-fetch-failed' ? events[0].error.message : '', /GET .* failed$/)
})

t.test('stale keys are served after cacheMaxAge while the issuer answers 500', async (t) => {
  const { server, verifier, token, clock, events, key, issuer } = await harness(t, {
    keys: { ...FAST, staleIfErrorDuration: 1_000 },
  })
  const principal = await verifier.verify(token)
  t.equal(server.count('/jwks'), 1)
  server.route('/jwks', { status: 500, body: {} })
  server.route(OIDC, { status: 500, body: {} })

  clock.advance(150)
  const other = await mint(key, { claims: { iss: issuer, sub: 'other' } })
  t.equal((await verifier.verify(other)).sub, 'other', 'verified with the stale keys')
  t.equal(server.count(OIDC), 2, 'a refresh was attempted (discovery is due again)')
  t.same(
    events.map((e) => e.type),
    ['keys-fetched', 'keys-fetch-failed', 'keys-stale'],
  )
  t.match(events[1], { type: 'keys-fetch-failed', servingStale: true, issuer })
  t.match(events[2], { type: 'keys-stale', issuer, ageMs: 150 })
  t.equal(await verifier.verify(token), principal, 'the cached principal is still served')

  clock.advance(100)
  t.ok(await verifier.verify(await mint(key, { claims: { iss: issuer, sub: 'third' } })))
  t.equal(events.length, 3, 'no new events while the failure streak lasts')
  const requests = server.count()

  // beyond staleIfErrorDuration: 503
  clock.advance(800)
  await unavailable(t, verifier.verify(await mint(key, { claims: { iss: issuer, sub: 'late' } })))
  t.ok(server.count() > requests, 'a refresh was attempted first')

  // back up: fresh keys, a new streak would be reported again
  server.route(OIDC, openidConfiguration(issuer, server.url('/jwks')))
  server.route('/jwks', { body: jwksOf(key) })
  clock.advance(100)
  t.ok(await verifier.verify(await mint(key, { claims: { iss: issuer, sub: 'back' } })))
  t.equal(events.at(-1)?.type, 'keys-fetched')
  server.route('/jwks', { status: 500, body: {} })
  clock.advance(150)
  t.ok(await verifier.verify(await mint(key, { claims: { iss: issuer, sub: 'again' } })))
  t.same(
    events.slice(-2).map((e) => e.type),
    ['keys-fetch-failed', 'keys-stale'],
    'a new failure streak is reported',
  )
})

t.test('an unknown kid while only stale keys are held is TW_BAD_SIGNATURE, not 503', async (t) => {
  const { server, verifier, token, clock, issuer } = await harness(t)
  t.ok(await verifier.verify(token))
  server.route('/jwks', { status: 500, body: {} })
  clock.advance(150)
  const stranger = await makeKey('k9')
  await refused(
    t,
    verifier.verify(await mint(stranger, { claims: { iss: issuer } })),
    'TW_BAD_SIGNATURE',
    SIGNATURE,
  )
})

t.test('garbage instead of JSON, or JSON that is not a key set', async (t) => {
  const cases: Array<[string, Parameters<TestServer['route']>[1], RegExp]> = [
    ['garbage', { raw: '<html>oops</html>' }, /did not answer JSON/],
    ['truncated JSON', { raw: '{"keys": [' }, /did not answer JSON/],
    ['keys not an array', { body: { keys: 'k1' } }, /is not a JSON Web Key Set/],
    ['a key that is not an object', { body: { keys: ['k1'] } }, /is not a JSON Web Key Set/],
    ['null', { raw: 'null' }, /is not a JSON Web Key Set/],
    ['a redirect', { status: 302, headers: { location: '/elsewhere' }, body: {} }, /answered HTTP 302/],
  ]
  for (const [description, route, message] of cases) {
    const { verifier, token, events, server } = await harness(t, {}, { routes: { '/jwks': route } })
    await unavailable(t, verifier.verify(token))
    t.equal(events[0]?.type, 'keys-fetch-failed', description)
    t.match(events[0]?.type === 'keys-fetch-failed' ? events[0].error.message : '', message, description)
    t.notOk(server.requests.includes('/elsewhere'), `${description}: redirects are not followed`)
  }
})

t.test('timeout', async (t) => {
  const { verifier, token, events } = await harness(
    t,
    {},
    {
      routes: { '/jwks': () => undefined /* never answers */ },
    },
  )
  const started = performance.now()
  await unavailable(t, verifier.verify(token))
  const elapsed = performance.now() - started
  t.ok(elapsed >= 150, `waited for the timeout (${Math.round(elapsed)} ms)`)
  t.ok(elapsed < 2_000, 'and no longer')
  t.match(events[0]?.type === 'keys-fetch-failed' ? events[0].error.message : '', /timed out after 200 ms/)
})

t.test('Cache-Control: max-age is honoured, between cooldown and cacheMaxAge', async (t) => {
  const long = { ...FAST, cacheMaxAge: 100_000 }
  await t.test('max-age=1 shortens the lifetime', async (t) => {
    const { server, verifier, token, clock, key, issuer } = await harness(t, { keys: long })
    server.route('/jwks', { body: jwksOf(key), headers: { 'cache-control': 'public, max-age=1' } })
    t.ok(await verifier.verify(token))
    clock.advance(900)
    t.ok(await verifier.verify(await mint(key, { claims: { iss: issuer, sub: 'a' } })))
    t.equal(server.count('/jwks'), 1, 'fresh for one second')
    clock.advance(100)
    t.ok(await verifier.verify(await mint(key, { claims: { iss: issuer, sub: 'b' } })))
    t.equal(server.count('/jwks'), 2, 'refetched after max-age')
  })
  await t.test('without Cache-Control: cacheMaxAge', async (t) => {
    const { server, verifier, token, clock, key, issuer } = await harness(t, { keys: long })
    t.ok(await verifier.verify(token))
    clock.advance(5_000)
    t.ok(await verifier.verify(await mint(key, { claims: { iss: issuer, sub: 'a' } })))
    t.equal(server.count('/jwks'), 1)
  })
  await t.test('max-age above cacheMaxAge is capped', async (t) => {
    const { server, verifier, token, clock, key, issuer } = await harness(t)
    server.route('/jwks', { body: jwksOf(key), headers: { 'cache-control': 'max-age="3600"' } })
    t.ok(await verifier.verify(token))
    clock.advance(100)
    t.ok(await verifier.verify(await mint(key, { claims: { iss: issuer, sub: 'a' } })))
    t.equal(server.count('/jwks'), 2)
  })
  await t.test('no-store: refetched once the cooldown has passed', async (t) => {
    const { server, verifier, token, clock, key, issuer } = await harness(t, { keys: long })
    server.route('/jwks', { body: jwksOf(key), headers: { 'cache-control': 'no-store, max-age=60' } })
    t.ok(await verifier.verify(token))
    clock.advance(49)
    t.ok(await verifier.verify(await mint(key, { claims: { iss: issuer, sub: 'a' } })))
    t.equal(server.count('/jwks'), 1)
    clock.advance(1)
    t.ok(await verifier.verify(await mint(key, { claims: { iss: issuer, sub: 'b' } })))
    t.equal(server.count('/jwks'), 2)
  })
})

t.test('ready() fetches the keys before the first request', async (t) => {
  const { server, verifier, token } = await harness(t)
  await verifier.ready()
  t.same(server.requests, [OIDC, '/jwks'])
  t.ok(await verifier.verify(token))
  t.equal(server.count(), 2, 'the first request does not pay')
})

t.test('ready() rejects with TW_KEYS_UNAVAILABLE when the issuer is down', async (t) => {
  const { verifier } = await harness(t, {}, { routes: { '/jwks': { status: 500, body: {} } } })
  await unavailable(t, verifier.ready())
})

t.test('several issuers, each with its own discovery and key set', async (t) => {
  const keyA = await makeKey('a1')
  const keyB = await makeKey('b1')
  const a = await TestServer.start(t, { '/jwks': { body: jwksOf(keyA) } })
  const b = await TestServer.start(t, { '/jwks': { body: jwksOf(keyB) } })
  const evil = await TestServer.start(t, { '/jwks': { body: jwksOf(keyA) } })
  a.route(OIDC, openidConfiguration(a.origin, a.url('/jwks')))
  b.route(OIDC, openidConfiguration(b.origin, b.url('/jwks')))
  evil.route(OIDC, openidConfiguration(evil.origin, evil.url('/jwks')))
  const verifier = createVerifier({
    issuer: [a.origin, b.origin],
    audience: AUDIENCE,
    realm: 'api',
    now: () => T0,
    keys: FAST,
  })
  t.teardown(() => verifier.close())

  // an unlisted issuer: refused before any key is looked up, no request anywhere
  await refused(
    t,
    verifier.verify(await mint(keyA, { claims: { iss: evil.origin } })),
    'TW_WRONG_ISSUER',
    invalidToken(DESCRIPTIONS.ISSUER),
  )
  t.equal(evil.count() + a.count() + b.count(), 0, 'no request reached any server')

  t.equal((await verifier.verify(await mint(keyA, { claims: { iss: a.origin } }))).issuer, a.origin)
  t.same(a.requests, [OIDC, '/jwks'])
  t.equal(b.count(), 0, "b's keys are not fetched for a's token")
  t.equal((await verifier.verify(await mint(keyB, { claims: { iss: b.origin } }))).issuer, b.origin)
  t.same(b.requests, [OIDC, '/jwks'])

  // a's key does not verify a token claiming b as issuer
  await refused(
    t,
    verifier.verify(await mint(keyA, { claims: { iss: b.origin } })),
    'TW_BAD_SIGNATURE',
    SIGNATURE,
  )
  t.equal(evil.count(), 0)
})

t.test('several issuers sharing one jwksUri: one key set, one fetch; ready() fetches it once', async (t) => {
  const key = await makeKey()
  const server = await TestServer.start(t, { '/jwks': { body: jwksOf(key) } })
  const verifier = createVerifier({
    issuer: ['https://a.example/', 'https://b.example/'],
    audience: AUDIENCE,
    jwksUri: server.url('/jwks'),
    now: () => T0,
    keys: FAST,
  })
  t.teardown(() => verifier.close())
  await verifier.ready()
  t.ok(await verifier.verify(await mint(key, { claims: { iss: 'https://a.example/' } })))
  t.ok(await verifier.verify(await mint(key, { claims: { iss: 'https://b.example/' } })))
  t.same(server.requests, ['/jwks'])
})

t.test('close() aborts a fetch in flight', async (t) => {
  const { verifier, token, events, server } = await harness(
    t,
    { keys: { ...FAST, timeoutDuration: 5_000 } },
    {
      routes: { '/jwks': () => undefined /* hangs */ },
    },
  )
  const pending = verifier.verify(token)
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(server.count('/jwks'), 1, 'the fetch is in flight')
  const started = performance.now()
  verifier.close()
  await unavailable(t, pending)
  t.ok(performance.now() - started < 1_000, 'answered at once, not after the timeout')
  t.match(events[0]?.type === 'keys-fetch-failed' ? events[0].error.message : '', /GET .* failed$/)
})

t.test('close() during discovery stops it: the fallback document is not asked for', async (t) => {
  const { verifier, token, server } = await harness(
    t,
    { keys: { ...FAST, timeoutDuration: 5_000 } },
    {
      discovery: false,
      routes: { [OIDC]: () => undefined /* hangs */ },
    },
  )
  const pending = verifier.verify(token)
  await new Promise((resolve) => setTimeout(resolve, 50))
  verifier.close()
  await unavailable(t, pending)
  t.same(server.requests, [OIDC])
})

t.test('a key set issuer that is not a URL fails discovery as unavailable', async (t) => {
  t.throws(() => createVerifier({ issuer: 'not a url', audience: AUDIENCE }), {
    name: 'TypeError',
    message: /^"issuer" option must be an absolute URL/,
  })
  const events: KeySetEvent[] = []
  const keySet = new RemoteKeySet({
    issuer: 'not a url',
    jwksUri: undefined,
    keys: { timeoutDuration: 200, cooldownDuration: 50, cacheMaxAge: 100, staleIfErrorDuration: 1000 },
    now: () => T0,
    listener: (event) => events.push(event),
    challenge: {},
  })
  t.teardown(() => keySet.close())
  await t.rejects(keySet.ready(), { code: 'TW_KEYS_UNAVAILABLE', statusCode: 503 })
  t.equal(events[0]?.type, 'keys-fetch-failed')
})

t.test('without a hook, failures are silent and still 503', async (t) => {
  const server = await TestServer.start(t, { '/jwks': { status: 500, body: {} } })
  const key = await makeKey()
  const verifier = createVerifier({
    issuer: 'https://issuer.example/',
    audience: AUDIENCE,
    jwksUri: server.url('/jwks'),
    now: () => T0,
    keys: FAST,
  })
  t.teardown(() => verifier.close())
  await unavailable(t, verifier.verify(await mint(key)))
})

t.test('RemoteKeySet and SecretKeySet directly', async (t) => {
  const key = await makeKey('k1')
  const server = await TestServer.start(t, { '/jwks': { body: jwksOf(key) } })
  const clock = new Clock()
  const keySet = new RemoteKeySet({
    issuer: 'https://issuer.example/',
    jwksUri: server.url('/jwks'),
    keys: { ...FAST, staleIfErrorDuration: 1000 },
    now: clock.now,
    listener: undefined,
    challenge: { realm: 'api' },
  })
  t.teardown(() => keySet.close())
  t.equal(keySet.version, 0, 'nothing fetched yet')
  t.notOk(keySet.holds('k1', 0))
  await keySet.ready()
  t.equal(keySet.version, 1)
  t.ok(keySet.holds('k1', 1))
  t.notOk(keySet.holds('k2', 1))
  t.ok(keySet.holds(undefined, 1))
  t.notOk(keySet.holds(undefined, 0))
  const error = (await rejection(
    keySet.getKey({ alg: 'ES256', kid: 'nope' }, { payload: '', signature: '' }),
  )) as TokenwardError
  t.equal(error.code, 'TW_BAD_SIGNATURE')
  t.equal(error.headers['WWW-Authenticate'], SIGNATURE)

  const secret = new Uint8Array([1, 2, 3])
  const secretSet = new SecretKeySet(secret)
  t.equal(await secretSet.getKey(), secret)
  t.ok(secretSet.holds())
  t.equal(secretSet.version, 0)
  await secretSet.ready()
  secretSet.close()
})

t.test('kid-less token after the issuer changed key type: refetch, then every candidate', async (t) => {
  const rsa = await makeKey(null, 'RS256')
  const ec1 = await makeKey(null)
  const ec2 = await makeKey(null)
  const server = await TestServer.start(t, { '/jwks': { body: jwksOf(rsa) } })
  const clock = new Clock()
  const verifier = createVerifier({
    issuer: 'https://issuer.example/',
    audience: AUDIENCE,
    jwksUri: server.url('/jwks'),
    now: clock.now,
    keys: { ...FAST, cacheMaxAge: 60_000 },
  })
  t.teardown(() => verifier.close())
  t.ok(await verifier.verify(await mint(rsa)))
  server.route('/jwks', { body: jwksOf(ec1, ec2) })
  clock.advance(60)
  // ES256 matches no key of the held set: one refetch, which brings two EC keys that both fit
  t.equal((await verifier.verify(await mint(ec2, { claims: { sub: 'ec' } }))).sub, 'ec')
  t.equal(server.count('/jwks'), 2)
})

t.test('discovery down at refresh time: the last known jwks_uri is used', async (t) => {
  const { server, verifier, token, clock, events, key, issuer } = await harness(t)
  await verifier.verify(token)
  t.same(server.requests, [OIDC, '/jwks'])
  server.route(OIDC, { status: 500, body: {} })
  server.route('/jwks', { body: jwksOf(key, await makeKey('k2')) })
  clock.advance(150) // past cacheMaxAge (100 ms): discovery is due again, and fails
  const rotated = await mint(key, { claims: { iss: issuer, sub: 'after' } })
  t.equal((await verifier.verify(rotated)).sub, 'after')
  t.equal(server.count(OIDC), 2, 'discovery was tried again')
  t.equal(server.count('/jwks'), 2, 'the keys were still refreshed from the known URL')
  t.same(
    events.map((e) => e.type),
    ['keys-fetched', 'keys-fetched'],
    'no failure reported: the keys were had',
  )
})

t.test('ready() rejects once the only keys held are past the stale window', async (t) => {
  const { server, verifier, clock } = await harness(t, { keys: { ...FAST, staleIfErrorDuration: 1_000 } })
  await verifier.ready()
  server.route('/jwks', { status: 500, body: {} })
  server.route(OIDC, { status: 500, body: {} })
  clock.advance(500)
  await verifier.ready()
  t.pass('stale keys inside the window: ready')
  clock.advance(1_000)
  await unavailable(t, verifier.ready())
})

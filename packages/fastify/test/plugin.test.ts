/**
 * The plugin itself: exports, decorations, the principal handlers get,
 * encapsulation, and keys fetched over real HTTP at start-up.
 */
import t from 'tap'
import Fastify from 'fastify'
import tokenward, { isTokenwardError, tokenward as named, TokenwardError } from '@tokenward/fastify'
import { AUDIENCE, createIssuer, ISSUER, NOW, NOW_S } from './fixtures/issuer.js'
import { assertRefusal, bearer, buildApp, pluginOptions, principalView } from './fixtures/app.js'
import { startJwksServer } from './fixtures/http.js'

const issuer = await createIssuer()

t.test('exports: default and named plugin, fastify-plugin metadata, error helpers', async (t) => {
  t.equal(named, tokenward)
  t.equal(typeof tokenward, 'function')
  const meta = (tokenward as unknown as Record<symbol, unknown>)[Symbol.for('plugin-meta')] as Record<
    string,
    unknown
  >
  t.match(meta, { name: '@tokenward/fastify', fastify: '5.x' })
  t.equal((tokenward as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')], true)
  const error = new TokenwardError('TW_EXPIRED')
  t.ok(isTokenwardError(error))
  t.notOk(isTokenwardError(new Error('x')))
})

t.test('decorations: request.auth is null until verified, app.tokenward is the verifier', async (t) => {
  const app = Fastify()
  await app.register(tokenward, pluginOptions(issuer))
  let seenInHook: unknown = 'not called'
  app.addHook('onRequest', async (request) => {
    seenInHook = request.auth
  })
  app.get('/public', { config: { auth: false } }, async (request) => ({
    auth: request.auth,
    has: 'auth' in request,
  }))
  app.get('/me', async (request) => principalView(request.auth))
  t.teardown(() => app.close())

  const pub = await app.inject('/public')
  t.same(pub.json(), { auth: null, has: true })
  t.equal(seenInHook, null, 'decorated with null before any hook of the route')

  t.equal(typeof app.tokenward.verify, 'function')
  t.same(app.tokenward.options.audiences, [AUDIENCE])
  t.equal(app.tokenward.options.realm, 'api')
  t.equal(typeof app.requireScopes, 'function')
  t.equal(typeof app.requireAnyScope, 'function')
})

t.test('the principal handlers get', async (t) => {
  const app = await buildApp(pluginOptions(issuer))
  t.teardown(() => app.close())
  const claims = {
    sub: 'user-42',
    aud: [AUDIENCE, 'https://other.api'],
    scope: 'read:a write:a',
    scp: ['extra'],
    client_id: 'svc-client',
    azp: 'ignored-when-client_id',
    jti: 'jti-1',
    tenant: 'acme',
  }
  const token = await issuer.sign(claims, { typ: 'at+jwt' })
  const res = await app.inject({ url: '/me', headers: bearer(token) })
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    sub: 'user-42',
    scopes: ['extra', 'read:a', 'write:a'],
    issuer: ISSUER,
    audience: [AUDIENCE, 'https://other.api'],
    clientId: 'svc-client',
    expiresAt: new Date((NOW_S + 3600) * 1000).toISOString(),
    claims: { iss: ISSUER, iat: NOW_S - 60, exp: NOW_S + 3600, ...claims },
    hasToken: true,
  })

  const viaAzp = await app.inject({ url: '/me', headers: bearer(await issuer.sign({ azp: 'web-app' })) })
  t.match(viaAzp.json(), { clientId: 'web-app', audience: [AUDIENCE] }, 'clientId falls back to azp')
  const noClient = await app.inject({ url: '/me', headers: bearer(await issuer.sign()) })
  t.match(noClient.json(), { clientId: null })

  // The raw token is there for forwarding, and it is the one sent.
  const echo = Fastify()
  await echo.register(tokenward, pluginOptions(issuer))
  echo.get('/token', async (request) => ({
    same: request.auth?.token === token,
    frozen: Object.isFrozen(request.auth),
  }))
  t.teardown(() => echo.close())
  t.same((await echo.inject({ url: '/token', headers: bearer(token) })).json(), { same: true, frozen: true })
})

t.test('scheme case and spaces: RFC 6750 forms are accepted', async (t) => {
  const app = await buildApp(pluginOptions(issuer))
  t.teardown(() => app.close())
  const token = await issuer.sign()
  for (const authorization of [
    `bearer ${token}`,
    `BEARER ${token}`,
    `Bearer   ${token}`,
    ` Bearer ${token} `,
  ]) {
    t.equal(
      (await app.inject({ url: '/me', headers: { authorization } })).statusCode,
      200,
      JSON.stringify(authorization.slice(0, 9)),
    )
  }
})

t.test('encapsulation: only the context the plugin is registered in is protected', async (t) => {
  const app = Fastify()
  app.get('/root-before', async (request) => ({ public: true, auth: request.auth ?? 'undecorated' }))
  await app.register(
    async (api) => {
      await api.register(tokenward, pluginOptions(issuer))
      api.get('/me', async (request) => ({ sub: request.auth?.sub }))
      api.get('/', async (request) => ({ index: request.auth?.sub }))
      api.get('/health', { config: { auth: false } }, async () => ({ ok: true }))
      await api.register(async (nested) => {
        nested.get('/nested', async (request) => ({ nested: request.auth?.sub }))
      })
    },
    { prefix: '/api' },
  )
  await app.register(async (sibling) => {
    sibling.get('/sibling', async () => ({ public: true }))
    // A route's auth config means nothing where the plugin is not registered.
    sibling.get('/sibling-scoped', { config: { auth: { scopes: ['admin'] } } }, async () => ({
      public: true,
    }))
  })
  app.get('/root-after', async () => ({ public: true }))
  await app.ready()
  t.teardown(() => app.close())

  const token = await issuer.sign()
  for (const url of ['/api/me', '/api', '/api/', '/api/nested']) {
    assertRefusal(t, await app.inject(url), 'TW_MISSING_TOKEN', { message: url })
    t.equal((await app.inject({ url, headers: bearer(token) })).statusCode, 200, `${url} with a token`)
  }
  t.same((await app.inject({ url: '/api/nested', headers: bearer(token) })).json(), { nested: 'user-1' })
  t.equal((await app.inject('/api/health')).statusCode, 200)
  for (const url of ['/root-before', '/root-after', '/sibling', '/sibling-scoped']) {
    const res = await app.inject(url)
    t.same([res.statusCode, res.json().public], [200, true], `${url} stays public`)
  }
  t.same((await app.inject('/root-before')).json(), { public: true, auth: 'undecorated' })
  t.notOk(app.hasDecorator('tokenward'), 'the root has no verifier')
  t.equal(app.hasRequestDecorator('auth'), false)
})

t.test('two sibling contexts with their own audiences', async (t) => {
  const app = Fastify()
  await app.register(async (a) => {
    await a.register(tokenward, pluginOptions(issuer, { audience: 'https://a.api' }))
    a.get('/a', async (request) => ({ aud: request.auth?.audience }))
  })
  await app.register(async (b) => {
    await b.register(tokenward, pluginOptions(issuer, { audience: 'https://b.api' }))
    b.get('/b', async (request) => ({ aud: request.auth?.audience }))
  })
  t.teardown(() => app.close())
  const forA = await issuer.sign({ aud: 'https://a.api' })
  t.same((await app.inject({ url: '/a', headers: bearer(forA) })).json(), { aud: ['https://a.api'] })
  assertRefusal(t, await app.inject({ url: '/b', headers: bearer(forA) }), 'TW_WRONG_AUDIENCE')
})

t.test('jwksUri over real HTTP: keys fetched at start-up, not per request', async (t) => {
  const jwks = await startJwksServer(issuer.jwks)
  t.teardown(() => jwks.close())
  const app = await buildApp(pluginOptions(issuer, { jwks: undefined, jwksUri: jwks.url }))
  t.teardown(() => app.close())
  t.same(jwks.hits, ['/jwks'], 'fetched once during onReady')
  const res = await app.inject({ url: '/me', headers: bearer(await issuer.sign()) })
  t.equal(res.statusCode, 200)
  t.equal(
    (await app.inject({ url: '/me', headers: bearer(await issuer.sign({ sub: 'other' })) })).statusCode,
    200,
  )
  t.same(jwks.hits, ['/jwks'], 'no fetch for requests')
})

t.test('key rotation over HTTP: an unknown kid refetches once the cooldown has passed', async (t) => {
  const jwks = await startJwksServer(issuer.jwks)
  t.teardown(() => jwks.close())
  let clock = NOW
  const app = await buildApp(
    pluginOptions(issuer, {
      jwks: undefined,
      jwksUri: jwks.url,
      now: () => clock,
      keys: { cooldownDuration: 1000 },
    }),
  )
  t.teardown(() => app.close())
  const rotated = await createIssuer('ES256', 'rotated-key')
  jwks.answer = { jwks: { keys: [issuer.publicJwk, rotated.publicJwk] } }
  const token = await rotated.sign()
  assertRefusal(t, await app.inject({ url: '/me', headers: bearer(token) }), 'TW_BAD_SIGNATURE', {
    message: 'within the cooldown',
  })
  t.equal(jwks.hits.length, 1)
  clock += 1500
  t.equal((await app.inject({ url: '/me', headers: bearer(token) })).statusCode, 200, 'after the cooldown')
  t.equal(jwks.hits.length, 2)
})

t.test('discovery: no jwksUri, keys found through the issuer metadata', async (t) => {
  const server = await startJwksServer(issuer.jwks)
  t.teardown(() => server.close())
  const iss = server.origin
  server.routes['/.well-known/openid-configuration'] = { issuer: iss, jwks_uri: server.url }
  const app = await buildApp({ issuer: iss, audience: AUDIENCE, realm: 'api', now: () => NOW })
  t.teardown(() => app.close())
  t.same(server.hits, ['/.well-known/openid-configuration', '/jwks'])
  t.equal((await app.inject({ url: '/me', headers: bearer(await issuer.sign({ iss })) })).statusCode, 200)
  assertRefusal(
    t,
    await app.inject({ url: '/me', headers: bearer(await issuer.sign()) }),
    'TW_WRONG_ISSUER',
    {
      message: 'an unlisted issuer is never contacted',
    },
  )
  t.same(server.hits, ['/.well-known/openid-configuration', '/jwks'])
})

t.test('close() releases the verifier', async (t) => {
  const jwks = await startJwksServer(issuer.jwks)
  t.teardown(() => jwks.close())
  const app = await buildApp(pluginOptions(issuer, { jwks: undefined, jwksUri: jwks.url }))
  await app.close()
  t.pass('closed without hanging')
})

t.test('the verified-token cache through the plugin: exp re-checked, removed keys noticed', async (t) => {
  const jwks = await startJwksServer(issuer.jwks)
  t.teardown(() => jwks.close())
  let clock = NOW
  const app = await buildApp(
    pluginOptions(issuer, {
      jwks: undefined,
      jwksUri: jwks.url,
      now: () => clock,
      keys: { cacheMaxAge: 60_000, cooldownDuration: 1000 },
    }),
  )
  t.teardown(() => app.close())

  const shortLived = await issuer.sign({ exp: NOW_S + 30 })
  t.equal((await app.inject({ url: '/me', headers: bearer(shortLived) })).statusCode, 200)
  clock += 60_000
  assertRefusal(t, await app.inject({ url: '/me', headers: bearer(shortLived) }), 'TW_EXPIRED', {
    message: 'a cached token past its exp',
  })

  const token = await issuer.sign()
  t.equal((await app.inject({ url: '/me', headers: bearer(token) })).statusCode, 200)
  const other = await createIssuer('ES256', 'other-key')
  jwks.answer = { jwks: other.jwks } // the issuer drops the key that signed `token`
  clock += 30 * 60_000
  assertRefusal(t, await app.inject({ url: '/me', headers: bearer(token) }), 'TW_BAD_SIGNATURE', {
    message: 'a cached token whose key left the key set, once the keys are due',
  })
})

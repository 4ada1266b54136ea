/**
 * Every row of DESIGN.md's error table, produced through the plugin: status,
 * JSON body and challenge asserted together.
 */
import t from 'tap'
import Fastify from 'fastify'
import { UnsecuredJWT } from 'jose'
import tokenward from '@tokenward/fastify'
import type { TokenwardErrorCode } from '@tokenward/fastify'
import { AUDIENCE, createIssuer, ISSUER, NOW_S, now, signWith } from './fixtures/issuer.js'
import { assertRefusal, bearer, buildApp, pluginOptions, REALM } from './fixtures/app.js'
import { closedPort, listen, rawGet, startJwksServer } from './fixtures/http.js'

const issuer = await createIssuer('ES256')
const rsa = await createIssuer('RS256')
const impostor = await createIssuer('ES256', issuer.kid) // same kid, other key
const app = await buildApp(pluginOptions({ jwks: { keys: [issuer.publicJwk, rsa.publicJwk] } }))
t.teardown(() => app.close())

const get = (token: string, url = '/me') => app.inject({ url, headers: bearer(token) })

t.test('a valid token reaches the handler', async (t) => {
  for (const signer of [issuer, rsa]) {
    const res = await get(await signer.sign())
    t.equal(res.statusCode, 200, signer.alg)
    t.match(res.json(), { sub: 'user-1', scopes: ['read:a'] })
    t.notOk(res.headers['www-authenticate'])
  }
})

t.test('TW_MISSING_TOKEN: 401 with a bare challenge', async (t) => {
  assertRefusal(t, await app.inject({ url: '/me' }), 'TW_MISSING_TOKEN', { message: 'no header' })
  for (const authorization of ['', '   ', 'Basic dXNlcjpwYXNz', 'Digest username="x"', 'Token abc']) {
    const res = await app.inject({ url: '/me', headers: { authorization } })
    assertRefusal(t, res, 'TW_MISSING_TOKEN', { message: JSON.stringify(authorization) })
    t.equal(res.headers['www-authenticate'], `Bearer realm="${REALM}"`, 'no error attribute')
  }
  // A token in the query string or the body is never read.
  const token = await issuer.sign()
  assertRefusal(t, await app.inject({ url: `/me?access_token=${token}` }), 'TW_MISSING_TOKEN', {
    message: 'query',
  })
  const app2 = Fastify()
  await app2.register(tokenward, pluginOptions(issuer))
  app2.post('/form', async () => ({ reached: true }))
  const res = await app2.inject({
    method: 'POST',
    url: '/form',
    headers: { 'content-type': 'application/json' },
    payload: { access_token: token },
  })
  assertRefusal(t, res, 'TW_MISSING_TOKEN', { message: 'body' })
  await app2.close()
})

t.test('TW_INVALID_REQUEST: malformed credentials', async (t) => {
  const token = await issuer.sign()
  for (const authorization of [
    'Bearer',
    'Bearer ',
    'Bearer a b',
    `Bearer ${token} extra`,
    `Bearer ${token}, Basic dXNlcjpwYXNz`,
    `Basic dXNlcjpwYXNz, Bearer ${token}`,
    'Bearer "quoted"',
    'Bearer\ttab',
  ]) {
    const res = await app.inject({ url: '/me', headers: { authorization } })
    assertRefusal(t, res, 'TW_INVALID_REQUEST', { message: JSON.stringify(authorization.slice(0, 20)) })
  }
})

t.test('TW_INVALID_REQUEST: two Authorization headers over real HTTP', async (t) => {
  const server = Fastify()
  await server.register(tokenward, pluginOptions(issuer))
  server.get('/me', async (request) => ({ sub: request.auth?.sub }))
  await server.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => server.close())
  const { port } = server.server.address() as { port: number }
  const token = await issuer.sign()

  const one = await rawGet(port, '/me', bearer(token))
  t.equal(one.statusCode, 200, 'one header is fine')
  t.same(one.json(), { sub: 'user-1' })

  // Node keeps only the first Authorization in req.headers; both must be seen.
  for (const pair of [
    [`Bearer ${token}`, `Bearer ${token}`],
    [`Bearer ${token}`, 'Basic dXNlcjpwYXNz'],
    ['Basic dXNlcjpwYXNz', `Bearer ${token}`],
  ]) {
    const res = await rawGet(port, '/me', { Authorization: pair })
    assertRefusal(t, res, 'TW_INVALID_REQUEST', { message: pair.map((v) => v.slice(0, 6)).join(' + ') })
  }
  // Through inject, an array is the same header sent twice.
  const twice: Record<string, string[]> = { authorization: [`Bearer ${token}`, `Bearer ${token}`] }
  const injected = await app.inject({ url: '/me', headers: twice })
  assertRefusal(t, injected, 'TW_INVALID_REQUEST', { message: 'inject with an array' })
})

t.test('TW_MALFORMED_TOKEN', async (t) => {
  const valid = await issuer.sign()
  const [h, p, s] = valid.split('.') as [string, string, string]
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const cases: Record<string, string> = {
    'header is not JSON': `${Buffer.from('not json').toString('base64url')}.${p}.${s}`,
    'payload is not JSON': `${h}.${Buffer.from('{"sub":').toString('base64url')}.${s}`,
    'payload is a JSON array': `${h}.${b64(['a'])}.${s}`,
    'garbage parts': 'abc.def.ghi',
    // jose refuses to sign an unknown crit, so the token is assembled by hand.
    'unknown crit header': `${b64({ alg: 'ES256', kid: issuer.kid, crit: ['x-ext'], 'x-ext': 1 })}.${p}.${s}`,
    'exp of the wrong type': await issuer.sign({ exp: 'soon' }),
    'nbf of the wrong type': await issuer.sign({ nbf: 'now' }),
    'scope of the wrong type': await issuer.sign({ scope: 42 }),
    'sub of the wrong type': await issuer.sign({ sub: 42 }),
    'iss of the wrong type': await issuer.sign({ iss: 42 }),
    'typ header not a string': await issuer.sign({}, { typ: 7 as unknown as string }),
  }
  for (const [name, token] of Object.entries(cases)) {
    assertRefusal(t, await get(token), 'TW_MALFORMED_TOKEN', { message: name })
  }

  const small = await buildApp(pluginOptions(issuer, { maxTokenLength: 64 }))
  t.teardown(() => small.close())
  const res = await small.inject({ url: '/me', headers: bearer(valid) })
  assertRefusal(t, res, 'TW_MALFORMED_TOKEN', { message: 'longer than maxTokenLength' })
})

t.test('TW_OPAQUE_TOKEN', async (t) => {
  for (const token of [
    'Zm9vYmFyYmF6cXV4', // Auth0 hands out opaque tokens when no audience was requested
    'abc.def',
    'a.b.c.d.e', // JWE compact serialisation
    'eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d',
  ]) {
    assertRefusal(t, await get(token), 'TW_OPAQUE_TOKEN', { message: token.slice(0, 12) })
  }
})

t.test('TW_ID_TOKEN, TW_REFRESH_TOKEN, TW_WRONG_TOKEN_TYPE', async (t) => {
  assertRefusal(t, await get(await issuer.sign({ nonce: 'n-0S6_WzA2Mj' })), 'TW_ID_TOKEN')
  assertRefusal(t, await get(await issuer.sign({ token_use: 'refresh' })), 'TW_REFRESH_TOKEN')
  for (const typ of ['dpop+jwt', 'logout+jwt', 'secevent+jwt', 'application/secevent+jwt', 'JOSE']) {
    assertRefusal(t, await get(await issuer.sign({}, { typ })), 'TW_WRONG_TOKEN_TYPE', { message: typ })
  }
  const logout = await issuer.sign({ events: { 'http://schemas.openid.net/event/backchannel-logout': {} } })
  assertRefusal(t, await get(logout), 'TW_WRONG_TOKEN_TYPE', { message: 'logout token with typ JWT' })
})

t.test('TW_ALG_NOT_ALLOWED', async (t) => {
  const none = new UnsecuredJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'user-1', exp: NOW_S + 60 }).encode()
  assertRefusal(t, await get(none), 'TW_ALG_NOT_ALLOWED', { message: 'alg none' })
  const hs = await signWith(
    new TextEncoder().encode('a shared secret of thirty-two bytes!'),
    { iss: ISSUER, aud: AUDIENCE, sub: 'user-1', exp: NOW_S + 60 },
    { alg: 'HS256', typ: 'JWT' },
  )
  assertRefusal(t, await get(hs), 'TW_ALG_NOT_ALLOWED', { message: 'HS256 without secret' })
  const noAlg = `${Buffer.from('{"typ":"JWT"}').toString('base64url')}.${(await issuer.sign()).split('.')[1]}.`
  assertRefusal(t, await get(noAlg), 'TW_ALG_NOT_ALLOWED', { message: 'no alg' })

  const esOnly = await buildApp(
    pluginOptions({ jwks: { keys: [issuer.publicJwk, rsa.publicJwk] } }, { algorithms: ['ES256'] }),
  )
  t.teardown(() => esOnly.close())
  assertRefusal(
    t,
    await esOnly.inject({ url: '/me', headers: bearer(await rsa.sign()) }),
    'TW_ALG_NOT_ALLOWED',
    {
      message: 'RS256 outside the allow-list',
    },
  )
  t.equal((await esOnly.inject({ url: '/me', headers: bearer(await issuer.sign()) })).statusCode, 200)
})

t.test('TW_BAD_SIGNATURE', async (t) => {
  const valid = await issuer.sign()
  const [h, , s] = valid.split('.') as [string, string, string]
  const forgedPayload = Buffer.from(
    JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', exp: NOW_S + 60, scope: 'admin' }),
  ).toString('base64url')
  assertRefusal(t, await get(`${h}.${forgedPayload}.${s}`), 'TW_BAD_SIGNATURE', {
    message: 'payload swapped',
  })
  assertRefusal(t, await get(await impostor.sign()), 'TW_BAD_SIGNATURE', { message: 'same kid, other key' })
  assertRefusal(t, await get(await issuer.sign({}, { kid: 'unknown-kid' })), 'TW_BAD_SIGNATURE', {
    message: 'unknown kid',
  })
  assertRefusal(t, await get(`${valid.slice(0, -4)}AAAA`), 'TW_BAD_SIGNATURE', {
    message: 'signature altered',
  })
  assertRefusal(t, await get(`${h}.${valid.split('.')[1]}.`), 'TW_BAD_SIGNATURE', {
    message: 'signature stripped',
  })
  // A header `jwk` is never used to find the key.
  const embedded = await impostor.sign({}, { kid: undefined, jwk: impostor.publicJwk })
  assertRefusal(t, await get(embedded), 'TW_BAD_SIGNATURE', { message: 'embedded jwk' })
})

t.test('TW_WRONG_ISSUER, TW_WRONG_AUDIENCE', async (t) => {
  for (const iss of ['https://evil.example/', ISSUER.slice(0, -1), ISSUER.toUpperCase()]) {
    assertRefusal(t, await get(await issuer.sign({ iss })), 'TW_WRONG_ISSUER', { message: iss })
  }
  for (const aud of ['https://other.api', ['https://other.api', 'https://third.api'], `${AUDIENCE}/`]) {
    assertRefusal(t, await get(await issuer.sign({ aud })), 'TW_WRONG_AUDIENCE', { message: String(aud) })
  }
  t.equal(
    (await get(await issuer.sign({ aud: ['https://other.api', AUDIENCE] }))).statusCode,
    200,
    'aud array with ours',
  )
})

t.test('TW_EXPIRED, TW_NOT_YET_VALID (time pinned by `now`)', async (t) => {
  assertRefusal(t, await get(await issuer.sign({ exp: NOW_S - 60 })), 'TW_EXPIRED')
  t.equal((await get(await issuer.sign({ exp: NOW_S - 3 }))).statusCode, 200, 'within the 5 s tolerance')
  t.equal((await get(await issuer.sign({ exp: NOW_S - 6 }))).statusCode, 401, 'past the 5 s tolerance')
  assertRefusal(t, await get(await issuer.sign({ nbf: NOW_S + 60 })), 'TW_NOT_YET_VALID', { message: 'nbf' })
  assertRefusal(t, await get(await issuer.sign({ iat: NOW_S + 60 })), 'TW_NOT_YET_VALID', { message: 'iat' })

  const aged = await buildApp(pluginOptions(issuer, { maxTokenAge: 300 }))
  t.teardown(() => aged.close())
  const old = await issuer.sign({ iat: NOW_S - 3600 })
  assertRefusal(t, await aged.inject({ url: '/me', headers: bearer(old) }), 'TW_EXPIRED', {
    message: 'maxTokenAge',
  })
  const noIat = await issuer.sign({ iat: undefined })
  assertRefusal(t, await aged.inject({ url: '/me', headers: bearer(noIat) }), 'TW_MISSING_CLAIM', {
    message: 'maxTokenAge without iat',
  })
})

t.test('TW_MISSING_CLAIM', async (t) => {
  for (const claim of ['sub', 'exp', 'iss']) {
    assertRefusal(t, await get(await issuer.sign({ [claim]: undefined })), 'TW_MISSING_CLAIM', {
      message: claim,
    })
  }
})

t.test('TW_INSUFFICIENT_SCOPE: 403 naming the needed scopes', async (t) => {
  const readOnly = await issuer.sign({ scope: 'read:a' })
  assertRefusal(t, await get(readOnly, '/scoped'), 'TW_INSUFFICIENT_SCOPE', { scope: 'read:a write:a' })
  assertRefusal(t, await get(readOnly, '/any'), 'TW_INSUFFICIENT_SCOPE', { scope: 'read:b admin' })
  t.equal((await get(await issuer.sign({ scope: 'write:a read:a' }), '/scoped')).statusCode, 200)
  t.equal((await get(await issuer.sign({ scope: 'admin' }), '/any')).statusCode, 200)
})

t.test('TW_KEYS_UNAVAILABLE: 503 with Retry-After; the app still starts', async (t) => {
  const port = await closedPort()
  const down = await buildApp(
    pluginOptions(issuer, { jwks: undefined, jwksUri: `http://127.0.0.1:${port}/jwks` }),
  )
  t.teardown(() => down.close())
  const res = await down.inject({ url: '/me', headers: bearer(await issuer.sign()) })
  assertRefusal(t, res, 'TW_KEYS_UNAVAILABLE', { message: 'closed port' })
  t.equal(res.headers['retry-after'], '30', 'the cooldown left, with time pinned')
  t.notOk(res.headers['www-authenticate'], 'never a challenge: this is not the caller’s fault')

  const { server, port: errorPort } = await listen((_req, res) => {
    res.statusCode = 500
    res.end('boom')
  })
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const failing = await buildApp(
    pluginOptions(issuer, { jwks: undefined, jwksUri: `http://127.0.0.1:${errorPort}/jwks` }),
  )
  t.teardown(() => failing.close())
  assertRefusal(
    t,
    await failing.inject({ url: '/me', headers: bearer(await issuer.sign()) }),
    'TW_KEYS_UNAVAILABLE',
    {
      message: 'HTTP 500',
    },
  )
  // A request that would be refused anyway does not need keys.
  assertRefusal(t, await failing.inject({ url: '/me' }), 'TW_MISSING_TOKEN', {
    message: 'no token while keys are down',
  })

  const notJwks = await startJwksServer(issuer.jwks)
  t.teardown(() => notJwks.close())
  notJwks.routes['/not-jwks'] = { hello: 'world' }
  const bad = await buildApp(
    pluginOptions(issuer, { jwks: undefined, jwksUri: `${notJwks.origin}/not-jwks` }),
  )
  t.teardown(() => bad.close())
  assertRefusal(
    t,
    await bad.inject({ url: '/me', headers: bearer(await issuer.sign()) }),
    'TW_KEYS_UNAVAILABLE',
    {
      message: 'not a key set',
    },
  )
})

t.test('resource_metadata and realm in every challenge', async (t) => {
  const resourceMetadata = 'https://api.tokenward.test/.well-known/oauth-protected-resource'
  const meta = await buildApp(pluginOptions(issuer, { resourceMetadata }))
  t.teardown(() => meta.close())
  const bare = await meta.inject({ url: '/me' })
  t.equal(bare.headers['www-authenticate'], `Bearer realm="api", resource_metadata="${resourceMetadata}"`)
  const expired = await meta.inject({ url: '/me', headers: bearer(await issuer.sign({ exp: NOW_S - 60 })) })
  t.equal(
    expired.headers['www-authenticate'],
    `Bearer realm="api", error="invalid_token", error_description="The access token expired", resource_metadata="${resourceMetadata}"`,
  )
  const scoped = await meta.inject({ url: '/scoped', headers: bearer(await issuer.sign()) })
  t.match(scoped.headers['www-authenticate'], /, scope="read:a write:a", resource_metadata="/)

  const noRealm = await buildApp(pluginOptions(issuer, { realm: undefined }))
  t.teardown(() => noRealm.close())
  t.equal((await noRealm.inject({ url: '/me' })).headers['www-authenticate'], 'Bearer')
  t.equal(
    (await noRealm.inject({ url: '/me', headers: bearer('opaque') })).headers['www-authenticate'],
    'Bearer error="invalid_token", error_description="The access token is not a JWT (an opaque or encrypted token); this API needs a JWT access token issued for its audience (with Auth0, request an audience)"',
  )
})

t.test('HEAD on a protected GET route is protected too', async (t) => {
  const missing = await app.inject({ method: 'HEAD', url: '/me' })
  t.equal(missing.statusCode, 401)
  t.equal(missing.headers['www-authenticate'], 'Bearer realm="api"')
  t.equal(missing.body, '')
  const expired = await app.inject({
    method: 'HEAD',
    url: '/me',
    headers: bearer(await issuer.sign({ exp: 1 })),
  })
  t.equal(expired.statusCode, 401)
  t.match(expired.headers['www-authenticate'], /error="invalid_token"/)
  const scoped = await app.inject({ method: 'HEAD', url: '/scoped', headers: bearer(await issuer.sign()) })
  t.equal(scoped.statusCode, 403)
  t.match(scoped.headers['www-authenticate'], /scope="read:a write:a"/)
  t.equal(
    (await app.inject({ method: 'HEAD', url: '/me', headers: bearer(await issuer.sign()) })).statusCode,
    200,
  )
  t.equal((await app.inject({ method: 'HEAD', url: '/public' })).statusCode, 200, 'HEAD of a public route')
})

t.test('a user setErrorHandler sees the error; the challenge stays on the reply', async (t) => {
  const seen: { statusCode: unknown; code: unknown; name: unknown; isError: boolean }[] = []
  const custom = Fastify()
  custom.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    seen.push({
      statusCode: error.statusCode,
      code: error.code,
      name: error.name,
      isError: error instanceof Error,
    })
    return reply.code(error.statusCode ?? 500).send({ oops: error.code })
  })
  await custom.register(tokenward, pluginOptions(issuer))
  custom.get('/me', async () => ({ reached: true }))
  custom.get('/scoped', { config: { auth: { scopes: ['write:a'] } } }, async () => ({ reached: true }))
  t.teardown(() => custom.close())

  const expired = await custom.inject({ url: '/me', headers: bearer(await issuer.sign({ exp: NOW_S - 60 })) })
  t.equal(expired.statusCode, 401)
  t.same(expired.json(), { oops: 'TW_EXPIRED' })
  t.equal(
    expired.headers['www-authenticate'],
    'Bearer realm="api", error="invalid_token", error_description="The access token expired"',
  )
  const missing = await custom.inject({ url: '/me' })
  t.same([missing.statusCode, missing.headers['www-authenticate']], [401, 'Bearer realm="api"'])
  const scoped = await custom.inject({ url: '/scoped', headers: bearer(await issuer.sign()) })
  t.equal(scoped.statusCode, 403)
  t.match(scoped.headers['www-authenticate'], /error="insufficient_scope".*scope="write:a"/)
  t.same(seen, [
    { statusCode: 401, code: 'TW_EXPIRED', name: 'TokenwardError', isError: true },
    { statusCode: 401, code: 'TW_MISSING_TOKEN', name: 'TokenwardError', isError: true },
    { statusCode: 403, code: 'TW_INSUFFICIENT_SCOPE', name: 'TokenwardError', isError: true },
  ])

  // A 503 keeps its Retry-After for the user's handler too.
  const port = await closedPort()
  const down = Fastify()
  down.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) =>
    reply.code(error.statusCode ?? 500).send({ custom: true }),
  )
  await down.register(
    tokenward,
    pluginOptions(issuer, { jwks: undefined, jwksUri: `http://127.0.0.1:${port}/` }),
  )
  down.get('/me', async () => ({ reached: true }))
  t.teardown(() => down.close())
  const unavailable = await down.inject({ url: '/me', headers: bearer(await issuer.sign()) })
  t.same(
    [unavailable.statusCode, unavailable.json(), unavailable.headers['retry-after']],
    [503, { custom: true }, '30'],
  )
})

t.test('an unexpected failure inside the verifier is a 401, never a 500', async (t) => {
  const odd = await buildApp(pluginOptions(issuer))
  t.teardown(() => odd.close())
  odd.tokenward.verify = async () => {
    throw new Error('not a TokenwardError')
  }
  assertRefusal(
    t,
    await odd.inject({ url: '/me', headers: bearer(await issuer.sign()) }),
    'TW_MALFORMED_TOKEN',
  )
})

t.test('every code of the table was produced', async (t) => {
  // A guard against the table growing without a test here.
  const { errorCodes } = await import('@tokenward/core')
  const covered: TokenwardErrorCode[] = [
    'TW_MISSING_TOKEN',
    'TW_INVALID_REQUEST',
    'TW_MALFORMED_TOKEN',
    'TW_OPAQUE_TOKEN',
    'TW_ID_TOKEN',
    'TW_REFRESH_TOKEN',
    'TW_WRONG_TOKEN_TYPE',
    'TW_ALG_NOT_ALLOWED',
    'TW_BAD_SIGNATURE',
    'TW_WRONG_ISSUER',
    'TW_WRONG_AUDIENCE',
    'TW_EXPIRED',
    'TW_NOT_YET_VALID',
    'TW_MISSING_CLAIM',
    'TW_INSUFFICIENT_SCOPE',
    'TW_KEYS_UNAVAILABLE',
  ]
  t.same(Object.keys(errorCodes).sort(), [...covered].sort())
})

void now

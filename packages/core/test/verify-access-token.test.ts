import t from 'tap'
import type { Test } from 'tap'
import { base64url, SignJWT } from 'jose'
import { createVerifier, TokenwardError } from '@tokenward/core'
import type { TokenwardErrorCode, VerifierOptions } from '@tokenward/core'
import {
  AUDIENCE,
  b64json,
  Clock,
  DESCRIPTIONS,
  invalidToken,
  ISSUER,
  jwksOf,
  makeKey,
  mint,
  mintHmac,
  refused,
  rejection,
  signRaw,
  T0,
  T0_SECONDS,
  TestServer,
  thrown,
} from './fixtures/helpers.js'
import type { TestKey } from './fixtures/helpers.js'

async function setup(t: Test, options: Partial<VerifierOptions> = {}, keys?: TestKey[]) {
  const key = await makeKey()
  const clock = new Clock()
  const verifier = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: jwksOf(...(keys ?? [key])),
    realm: 'api',
    now: clock.now,
    ...options,
  })
  t.teardown(() => verifier.close())
  return { key, clock, verifier }
}

t.test('principal: every field, frozen', async (t) => {
  const { key, verifier } = await setup(t, { scopeClaims: ['scope', 'scp', 'permissions'] })
  const token = await mint(key, {
    header: { typ: 'at+jwt' },
    claims: {
      sub: 'auth0|123',
      aud: [AUDIENCE, 'https://tenant.auth0.com/userinfo'],
      client_id: 'client-a',
      azp: 'client-b',
      scope: 'read:a write:b',
      permissions: ['admin'],
      tenant: 'acme',
    },
  })
  const principal = await verifier.verify({ authorization: `Bearer ${token}` })
  t.equal(principal.sub, 'auth0|123')
  t.type(principal.scopes, Set)
  t.same([...principal.scopes], ['read:a', 'write:b', 'admin'])
  t.equal(principal.issuer, ISSUER)
  t.same(principal.audience, [AUDIENCE, 'https://tenant.auth0.com/userinfo'])
  t.equal(principal.clientId, 'client-a', 'client_id wins over azp')
  t.type(principal.expiresAt, Date)
  t.equal(principal.expiresAt.getTime(), (T0_SECONDS + 600) * 1000)
  t.equal(principal.claims.tenant, 'acme')
  t.equal(principal.claims.iss, ISSUER)
  t.equal(principal.claims.iat, T0_SECONDS)
  t.equal(principal.token, token)
  t.ok(Object.isFrozen(principal), 'principal frozen')
  t.ok(Object.isFrozen(principal.claims), 'claims frozen')
  t.ok(Object.isFrozen(principal.audience), 'audience frozen')
  t.throws(() => {
    ;(principal as { sub: string }).sub = 'admin'
  }, TypeError)
  t.equal(principal.sub, 'auth0|123')
  t.throws(() => (principal.scopes as Set<string>).add('admin'), TypeError, 'scopes cannot grow')
  t.throws(() => (principal.scopes as Set<string>).delete('read:a'), TypeError)
  t.throws(() => (principal.scopes as Set<string>).clear(), TypeError)
  t.throws(
    () => (principal.claims.aud as string[]).push('https://evil.test'),
    TypeError,
    'claims deep-frozen',
  )
  const again = await verifier.verify({ authorization: `Bearer ${token}` })
  t.equal(again, principal, 'the cached principal is handed over again')
  t.same([...again.scopes], ['read:a', 'write:b', 'admin'], 'unchanged by the attempts above')
})

t.test('principal: string aud, azp as client id, no client id, bare token string', async (t) => {
  const { key, verifier } = await setup(t)
  const withAzp = await verifier.verify(await mint(key, { claims: { azp: 'client-b' } }))
  t.same(withAzp.audience, [AUDIENCE], 'a string aud becomes a one-element list')
  t.equal(withAzp.clientId, 'client-b', 'azp when there is no client_id')
  const none = await verifier.verify(await mint(key, { claims: { client_id: 42 } }))
  t.equal(none.clientId, undefined, 'a non-string client_id is not a client id')
  t.notOk(Object.hasOwn(none, 'clientId'))
  // A registered claim of the wrong type is malformed (DESIGN.md, step 7), even when the audience matches.
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { aud: [AUDIENCE, 7] } })),
    'TW_MALFORMED_TOKEN',
    invalidToken(DESCRIPTIONS.MALFORMED),
  )
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { jti: 7 } })),
    'TW_MALFORMED_TOKEN',
    invalidToken(DESCRIPTIONS.MALFORMED),
  )
})

t.test('verifier exposes its frozen options and challenge', async (t) => {
  const { verifier } = await setup(t, {
    resourceMetadata: 'https://api.example/.well-known/oauth-protected-resource',
  })
  t.ok(Object.isFrozen(verifier.options))
  t.same(verifier.options.issuers, [ISSUER])
  t.same(verifier.challenge, {
    realm: 'api',
    resourceMetadata: 'https://api.example/.well-known/oauth-protected-resource',
  })
  t.ok(Object.isFrozen(verifier.challenge))
  const missing = await refused(
    t,
    verifier.verify({}),
    'TW_MISSING_TOKEN',
    'Bearer realm="api", resource_metadata="https://api.example/.well-known/oauth-protected-resource"',
  )
  t.equal(missing.error, undefined)
})

t.test('no realm configured: challenges without realm', async (t) => {
  const key = await makeKey()
  const verifier = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(key), now: () => T0 })
  t.teardown(() => verifier.close())
  await refused(t, verifier.verify({}), 'TW_MISSING_TOKEN', 'Bearer')
  await refused(
    t,
    verifier.verify(await mint(key, { at: T0_SECONDS - 3600 })),
    'TW_EXPIRED',
    'Bearer error="invalid_token", error_description="The access token expired"',
  )
})

t.test('claims: exp', async (t) => {
  const { key, clock, verifier } = await setup(t, { cache: false })
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { exp: undefined } })),
    'TW_MISSING_CLAIM',
    invalidToken(DESCRIPTIONS.MISSING_CLAIM),
  )
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { exp: 'soon' } })),
    'TW_MALFORMED_TOKEN',
    invalidToken(DESCRIPTIONS.MALFORMED),
  )
  // 1e999 parses to Infinity: a number, but not a NumericDate
  const infinite = await signRaw(
    key,
    { alg: 'ES256', kid: 'k1' },
    `{"iss":"${ISSUER}","aud":"${AUDIENCE}","sub":"x","exp":1e999}`,
  )
  await refused(t, verifier.verify(infinite), 'TW_MALFORMED_TOKEN', invalidToken(DESCRIPTIONS.MALFORMED))

  const token = await mint(key) // exp = T0 + 600 s
  clock.ms = T0 + 600_000 + 4_000
  t.equal((await verifier.verify(token)).sub, 'user-1', 'within the default 5 s tolerance')
  clock.ms = T0 + 600_000 + 5_000
  const expired = await refused(t, verifier.verify(token), 'TW_EXPIRED', invalidToken(DESCRIPTIONS.EXPIRED))
  t.ok(expired.cause instanceof Error, 'the jose error is kept as cause')
  clock.ms = T0 + 3_600_000
  await refused(t, verifier.verify(token), 'TW_EXPIRED', invalidToken(DESCRIPTIONS.EXPIRED))
})

t.test('claims: nbf and iat in the future, clockTolerance', async (t) => {
  const { key, verifier } = await setup(t)
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { nbf: T0_SECONDS + 60 } })),
    'TW_NOT_YET_VALID',
    invalidToken(DESCRIPTIONS.NOT_YET_VALID),
  )
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { iat: T0_SECONDS + 60 } })),
    'TW_NOT_YET_VALID',
    invalidToken(DESCRIPTIONS.NOT_YET_VALID),
  )
  t.ok(await verifier.verify(await mint(key, { claims: { nbf: T0_SECONDS + 4 } })), 'nbf within tolerance')
  t.ok(await verifier.verify(await mint(key, { claims: { iat: T0_SECONDS + 4 } })), 'iat within tolerance')
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { nbf: 'now' } })),
    'TW_MALFORMED_TOKEN',
    invalidToken(DESCRIPTIONS.MALFORMED),
  )
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { iat: '2030-01-01' } })),
    'TW_MALFORMED_TOKEN',
    invalidToken(DESCRIPTIONS.MALFORMED),
  )

  const strict = await setup(t, { clockTolerance: 0 })
  await refused(
    t,
    strict.verifier.verify(await mint(strict.key, { claims: { iat: T0_SECONDS + 1 } })),
    'TW_NOT_YET_VALID',
    invalidToken(DESCRIPTIONS.NOT_YET_VALID),
  )
  await refused(
    t,
    strict.verifier.verify(await mint(strict.key, { claims: { exp: T0_SECONDS } })),
    'TW_EXPIRED',
    invalidToken(DESCRIPTIONS.EXPIRED),
  )
  t.ok(await strict.verifier.verify(await mint(strict.key, { claims: { exp: T0_SECONDS + 1 } })))

  const lenient = await setup(t, { clockTolerance: 120 })
  t.ok(
    await lenient.verifier.verify(
      await mint(lenient.key, { claims: { exp: T0_SECONDS - 100, nbf: T0_SECONDS + 100 } }),
    ),
    'exp and nbf within a 120 s tolerance',
  )
})

t.test('claims: maxTokenAge', async (t) => {
  const { key, clock, verifier } = await setup(t, { maxTokenAge: 300, cache: false })
  const token = await mint(key) // iat = T0, exp = T0 + 600
  t.ok(await verifier.verify(token))
  clock.ms = T0 + 304_000
  t.ok(await verifier.verify(token), 'age 304 s with 5 s tolerance')
  clock.ms = T0 + 306_000
  await refused(t, verifier.verify(token), 'TW_EXPIRED', invalidToken(DESCRIPTIONS.EXPIRED))
  clock.ms = T0
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { iat: undefined } })),
    'TW_MISSING_CLAIM',
    invalidToken(DESCRIPTIONS.MISSING_CLAIM),
  )
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { iat: T0_SECONDS + 60 } })),
    'TW_NOT_YET_VALID',
    invalidToken(DESCRIPTIONS.NOT_YET_VALID),
  )
})

t.test('claims: sub, aud, iss', async (t) => {
  const { key, verifier } = await setup(t)
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { sub: 42 } })),
    'TW_MALFORMED_TOKEN',
    invalidToken(DESCRIPTIONS.MALFORMED),
  )
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { sub: '' } })),
    'TW_MALFORMED_TOKEN',
    invalidToken(DESCRIPTIONS.MALFORMED),
  )
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { aud: undefined } })),
    'TW_MISSING_CLAIM',
    invalidToken(DESCRIPTIONS.MISSING_CLAIM),
  )
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { aud: { id: AUDIENCE } } })),
    'TW_MALFORMED_TOKEN',
    invalidToken(DESCRIPTIONS.MALFORMED),
  )
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { iss: undefined } })),
    'TW_MISSING_CLAIM',
    invalidToken(DESCRIPTIONS.MISSING_CLAIM),
  )
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { iss: 42 } })),
    'TW_MALFORMED_TOKEN',
    invalidToken(DESCRIPTIONS.MALFORMED),
  )
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { iss: 'https://evil.example/' } })),
    'TW_WRONG_ISSUER',
    invalidToken(DESCRIPTIONS.ISSUER),
  )
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { iss: ISSUER.slice(0, -1) } })),
    'TW_WRONG_ISSUER',
    invalidToken(DESCRIPTIONS.ISSUER),
    401,
  )
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { iss: 'toString' } })),
    'TW_WRONG_ISSUER',
    invalidToken(DESCRIPTIONS.ISSUER),
  )
})

t.test('audience: any of several configured audiences', async (t) => {
  const { key, verifier } = await setup(t, { audience: ['urn:api:a', AUDIENCE] })
  t.ok(await verifier.verify(await mint(key)))
  t.ok(await verifier.verify(await mint(key, { claims: { aud: ['urn:other', 'urn:api:a'] } })))
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { aud: ['urn:other'] } })),
    'TW_WRONG_AUDIENCE',
    invalidToken(DESCRIPTIONS.AUDIENCE),
  )
})

t.test('several issuers, each with the static key set', async (t) => {
  const { key, verifier } = await setup(t, { issuer: [ISSUER, 'https://second.example/'] })
  t.equal((await verifier.verify(await mint(key))).issuer, ISSUER)
  t.equal(
    (await verifier.verify(await mint(key, { claims: { iss: 'https://second.example/' } }))).issuer,
    'https://second.example/',
  )
})

t.test('signatures', async (t) => {
  const other = await makeKey('k1') // same kid, different key
  const { key, verifier } = await setup(t)
  await refused(
    t,
    verifier.verify(await mint(other)),
    'TW_BAD_SIGNATURE',
    invalidToken(DESCRIPTIONS.SIGNATURE),
  )
  const good = await mint(key)
  const [header, , signature] = good.split('.')
  const forged = `${header}.${b64json({ iss: ISSUER, aud: AUDIENCE, sub: 'admin', exp: T0_SECONDS + 600 })}.${signature}`
  await refused(t, verifier.verify(forged), 'TW_BAD_SIGNATURE', invalidToken(DESCRIPTIONS.SIGNATURE))
  await refused(
    t,
    verifier.verify(`${header}.${good.split('.')[1]}.`),
    'TW_BAD_SIGNATURE',
    invalidToken(DESCRIPTIONS.SIGNATURE),
  )
  const unknownKid = await makeKey('k-unknown')
  await refused(
    t,
    verifier.verify(await mint(unknownKid)),
    'TW_BAD_SIGNATURE',
    invalidToken(DESCRIPTIONS.SIGNATURE),
  )
  const rsa = await makeKey('k1', 'RS256')
  await refused(
    t,
    verifier.verify(await mint(rsa)),
    'TW_BAD_SIGNATURE',
    invalidToken(DESCRIPTIONS.SIGNATURE),
    401,
  )
})

t.test('jku, x5u, jwk and x5c headers are never used to find a key', async (t) => {
  const server = await TestServer.start(t)
  const attacker = await makeKey('k1')
  server.route('/jwks', { body: jwksOf(attacker) })
  const { verifier } = await setup(t)
  const claims = { iss: ISSUER, aud: AUDIENCE, sub: 'admin', exp: T0_SECONDS + 600 }
  const headers = [
    { jku: server.url('/jwks') },
    { x5u: server.url('/cert.pem') },
    { jwk: attacker.publicJwk },
    { jwk: attacker.publicJwk, kid: undefined },
  ]
  for (const extra of headers) {
    const header: Record<string, unknown> = { alg: 'ES256', kid: 'k1', ...extra }
    if (header.kid === undefined) delete header.kid
    const token = await new SignJWT(claims)
      .setProtectedHeader(header as { alg: string })
      .sign(attacker.privateKey)
    await refused(t, verifier.verify(token), 'TW_BAD_SIGNATURE', invalidToken(DESCRIPTIONS.SIGNATURE))
  }
  t.equal(server.count(), 0, 'no request reached the URL named in the token')
})

t.test('several keys without kid: each candidate is tried', async (t) => {
  const k1 = await makeKey(null)
  const k2 = await makeKey(null)
  const { verifier } = await setup(t, {}, [k1, k2])
  t.equal((await verifier.verify(await mint(k1))).sub, 'user-1', 'first key')
  t.equal((await verifier.verify(await mint(k2, { claims: { sub: 'second' } }))).sub, 'second', 'second key')
  const stranger = await makeKey(null)
  await refused(
    t,
    verifier.verify(await mint(stranger)),
    'TW_BAD_SIGNATURE',
    invalidToken(DESCRIPTIONS.SIGNATURE),
  )
  await refused(
    t,
    verifier.verify(await mint(k2, { at: T0_SECONDS - 3600 })),
    'TW_EXPIRED',
    invalidToken(DESCRIPTIONS.EXPIRED),
  )
  await refused(
    t,
    verifier.verify(await mint(k2, { claims: { aud: 'https://other-api/' } })),
    'TW_WRONG_AUDIENCE',
    invalidToken(DESCRIPTIONS.AUDIENCE),
  )
  // the ID-token hint must not depend on how the key was found
  await refused(
    t,
    verifier.verify(await mint(k2, { claims: { aud: 'spa', azp: 'spa', scope: undefined } })),
    'TW_ID_TOKEN',
    invalidToken(DESCRIPTIONS.ID_TOKEN),
  )
})

t.test('a broken configured key is refused as a 401 with the cause kept, never thrown raw', async (t) => {
  const key = await makeKey()
  const cases: Array<[string, Record<string, unknown>]> = [
    ['bad EC point', { ...key.publicJwk, x: 'AAAA' }],
    ['private member', { ...key.publicJwk, d: 'AAAA' }],
  ]
  for (const [description, jwk] of cases) {
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: { keys: [jwk] },
      now: () => T0,
    })
    t.teardown(() => verifier.close())
    const error = (await rejection(verifier.verify(await mint(key)))) as TokenwardError
    t.type(error, TokenwardError, description)
    t.equal(error.statusCode, 401, description)
    t.equal(error.error, 'invalid_token', description)
    t.ok(error.cause instanceof Error, `${description}: cause kept`)
  }
  const rsa = await makeKey('r', 'RS256')
  const { publicJwk } = rsa
  const small = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: { keys: [{ ...publicJwk, n: base64url.encode(new Uint8Array(128).fill(0xff)) }] },
    now: () => T0,
  })
  t.teardown(() => small.close())
  const error = (await rejection(small.verify(await mint(rsa)))) as TokenwardError
  t.type(error, TokenwardError, 'RSA key under 2048 bits')
  t.equal(error.statusCode, 401)
})

t.test('HS256 with a shared secret', async (t) => {
  const secret = new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!')
  const clock = new Clock()
  const verifier = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    secret,
    realm: 'api',
    now: clock.now,
  })
  t.teardown(() => verifier.close())
  const principal = await verifier.verify(await mintHmac(secret, { client_id: 'svc' }))
  t.equal(principal.clientId, 'svc')
  t.equal((await verifier.verify(await mintHmac(secret, {}, 'HS512'))).sub, 'user-1', 'HS512 by default too')
  await refused(
    t,
    verifier.verify(await mintHmac(new TextEncoder().encode('another-secret-of-at-least-32-bytes!!'))),
    'TW_BAD_SIGNATURE',
    invalidToken(DESCRIPTIONS.SIGNATURE),
  )
  const key = await makeKey()
  await refused(t, verifier.verify(await mint(key)), 'TW_ALG_NOT_ALLOWED', invalidToken(DESCRIPTIONS.ALG))
  await refused(
    t,
    verifier.verify(await mintHmac(secret, { exp: T0_SECONDS - 60 })),
    'TW_EXPIRED',
    invalidToken(DESCRIPTIONS.EXPIRED),
  )
  await verifier.ready()
  t.pass('ready() resolves at once for a secret')

  const only256 = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    secret: 'a-shared-secret-of-at-least-32-bytes!',
    algorithms: ['HS256'],
    now: clock.now,
  })
  t.teardown(() => only256.close())
  t.ok(await only256.verify(await mintHmac(secret)))
  await refused(
    t,
    only256.verify(await mintHmac(secret, {}, 'HS384')),
    'TW_ALG_NOT_ALLOWED',
    'Bearer error="invalid_token", error_description="The access token is signed with an algorithm this API does not accept"',
  )
})

t.test('static jwks: ready() resolves, close() is harmless', async (t) => {
  const { key, verifier } = await setup(t)
  await verifier.ready()
  t.ok(await verifier.verify(await mint(key)))
  verifier.close()
  verifier.close()
  t.ok(await verifier.verify(await mint(key)), 'static keys keep working after close()')
})

t.test('no error message, header or cause message ever contains the token', async (t) => {
  const key = await makeKey()
  const stranger = await makeKey('k-unknown')
  const server = await TestServer.start(t, { '/jwks': { status: 500, body: {} } })
  const { verifier } = await setup(t, { maxTokenLength: 2000, clientIds: ['spa'] }, [key])
  const remote = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUri: server.url('/jwks'),
    now: () => T0,
    keys: { timeoutDuration: 200 },
  })
  t.teardown(() => remote.close())
  const sign = async (
    claims: Record<string, unknown>,
    header: Record<string, unknown> = {},
  ): Promise<string> => mint(key, { claims, header })
  const tokens: Array<[string, Promise<string> | string, TokenwardErrorCode]> = [
    ['opaque', 'opaque-access-token-0123456789', 'TW_OPAQUE_TOKEN'],
    ['malformed', `${b64json({ alg: 'ES256' })}.bm90LWpzb24.c2ln`, 'TW_MALFORMED_TOKEN'],
    ['too long', sign({ pad: 'p'.repeat(2000) }), 'TW_MALFORMED_TOKEN'],
    ['alg', `${b64json({ alg: 'none' })}.${b64json({ sub: 'x' })}.`, 'TW_ALG_NOT_ALLOWED'],
    ['id token', sign({ nonce: 'n' }), 'TW_ID_TOKEN'],
    ['refresh', sign({ typ: 'Refresh' }), 'TW_REFRESH_TOKEN'],
    ['wrong type', sign({}, { typ: 'dpop+jwt' }), 'TW_WRONG_TOKEN_TYPE'],
    ['issuer', sign({ iss: 'https://evil.example/' }), 'TW_WRONG_ISSUER'],
    ['signature', mint(stranger), 'TW_BAD_SIGNATURE'],
    ['audience', sign({ aud: 'urn:other' }), 'TW_WRONG_AUDIENCE'],
    ['expired', sign({ exp: T0_SECONDS - 60 }), 'TW_EXPIRED'],
    ['not yet valid', sign({ nbf: T0_SECONDS + 600 }), 'TW_NOT_YET_VALID'],
    ['missing claim', sign({ sub: undefined }), 'TW_MISSING_CLAIM'],
  ]
  for (const [description, pending, code] of tokens) {
    const token = await pending
    const error = (await rejection(verifier.verify({ authorization: `Bearer ${token}` }))) as TokenwardError
    t.equal(error.code, code, description)
    const texts = [
      error.message,
      String(error),
      error.stack ?? '',
      JSON.stringify(error.headers),
      JSON.stringify(error),
      error.cause instanceof Error ? `${error.cause.message} ${error.cause.stack}` : '',
    ]
    t.notOk(
      texts.some((text) => text.includes(token)),
      `${description}: the token appears in no message`,
    )
  }
  const token = await mint(key)
  const unavailable = (await rejection(remote.verify(token))) as TokenwardError
  t.equal(unavailable.code, 'TW_KEYS_UNAVAILABLE')
  t.notOk(
    `${unavailable.message} ${unavailable.stack} ${JSON.stringify(unavailable.headers)}`.includes(token),
  )
  const principal = await verifier.verify(token)
  const scope = thrown(() => verifier.requireScopes(principal, { all: ['admin'] })) as TokenwardError
  t.equal(scope.code, 'TW_INSUFFICIENT_SCOPE')
  t.notOk(`${scope.message} ${scope.stack} ${JSON.stringify(scope)}`.includes(token))
})

t.test('a clock that throws still yields a typed refusal, never a raw error', async (t) => {
  const key = await makeKey()
  const token = await mint(key)
  const verifier = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: jwksOf(key),
    realm: 'api',
    cache: false,
    now: () => {
      throw new Error('clock unavailable')
    },
  })
  t.teardown(() => verifier.close())
  const error = await refused(
    t,
    verifier.verify(token),
    'TW_MALFORMED_TOKEN',
    invalidToken(DESCRIPTIONS.MALFORMED),
  )
  t.match((error.cause as Error).message, /clock unavailable/, 'the original error is kept as cause')
})

t.test(
  'an exp beyond what a Date can hold is malformed, not an Invalid Date handed to handlers',
  async (t) => {
    const { key, verifier } = await setup(t)
    await refused(
      t,
      verifier.verify(await mint(key, { claims: { exp: 1e300 } })),
      'TW_MALFORMED_TOKEN',
      invalidToken(DESCRIPTIONS.MALFORMED),
    )
  },
)

t.test('cached(): the synchronous hit path of the adapters', async (t) => {
  const { key, clock, verifier } = await setup(t)
  const token = await mint(key)
  t.equal(verifier.cached(`Bearer ${token}`), undefined, 'not verified yet: undefined, nothing thrown')
  const principal = await verifier.verify({ authorization: `Bearer ${token}` })
  t.equal(verifier.cached(`Bearer ${token}`), principal, 'then the same frozen principal, synchronously')
  t.equal(verifier.cached(`bearer   ${token}`), principal, 'scheme case and spaces as in verify()')
  t.equal(verifier.cached(undefined), undefined, 'no header')
  t.equal(verifier.cached([`Bearer ${token}`, `Bearer ${token}`]), undefined, 'two headers: left to verify()')
  t.equal(verifier.cached(`Basic ${token}`), undefined, 'another scheme')
  clock.advance(3_600_000)
  t.equal(verifier.cached(`Bearer ${token}`), undefined, 'an expired entry is not served')
  await refused(
    t,
    verifier.verify({ authorization: `Bearer ${token}` }),
    'TW_EXPIRED',
    invalidToken(DESCRIPTIONS.EXPIRED),
  )
  const uncached = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: jwksOf(key),
    cache: false,
    now: () => T0,
  })
  t.teardown(() => uncached.close())
  await uncached.verify(await mint(key))
  t.equal(uncached.cached(`Bearer ${await mint(key)}`), undefined, 'cache: false never has a hit')
})

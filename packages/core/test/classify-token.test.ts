import t from 'tap'
import type { Test } from 'tap'
import { base64url, EncryptJWT, SignJWT } from 'jose'
import {
  classifyToken,
  createVerifier,
  decodeToken,
  looksLikeIdToken,
  normalizeTyp,
  TokenwardError,
} from '@tokenward/core'
import type { ClassifyOptions, DecodedToken, TokenwardErrorCode, Verifier } from '@tokenward/core'
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
  refused,
  signRaw,
  T0_SECONDS,
  thrown,
  unsigned,
} from './fixtures/helpers.js'
import type { TestKey } from './fixtures/helpers.js'

const CLIENT = 'spa-client'

t.test('normalizeTyp', async (t) => {
  t.equal(normalizeTyp('at+jwt'), 'at+jwt')
  t.equal(normalizeTyp('AT+JWT'), 'at+jwt')
  t.equal(normalizeTyp('application/at+jwt'), 'at+jwt')
  t.equal(normalizeTyp('Application/JWT'), 'jwt')
  t.equal(normalizeTyp('text/plain'), 'text/plain')
})

t.test('decodeToken: shapes', async (t) => {
  const header = { alg: 'ES256', kid: 'k1' }
  const payload = { iss: ISSUER, sub: 'x' }
  const good = unsigned(header, payload)
  t.same(decodeToken(good, 8192), { header, payload })
  t.same(
    decodeToken(`${b64json(header)}.${b64json(payload)}.`, 8192).payload,
    payload,
    'an empty signature still decodes',
  )

  const cases: Array<[string, string, TokenwardErrorCode]> = [
    ['opaque string', 'opaque-access-token', 'TW_OPAQUE_TOKEN'],
    ['two parts', `${b64json(header)}.${b64json(payload)}`, 'TW_OPAQUE_TOKEN'],
    ['four parts', `${good}.x`, 'TW_OPAQUE_TOKEN'],
    ['five parts (JWE)', 'a.b.c.d.e', 'TW_OPAQUE_TOKEN'],
    ['empty header part', `.${b64json(payload)}.sig`, 'TW_MALFORMED_TOKEN'],
    ['empty payload part', `${b64json(header)}..sig`, 'TW_MALFORMED_TOKEN'],
    [
      '"+" in the header (base64, not base64url)',
      `eyJ+${b64json(header)}.${b64json(payload)}.sig`,
      'TW_MALFORMED_TOKEN',
    ],
    ['padding in the payload', `${b64json(header)}.${b64json(payload)}=.sig`, 'TW_MALFORMED_TOKEN'],
    ['"/" in the signature', `${b64json(header)}.${b64json(payload)}.si/g`, 'TW_MALFORMED_TOKEN'],
    ['header not JSON', `${base64url.encode('not json')}.${b64json(payload)}.sig`, 'TW_MALFORMED_TOKEN'],
    ['header a JSON array', `${b64json(['ES256'])}.${b64json(payload)}.sig`, 'TW_MALFORMED_TOKEN'],
    ['header a JSON string', `${b64json('ES256')}.${b64json(payload)}.sig`, 'TW_MALFORMED_TOKEN'],
    ['payload not JSON', `${b64json(header)}.${base64url.encode('{"sub":')}.sig`, 'TW_MALFORMED_TOKEN'],
    ['payload a JSON array', `${b64json(header)}.${b64json([1, 2])}.sig`, 'TW_MALFORMED_TOKEN'],
    ['payload null', `${b64json(header)}.${b64json(null)}.sig`, 'TW_MALFORMED_TOKEN'],
    ['bad base64url length', `${b64json(header)}.a.sig`, 'TW_MALFORMED_TOKEN'],
  ]
  for (const [description, token, code] of cases) {
    const error = thrown(() => decodeToken(token, 8192, { realm: 'api' })) as TokenwardError
    t.type(error, TokenwardError, description)
    t.equal(error.code, code, description)
    t.equal(
      error.headers['WWW-Authenticate'],
      invalidToken(code === 'TW_OPAQUE_TOKEN' ? DESCRIPTIONS.OPAQUE : DESCRIPTIONS.MALFORMED),
      description,
    )
  }
  const jsonError = thrown(() =>
    decodeToken(`${base64url.encode('{')}.${b64json(payload)}.sig`, 8192),
  ) as TokenwardError
  t.ok(jsonError.cause instanceof Error, 'the decoding error is kept as cause')

  const long = thrown(() => decodeToken(good, good.length - 1)) as TokenwardError
  t.equal(long.code, 'TW_MALFORMED_TOKEN', 'longer than maxTokenLength')
  t.equal(long.cause, undefined, 'refused before any decoding')
  t.same(decodeToken(good, good.length).header, header, 'exactly maxTokenLength is accepted')
  t.equal(
    (thrown(() => decodeToken('x'.repeat(20), 10)) as TokenwardError).code,
    'TW_MALFORMED_TOKEN',
    'length is checked before the shape',
  )
})

const base: ClassifyOptions = {
  realm: 'api',
  algorithms: ['ES256', 'RS256'],
  profile: 'jwt',
  clientIds: new Set([CLIENT]),
}

function classify(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  options: Partial<ClassifyOptions> = {},
): TokenwardErrorCode | undefined {
  const decoded = { header, payload } as DecodedToken
  const error = thrown(() => classifyToken(decoded, { ...base, ...options })) as TokenwardError | undefined
  return error?.code
}

t.test('classifyToken: header rules', async (t) => {
  const p = { iss: ISSUER, aud: AUDIENCE, sub: 'x' }
  t.equal(classify({ alg: 'ES256' }, p), undefined)
  t.equal(classify({ alg: 'none' }, p), 'TW_ALG_NOT_ALLOWED')
  t.equal(classify({ alg: 'HS256' }, p), 'TW_ALG_NOT_ALLOWED')
  t.equal(classify({ alg: 'es256' }, p), 'TW_ALG_NOT_ALLOWED', 'alg is case-sensitive')
  t.equal(classify({}, p), 'TW_ALG_NOT_ALLOWED', 'no alg')
  t.equal(classify({ alg: ['ES256'] }, p), 'TW_ALG_NOT_ALLOWED', 'alg not a string')
  t.equal(classify({ alg: 'ES256', crit: ['exp'] }, p), 'TW_MALFORMED_TOKEN', 'any crit is unknown')
  t.equal(classify({ alg: 'ES256', crit: [] }, p), 'TW_MALFORMED_TOKEN')
  t.equal(classify({ alg: 'ES256', typ: 7 }, p), 'TW_MALFORMED_TOKEN', 'typ not a string')
  t.equal(classify({ alg: 'ES256', typ: 'JWT' }, p), undefined)
  t.equal(classify({ alg: 'ES256', typ: 'at+jwt' }, p), undefined)
  t.equal(classify({ alg: 'ES256', typ: 'application/at+jwt' }, p), undefined)
  t.equal(classify({ alg: 'ES256', typ: 'JOSE' }, p), 'TW_WRONG_TOKEN_TYPE')
  t.equal(classify({ alg: 'ES256', typ: 'JWT' }, p, { profile: 'rfc9068' }), 'TW_WRONG_TOKEN_TYPE')
  t.equal(classify({ alg: 'ES256' }, p, { profile: 'rfc9068' }), 'TW_WRONG_TOKEN_TYPE')
  t.equal(classify({ alg: 'ES256', typ: 'AT+JWT' }, p, { profile: 'rfc9068' }), undefined)
  const alg = thrown(() =>
    classifyToken({ header: { alg: 'none' }, payload: p } as DecodedToken, base),
  ) as TokenwardError
  t.equal(alg.headers['WWW-Authenticate'], invalidToken(DESCRIPTIONS.ALG), 'the challenge carries the realm')
})

t.test('classifyToken: token kinds', async (t) => {
  const h = { alg: 'ES256' }
  const p = { iss: ISSUER, aud: AUDIENCE, sub: 'x' }
  const cases: Array<
    [string, Record<string, unknown>, Record<string, unknown>, TokenwardErrorCode | undefined]
  > = [
    ['nonce', h, { ...p, nonce: 'n' }, 'TW_ID_TOKEN'],
    ['at_hash', h, { ...p, at_hash: 'x' }, 'TW_ID_TOKEN'],
    ['c_hash', h, { ...p, c_hash: 'x' }, 'TW_ID_TOKEN'],
    ['s_hash', h, { ...p, s_hash: 'x' }, 'TW_ID_TOKEN'],
    [
      'at_hash even when marked as access token',
      { ...h, typ: 'at+jwt' },
      { ...p, at_hash: 'x' },
      'TW_ID_TOKEN',
    ],
    ['payload typ ID (Keycloak)', h, { ...p, typ: 'ID' }, 'TW_ID_TOKEN'],
    ['token_use id (Cognito)', h, { ...p, token_use: 'id' }, 'TW_ID_TOKEN'],
    ['aud is a client id', h, { ...p, aud: CLIENT }, 'TW_ID_TOKEN'],
    ['aud array naming a client id', h, { ...p, aud: [AUDIENCE, CLIENT] }, 'TW_ID_TOKEN'],
    ['header typ id_token+jwt', { ...h, typ: 'id_token+jwt' }, p, 'TW_ID_TOKEN'],
    ['header typ application/id_token+jwt', { ...h, typ: 'application/id_token+jwt' }, p, 'TW_ID_TOKEN'],
    ['payload typ Refresh (Keycloak)', h, { ...p, typ: 'Refresh' }, 'TW_REFRESH_TOKEN'],
    ['payload typ Offline (Keycloak)', h, { ...p, typ: 'Offline' }, 'TW_REFRESH_TOKEN'],
    ['token_use refresh', h, { ...p, token_use: 'refresh' }, 'TW_REFRESH_TOKEN'],
    ['dpop+jwt', { ...h, typ: 'dpop+jwt' }, p, 'TW_WRONG_TOKEN_TYPE'],
    ['logout+jwt', { ...h, typ: 'logout+jwt' }, p, 'TW_WRONG_TOKEN_TYPE'],
    ['secevent+jwt', { ...h, typ: 'secevent+jwt' }, p, 'TW_WRONG_TOKEN_TYPE'],
    [
      'events claim (logout token without typ)',
      h,
      { ...p, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } },
      'TW_WRONG_TOKEN_TYPE',
    ],
    ['nonce with payload typ Bearer (Keycloak < 22)', h, { ...p, typ: 'Bearer', nonce: 'n' }, undefined],
    ['nonce with header at+jwt', { ...h, typ: 'at+jwt' }, { ...p, nonce: 'n' }, undefined],
    ['nonce with token_use access (Cognito)', h, { ...p, token_use: 'access', nonce: 'n' }, undefined],
    ['nonce with header JWT only', { ...h, typ: 'JWT' }, { ...p, nonce: 'n' }, 'TW_ID_TOKEN'],
    ['payload typ Bearer', h, { ...p, typ: 'Bearer' }, undefined],
    ['token_use access', h, { ...p, token_use: 'access' }, undefined],
    ['aud naming no client id', h, { ...p, aud: [AUDIENCE, 'https://tenant/userinfo'] }, undefined],
    ['aud that is not a string or array', h, { ...p, aud: 5 }, undefined],
  ]
  for (const [description, header, payload, code] of cases) {
    t.equal(classify(header, payload), code, description)
  }
  t.equal(classify(h, { ...p, aud: CLIENT }, { clientIds: new Set() }), undefined, 'no clientIds configured')
})

t.test('classifyToken: the kind is told before the algorithm and crit', async (t) => {
  const p = { iss: ISSUER, aud: AUDIENCE, sub: 'x' }
  t.equal(
    classify({ alg: 'HS256' }, { ...p, nonce: 'n' }),
    'TW_ID_TOKEN',
    'ID token signed HS256 with the client secret',
  )
  t.equal(classify({ alg: 'HS256' }, { ...p, aud: CLIENT }), 'TW_ID_TOKEN')
  t.equal(classify({ alg: 'HS256' }, { ...p, token_use: 'refresh' }), 'TW_REFRESH_TOKEN')
  t.equal(classify({ alg: 'none', typ: 'logout+jwt' }, p), 'TW_WRONG_TOKEN_TYPE')
  t.equal(classify({ alg: 'ES256', crit: ['b64'] }, { ...p, c_hash: 'x' }), 'TW_ID_TOKEN')
  t.equal(
    classify({ alg: 'HS256', typ: 7 }, { ...p, nonce: 'n' }),
    'TW_MALFORMED_TOKEN',
    'a typ that is not a string comes first',
  )
  t.equal(
    classify({ alg: 'HS256' }, p, { profile: 'rfc9068' }),
    'TW_ALG_NOT_ALLOWED',
    'the algorithm comes before the rfc9068 typ',
  )
})

t.test('looksLikeIdToken', async (t) => {
  const scopes = ['scope', 'scp']
  t.ok(looksLikeIdToken({ aud: 'c1', azp: 'c1' }, scopes), 'single aud equal to azp')
  t.ok(looksLikeIdToken({ aud: ['c1'], azp: 'c1' }, scopes), 'single-element array aud equal to azp')
  t.notOk(looksLikeIdToken({ aud: ['c1', 'api'], azp: 'c1' }, scopes), 'two audiences')
  t.notOk(looksLikeIdToken({ aud: 'api', azp: 'c1' }, scopes), 'azp differs')
  t.notOk(looksLikeIdToken({ aud: 'c1' }, scopes), 'no azp')
  for (const claim of [
    'name',
    'given_name',
    'family_name',
    'nickname',
    'preferred_username',
    'email',
    'picture',
  ]) {
    t.ok(looksLikeIdToken({ aud: 'c1', [claim]: 'x' }, scopes), `profile claim ${claim}, no scope`)
    t.notOk(looksLikeIdToken({ aud: 'c1', [claim]: 'x', scope: 'read' }, scopes), `${claim} with a scope`)
  }
  t.notOk(
    looksLikeIdToken({ aud: 'c1', email: 'x', permissions: [] }, ['permissions']),
    'scope claims are the configured ones',
  )
  t.ok(looksLikeIdToken({ aud: 'c1', email: 'x', scope: 'read' }, ['permissions']))
  t.notOk(looksLikeIdToken({ aud: 'c1', sub: 'x' }, scopes))
})

// ---- the same rules end to end, on tokens minted and signed with jose ----

interface Setup {
  key: TestKey
  verifier: Verifier
  clock: Clock
}

async function setup(t: Test, options: Record<string, unknown> = {}): Promise<Setup> {
  const key = await makeKey()
  const clock = new Clock()
  const verifier = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: jwksOf(key),
    clientIds: [CLIENT],
    realm: 'api',
    now: clock.now,
    ...options,
  })
  t.teardown(() => verifier.close())
  return { key, verifier, clock }
}

type Mint = Parameters<typeof mint>[1]

t.test('verifier: every token-kind rule on signed tokens', async (t) => {
  const { key, verifier } = await setup(t)
  const refusals: Array<[string, Mint, TokenwardErrorCode, string]> = [
    ['nonce', { claims: { nonce: 'n-0S6_WzA2Mj' } }, 'TW_ID_TOKEN', DESCRIPTIONS.ID_TOKEN],
    ['at_hash', { claims: { at_hash: '77QmUPtjPfzWtF2AnpK9RQ' } }, 'TW_ID_TOKEN', DESCRIPTIONS.ID_TOKEN],
    ['c_hash', { claims: { c_hash: 'LDktKdoQak3Pk0cnXxCltA' } }, 'TW_ID_TOKEN', DESCRIPTIONS.ID_TOKEN],
    ['s_hash', { claims: { s_hash: 'x' } }, 'TW_ID_TOKEN', DESCRIPTIONS.ID_TOKEN],
    ['payload typ ID', { claims: { typ: 'ID' } }, 'TW_ID_TOKEN', DESCRIPTIONS.ID_TOKEN],
    ['token_use id', { claims: { token_use: 'id' } }, 'TW_ID_TOKEN', DESCRIPTIONS.ID_TOKEN],
    ['aud in clientIds', { claims: { aud: CLIENT } }, 'TW_ID_TOKEN', DESCRIPTIONS.ID_TOKEN],
    ['typ id_token+jwt', { header: { typ: 'id_token+jwt' } }, 'TW_ID_TOKEN', DESCRIPTIONS.ID_TOKEN],
    ['payload typ Refresh', { claims: { typ: 'Refresh' } }, 'TW_REFRESH_TOKEN', DESCRIPTIONS.REFRESH],
    ['token_use refresh', { claims: { token_use: 'refresh' } }, 'TW_REFRESH_TOKEN', DESCRIPTIONS.REFRESH],
    ['dpop+jwt', { header: { typ: 'dpop+jwt' } }, 'TW_WRONG_TOKEN_TYPE', DESCRIPTIONS.WRONG_TYPE],
    ['logout+jwt', { header: { typ: 'logout+jwt' } }, 'TW_WRONG_TOKEN_TYPE', DESCRIPTIONS.WRONG_TYPE],
    ['secevent+jwt', { header: { typ: 'secevent+jwt' } }, 'TW_WRONG_TOKEN_TYPE', DESCRIPTIONS.WRONG_TYPE],
    [
      'ID token for another client, failing the audience (aud = azp)',
      { claims: { aud: 'other-client', azp: 'other-client', scope: undefined, email: 'a@b.c' } },
      'TW_ID_TOKEN',
      DESCRIPTIONS.ID_TOKEN,
    ],
    [
      'profile claims and no scope, failing the audience',
      { claims: { aud: 'https://other-api/', scope: undefined, name: 'Ann', picture: 'https://x/p.png' } },
      'TW_ID_TOKEN',
      DESCRIPTIONS.ID_TOKEN,
    ],
    [
      'plain wrong audience',
      { claims: { aud: 'https://other-api/' } },
      'TW_WRONG_AUDIENCE',
      DESCRIPTIONS.AUDIENCE,
    ],
    [
      'wrong audience with profile claims but a scope',
      { claims: { aud: 'https://other-api/', email: 'a@b.c' } },
      'TW_WRONG_AUDIENCE',
      DESCRIPTIONS.AUDIENCE,
    ],
    [
      'wrong audience, azp equal to one of two audiences',
      { claims: { aud: ['c1', 'https://other-api/'], azp: 'c1' } },
      'TW_WRONG_AUDIENCE',
      DESCRIPTIONS.AUDIENCE,
    ],
  ]
  for (const [description, options, code, text] of refusals) {
    t.test(description, async (t) => {
      await refused(t, verifier.verify(await mint(key, options)), code, invalidToken(text))
    })
  }
})

t.test('verifier: access tokens that look a little like ID tokens are accepted', async (t) => {
  const { key, verifier } = await setup(t)
  const accepted: Array<[string, Mint]> = [
    ['Keycloak < 22: payload typ Bearer with nonce', { claims: { typ: 'Bearer', nonce: 'n', azp: CLIENT } }],
    ['header at+jwt with nonce', { header: { typ: 'at+jwt' }, claims: { nonce: 'n' } }],
    ['Cognito: token_use access with nonce', { claims: { token_use: 'access', nonce: 'n' } }],
    ['typ JWT', { header: { typ: 'JWT' } }],
    ['typ application/at+jwt', { header: { typ: 'application/at+jwt' } }],
    [
      'Auth0: aud array with userinfo, azp, profile-free',
      { claims: { aud: [AUDIENCE, 'https://tenant.auth0.com/userinfo'], azp: CLIENT + '-x' } },
    ],
    ['aud = azp but it is this API', { claims: { aud: AUDIENCE, azp: AUDIENCE } }],
    ['email claim with a scope on this API', { claims: { email: 'a@b.c' } }],
  ]
  for (const [description, options] of accepted) {
    const principal = await verifier.verify(await mint(key, options))
    t.equal(principal.sub, 'user-1', description)
  }
})

t.test('verifier: header rules on signed tokens', async (t) => {
  const { key, verifier } = await setup(t)
  // alg none: a token with no signature at all
  const none = `${b64json({ alg: 'none' })}.${b64json({ iss: ISSUER, aud: AUDIENCE, sub: 'x', exp: T0_SECONDS + 60 })}.`
  await refused(t, verifier.verify(none), 'TW_ALG_NOT_ALLOWED', invalidToken(DESCRIPTIONS.ALG))
  // HS256 signed with the public key's JSON as the secret (the classic key-confusion attack)
  const confusion = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'x', exp: T0_SECONDS + 60 })
    .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
    .sign(new TextEncoder().encode(JSON.stringify(key.publicJwk)))
  await refused(t, verifier.verify(confusion), 'TW_ALG_NOT_ALLOWED', invalidToken(DESCRIPTIONS.ALG))
  // crit: SignJWT refuses to produce it, so it is signed by hand
  const crit = await signRaw(
    key,
    { alg: 'ES256', kid: 'k1', crit: ['exp'] },
    JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'x', exp: T0_SECONDS + 60 }),
  )
  await refused(t, verifier.verify(crit), 'TW_MALFORMED_TOKEN', invalidToken(DESCRIPTIONS.MALFORMED))
  // an ID token signed HS256 with the client secret is refused as what it is
  const hsIdToken = await new SignJWT({
    iss: ISSUER,
    aud: CLIENT,
    sub: 'x',
    nonce: 'n',
    exp: T0_SECONDS + 60,
  })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode('client-secret-of-the-spa-client-0123'))
  await refused(t, verifier.verify(hsIdToken), 'TW_ID_TOKEN', invalidToken(DESCRIPTIONS.ID_TOKEN))

  const esOnly = await setup(t, { algorithms: ['ES384'] })
  await refused(
    t,
    esOnly.verifier.verify(await mint(esOnly.key)),
    'TW_ALG_NOT_ALLOWED',
    invalidToken(DESCRIPTIONS.ALG),
    401,
  )
})

t.test('verifier: shapes', async (t) => {
  const { key, verifier } = await setup(t, { maxTokenLength: 300 })
  await refused(
    t,
    verifier.verify('2YotnFZFEjr1zCsicMWpAA'),
    'TW_OPAQUE_TOKEN',
    invalidToken(DESCRIPTIONS.OPAQUE),
  )
  const jwe = await new EncryptJWT({ sub: 'x' })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .encrypt(new Uint8Array(32).fill(7))
  t.equal(jwe.split('.').length, 5, 'a real JWE has five parts')
  await refused(t, verifier.verify(jwe), 'TW_OPAQUE_TOKEN', invalidToken(DESCRIPTIONS.OPAQUE))
  await refused(
    t,
    verifier.verify(`${base64url.encode('{alg:ES256}')}.${b64json({ sub: 'x' })}.c2ln`),
    'TW_MALFORMED_TOKEN',
    invalidToken(DESCRIPTIONS.MALFORMED),
  )
  await refused(
    t,
    verifier.verify({ authorization: `Bearer ${b64json({ alg: 'ES256' })}.bm90LWpzb24.c2ln` }),
    'TW_MALFORMED_TOKEN',
    invalidToken(DESCRIPTIONS.MALFORMED),
  )
  const token = await mint(key, { claims: { padding: 'x'.repeat(300) } })
  t.ok(token.length > 300)
  await refused(t, verifier.verify(token), 'TW_MALFORMED_TOKEN', invalidToken(DESCRIPTIONS.MALFORMED))
})

t.test('verifier: profile rfc9068', async (t) => {
  const { key, verifier } = await setup(t, { profile: 'rfc9068' })
  const full = { client_id: CLIENT, jti: 'jti-1' }
  const principal = await verifier.verify(await mint(key, { header: { typ: 'at+jwt' }, claims: full }))
  t.equal(principal.clientId, CLIENT)
  await refused(
    t,
    verifier.verify(await mint(key, { header: { typ: 'JWT' }, claims: full })),
    'TW_WRONG_TOKEN_TYPE',
    invalidToken(DESCRIPTIONS.WRONG_TYPE),
  )
  await refused(
    t,
    verifier.verify(await mint(key, { claims: full })),
    'TW_WRONG_TOKEN_TYPE',
    invalidToken(DESCRIPTIONS.WRONG_TYPE),
    401,
  )
  for (const claim of ['sub', 'client_id', 'iat', 'jti']) {
    await refused(
      t,
      verifier.verify(
        await mint(key, { header: { typ: 'at+jwt' }, claims: { ...full, [claim]: undefined } }),
      ),
      'TW_MISSING_CLAIM',
      invalidToken(DESCRIPTIONS.MISSING_CLAIM),
    )
  }
})

t.test('verifier: profile jwt does not require client_id, iat or jti', async (t) => {
  const { key, verifier } = await setup(t)
  const principal = await verifier.verify(await mint(key, { claims: { iat: undefined } }))
  t.equal(principal.sub, 'user-1')
  t.equal(principal.clientId, undefined)
  t.notOk('clientId' in principal, 'no clientId key at all')
  await refused(
    t,
    verifier.verify(await mint(key, { claims: { sub: undefined } })),
    'TW_MISSING_CLAIM',
    invalidToken(DESCRIPTIONS.MISSING_CLAIM),
  )
})

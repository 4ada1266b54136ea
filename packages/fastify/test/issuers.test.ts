/**
 * Tokens shaped like each issuer of DESIGN.md's "Background" (RFC 9068,
 * Auth0, Azure AD, Keycloak, Cognito), and ID tokens of every shape.
 */
import t from 'tap'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import tokenward from '@tokenward/fastify'
import type { TokenwardFastifyOptions } from '@tokenward/fastify'
import { AUDIENCE, createIssuer, NOW_S, now, signWith } from './fixtures/issuer.js'
import type { Claims, Header } from './fixtures/issuer.js'
import { assertRefusal, bearer, principalView } from './fixtures/app.js'

const keys = await createIssuer('RS256', 'issuer-key-1')

/** An app for `issuer` whose /me echoes the principal and /scope/<scope> needs that scope. */
async function appFor(
  issuer: string,
  extra: Partial<TokenwardFastifyOptions> = {},
): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(tokenward, { issuer, audience: AUDIENCE, jwks: keys.jwks, realm: 'api', now, ...extra })
  app.get('/me', async (request) => principalView(request.auth))
  for (const scope of ['read:reports', 'Files.Read', 'Reports.Read', 'read:a']) {
    // `::` escapes the colon, which would start a path parameter.
    app.get(`/scope/${scope.replace(':', '::')}`, { config: { auth: { scopes: [scope] } } }, async () => ({
      ok: scope,
    }))
  }
  await app.ready()
  t.teardown(() => app.close())
  return app
}

/** Signs exactly `claims` (no defaults) with the issuer key. */
const mint = (claims: Claims, header: Header = {}) =>
  signWith(keys.privateKey, claims, { alg: 'RS256', kid: keys.kid, ...header })
const times = { iat: NOW_S - 60, exp: NOW_S + 3600 }

t.test('RFC 9068 at+jwt (node-oidc-provider, Auth0 RFC 9068 profile)', async (t) => {
  const iss = 'https://op.tokenward.test'
  const claims = {
    iss,
    sub: 'user-1',
    aud: AUDIENCE,
    client_id: 'svc',
    jti: 'j-1',
    scope: 'read:a',
    ...times,
  }
  for (const profile of [undefined, 'rfc9068'] as const) {
    const app = await appFor(iss, profile === undefined ? {} : { profile })
    const label = profile ?? 'default profile'
    for (const typ of ['at+jwt', 'application/at+jwt', 'AT+JWT']) {
      const res = await app.inject({ url: '/me', headers: bearer(await mint(claims, { typ })) })
      t.equal(res.statusCode, 200, `${label}: typ ${typ}`)
      t.match(res.json(), { sub: 'user-1', clientId: 'svc', scopes: ['read:a'] })
    }
    t.equal(
      (await app.inject({ url: '/scope/read:a', headers: bearer(await mint(claims, { typ: 'at+jwt' })) }))
        .statusCode,
      200,
    )
  }
  const strict = await appFor(iss, { profile: 'rfc9068' })
  for (const typ of ['JWT', undefined]) {
    assertRefusal(
      t,
      await strict.inject({ url: '/me', headers: bearer(await mint(claims, { typ })) }),
      'TW_WRONG_TOKEN_TYPE',
      {
        message: `rfc9068 with typ ${typ}`,
      },
    )
  }
  for (const claim of ['client_id', 'jti', 'iat', 'sub']) {
    const token = await mint({ ...claims, [claim]: undefined }, { typ: 'at+jwt' })
    assertRefusal(t, await strict.inject({ url: '/me', headers: bearer(token) }), 'TW_MISSING_CLAIM', {
      message: `rfc9068 without ${claim}`,
    })
  }
  // The default profile accepts JWT and no typ at all.
  const lax = await appFor(iss)
  for (const typ of ['JWT', undefined]) {
    t.equal(
      (await lax.inject({ url: '/me', headers: bearer(await mint(claims, { typ })) })).statusCode,
      200,
      `jwt profile, typ ${typ}`,
    )
  }
})

t.test('Auth0 default profile: typ JWT, aud array with userinfo, azp, permissions', async (t) => {
  const iss = 'https://tenant.eu.auth0.com/'
  const claims = {
    iss,
    sub: 'auth0|64b7f0c2a1',
    aud: [AUDIENCE, `${iss}userinfo`],
    iat: times.iat,
    exp: times.exp,
    azp: 'spa-client-id',
    scope: 'openid profile email read:a',
    permissions: ['read:reports', 'read:a'],
  }
  const token = await mint(claims, { typ: 'JWT' })
  const app = await appFor(iss)
  const res = await app.inject({ url: '/me', headers: bearer(token) })
  t.equal(res.statusCode, 200)
  t.match(res.json(), {
    sub: 'auth0|64b7f0c2a1',
    audience: [AUDIENCE, `${iss}userinfo`],
    clientId: 'spa-client-id',
    scopes: ['email', 'openid', 'profile', 'read:a'],
    issuer: iss,
  })
  t.equal((await app.inject({ url: '/scope/read:a', headers: bearer(token) })).statusCode, 200)
  assertRefusal(
    t,
    await app.inject({ url: '/scope/read:reports', headers: bearer(token) }),
    'TW_INSUFFICIENT_SCOPE',
    {
      scope: 'read:reports',
      message: 'permissions are not read by default',
    },
  )

  const rbac = await appFor(iss, { scopeClaims: ['scope', 'permissions'] })
  t.equal(
    (await rbac.inject({ url: '/scope/read:reports', headers: bearer(token) })).statusCode,
    200,
    'RBAC permissions',
  )
  t.match((await rbac.inject({ url: '/me', headers: bearer(token) })).json(), {
    scopes: ['email', 'openid', 'profile', 'read:a', 'read:reports'],
  })

  // Auth0's ID token for the same login: aud is the client id.
  const idToken = await mint({
    iss,
    sub: claims.sub,
    aud: 'spa-client-id',
    ...times,
    name: 'Jane Doe',
    email: 'jane@example.com',
    picture: 'https://example.com/jane.png',
    sid: 'sid-1',
  })
  assertRefusal(t, await app.inject({ url: '/me', headers: bearer(idToken) }), 'TW_ID_TOKEN', {
    message: 'Auth0 ID token (profile claims, no scope, aud = client)',
  })
  const withNonce = await mint({
    iss,
    sub: claims.sub,
    aud: 'spa-client-id',
    ...times,
    nonce: 'abc',
    name: 'Jane',
  })
  assertRefusal(t, await app.inject({ url: '/me', headers: bearer(withNonce) }), 'TW_ID_TOKEN', {
    message: 'with nonce',
  })
  // No audience requested: Auth0 answers an opaque access token.
  assertRefusal(
    t,
    await app.inject({ url: '/me', headers: bearer('kX3oB9t7Qx1z5Jd8b0Yw-q2Lm6Rn4Vc') }),
    'TW_OPAQUE_TOKEN',
  )
})

t.test('Azure AD v2: scp string and roles', async (t) => {
  const iss = 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0'
  const api = 'api://6e74172b-be56-4843-9ff4-e66a39bb12e3'
  const delegated = {
    iss,
    aud: api,
    sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
    azp: '1fec8e78-bce4-4aaf-ab1b-5451cc387264',
    azpacr: '0',
    name: 'Abe Lincoln',
    preferred_username: 'abeli@microsoft.com',
    oid: '690222be-ff1a-4d56-abd1-7e4f7d38e474',
    tid: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    scp: 'Files.Read User.Read',
    roles: ['Reports.Read'],
    ver: '2.0',
    nbf: times.iat,
    ...times,
  }
  const token = await mint(delegated, { typ: 'JWT' })
  const app = await appFor(iss, { audience: api })
  const res = await app.inject({ url: '/me', headers: bearer(token) })
  t.equal(res.statusCode, 200, 'profile claims with a scope claim are an access token')
  t.match(res.json(), { scopes: ['Files.Read', 'User.Read'], clientId: delegated.azp })
  t.equal((await app.inject({ url: '/scope/Files.Read', headers: bearer(token) })).statusCode, 200, 'scp')
  assertRefusal(
    t,
    await app.inject({ url: '/scope/Reports.Read', headers: bearer(token) }),
    'TW_INSUFFICIENT_SCOPE',
    {
      scope: 'Reports.Read',
      message: 'roles are not read by default',
    },
  )

  const withRoles = await appFor(iss, { audience: api, scopeClaims: ['scp', 'roles'] })
  t.equal(
    (await withRoles.inject({ url: '/scope/Reports.Read', headers: bearer(token) })).statusCode,
    200,
    'roles',
  )
  // An app-only (client credentials) token: roles, no scp.
  const appOnly = await mint({
    iss,
    aud: api,
    sub: 'app-oid',
    azp: 'daemon',
    roles: ['Reports.Read'],
    ver: '2.0',
    ...times,
  })
  t.equal(
    (await withRoles.inject({ url: '/scope/Reports.Read', headers: bearer(appOnly) })).statusCode,
    200,
    'app-only roles',
  )

  // A delegated token for Microsoft Graph is for another audience, not an ID token.
  const graph = await mint({ ...delegated, aud: '00000003-0000-0000-c000-000000000000' })
  assertRefusal(t, await app.inject({ url: '/me', headers: bearer(graph) }), 'TW_WRONG_AUDIENCE')
  // Azure's ID token: aud is the client, profile claims, no scp.
  const azureId = await mint({
    iss,
    aud: delegated.azp,
    sub: delegated.sub,
    name: 'Abe Lincoln',
    preferred_username: 'abeli@microsoft.com',
    oid: delegated.oid,
    tid: delegated.tid,
    ver: '2.0',
    ...times,
  })
  assertRefusal(t, await app.inject({ url: '/me', headers: bearer(azureId) }), 'TW_ID_TOKEN')
})

t.test('Keycloak: payload typ Bearer / ID / Refresh', async (t) => {
  const iss = 'https://keycloak.tokenward.test/realms/demo'
  const common = {
    iss,
    sub: 'f:3a2b:jane',
    ...times,
    azp: 'web-app',
    session_state: 'b1e4',
    sid: 'b1e4',
    preferred_username: 'jane',
    email: 'jane@example.com',
  }
  const access = await mint({
    ...common,
    typ: 'Bearer',
    aud: [AUDIENCE, 'account'],
    nonce: 'n-0S6_WzA2Mj', // Keycloak < 22 copies nonce into access tokens
    scope: 'openid profile email read:a',
    realm_access: { roles: ['offline_access'] },
  })
  const app = await appFor(iss)
  const res = await app.inject({ url: '/me', headers: bearer(access) })
  t.equal(res.statusCode, 200, 'typ Bearer with nonce is accepted')
  t.match(res.json(), { sub: 'f:3a2b:jane', clientId: 'web-app', audience: [AUDIENCE, 'account'] })

  const bearerWithoutNonce = await mint({ ...common, typ: 'Bearer', aud: AUDIENCE, scope: 'read:a' })
  t.equal((await app.inject({ url: '/scope/read:a', headers: bearer(bearerWithoutNonce) })).statusCode, 200)

  const id = await mint({
    ...common,
    typ: 'ID',
    aud: 'web-app',
    nonce: 'n-0S6_WzA2Mj',
    at_hash: 'x',
    acr: '1',
  })
  assertRefusal(t, await app.inject({ url: '/me', headers: bearer(id) }), 'TW_ID_TOKEN', {
    message: 'typ ID',
  })
  const idForUs = await mint({ ...common, typ: 'ID', aud: AUDIENCE })
  assertRefusal(t, await app.inject({ url: '/me', headers: bearer(idForUs) }), 'TW_ID_TOKEN', {
    message: 'typ ID even with our audience',
  })

  const refresh = await mint({
    iss,
    sub: common.sub,
    ...times,
    typ: 'Refresh',
    aud: iss,
    azp: 'web-app',
    scope: 'openid',
  })
  assertRefusal(t, await app.inject({ url: '/me', headers: bearer(refresh) }), 'TW_REFRESH_TOKEN', {
    message: 'typ Refresh',
  })
  // Keycloak signs refresh tokens with HS512: told as a refresh token all the same.
  const hsRefresh = await signWith(
    new TextEncoder().encode('keycloak-realm-hmac-secret-of-64-bytes-keycloak-realm-hmac-secret'),
    { iss, sub: common.sub, ...times, typ: 'Refresh', aud: iss, azp: 'web-app' },
    { alg: 'HS512', typ: 'JWT', kid: 'hmac-kid' },
  )
  assertRefusal(t, await app.inject({ url: '/me', headers: bearer(hsRefresh) }), 'TW_REFRESH_TOKEN', {
    message: 'HS512 refresh token',
  })
  const offline = await mint({ iss, sub: common.sub, ...times, typ: 'Offline', aud: iss, azp: 'web-app' })
  assertRefusal(t, await app.inject({ url: '/me', headers: bearer(offline) }), 'TW_REFRESH_TOKEN', {
    message: 'typ Offline',
  })
})

t.test('Cognito: token_use access / id / refresh', async (t) => {
  const iss = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123'
  const access = await mint({
    iss,
    sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    aud: AUDIENCE,
    client_id: '7abcdefghijklmnop',
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin read:a',
    auth_time: times.iat,
    origin_jti: 'o-1',
    event_id: 'e-1',
    jti: 'j-1',
    username: 'jane',
    ...times,
  })
  const app = await appFor(iss)
  const res = await app.inject({ url: '/scope/read:a', headers: bearer(access) })
  t.equal(res.statusCode, 200)
  t.match((await app.inject({ url: '/me', headers: bearer(access) })).json(), {
    clientId: '7abcdefghijklmnop',
  })

  const id = await mint({
    iss,
    sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    aud: '7abcdefghijklmnop',
    token_use: 'id',
    'cognito:username': 'jane',
    email: 'jane@example.com',
    email_verified: true,
    auth_time: times.iat,
    ...times,
  })
  assertRefusal(t, await app.inject({ url: '/me', headers: bearer(id) }), 'TW_ID_TOKEN', {
    message: 'token_use id',
  })
  const idForUs = await mint({ iss, sub: 's', aud: AUDIENCE, token_use: 'id', ...times })
  assertRefusal(t, await app.inject({ url: '/me', headers: bearer(idForUs) }), 'TW_ID_TOKEN', {
    message: 'token_use id, our aud',
  })
  const refresh = await mint({ iss, sub: 's', aud: AUDIENCE, token_use: 'refresh', ...times })
  assertRefusal(t, await app.inject({ url: '/me', headers: bearer(refresh) }), 'TW_REFRESH_TOKEN')
  // Cognito access tokens carry no aud: not supported in v1 (audience stays required).
  const noAud = await mint({ iss, sub: 's', client_id: 'c', token_use: 'access', scope: 'read:a', ...times })
  assertRefusal(t, await app.inject({ url: '/me', headers: bearer(noAud) }), 'TW_MISSING_CLAIM', {
    message: 'no aud',
  })
})

t.test('ID tokens of every shape are refused as TW_ID_TOKEN', async (t) => {
  const iss = 'https://issuer.tokenward.test/'
  const app = await appFor(iss, { clientIds: ['spa-client'] })
  const base = { iss, sub: 'user-1', aud: AUDIENCE, ...times }
  const cases: [string, Claims, Header?][] = [
    ['nonce', { ...base, nonce: 'n-0S6' }],
    ['at_hash', { ...base, at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q' }],
    ['c_hash', { ...base, c_hash: 'LDktKdoQak3Pk0cnXxCltA' }],
    ['s_hash', { ...base, s_hash: 'WL8uBVz8Rz0pIVPx5Rk4mg' }],
    ['nonce with scope and our audience', { ...base, nonce: 'n', scope: 'read:a' }],
    ['aud = a configured clientId', { ...base, aud: 'spa-client', scope: 'read:a' }],
    ['aud array naming a configured clientId', { ...base, aud: [AUDIENCE, 'spa-client'] }],
    ['aud = azp, wrong audience', { ...base, aud: 'other-client', azp: 'other-client', scope: 'read:a' }],
    [
      'profile claims, no scope, wrong audience',
      { ...base, aud: 'other-client', name: 'Jane', email: 'j@x.test' },
    ],
    ['preferred_username only, wrong audience', { ...base, aud: 'other-client', preferred_username: 'jane' }],
    ['typ header id_token+jwt', base, { typ: 'id_token+jwt' }],
    ['typ header application/id_token+jwt', base, { typ: 'application/id_token+jwt' }],
    ['payload typ ID (lower case)', { ...base, typ: 'id' }],
    ['token_use id', { ...base, token_use: 'id' }],
    ['nonce and unknown issuer', { ...base, iss: 'https://evil.example/', nonce: 'n' }],
  ]
  for (const [name, claims, header] of cases) {
    const res = await app.inject({ url: '/me', headers: bearer(await mint(claims, header)) })
    assertRefusal(t, res, 'TW_ID_TOKEN', { message: name })
  }

  // Not ID tokens: the audience is wrong, but nothing says "ID token".
  const notId: [string, Claims][] = [
    [
      'profile claims with a scope, wrong audience',
      { ...base, aud: 'other-api', name: 'Jane', scope: 'read:a' },
    ],
    ['aud = azp among several audiences', { ...base, aud: ['other-client', 'x'], azp: 'other-client' }],
    ['aud != azp', { ...base, aud: 'other-api', azp: 'client' }],
  ]
  for (const [name, claims] of notId) {
    assertRefusal(
      t,
      await app.inject({ url: '/me', headers: bearer(await mint(claims)) }),
      'TW_WRONG_AUDIENCE',
      {
        message: name,
      },
    )
  }
  // Marked as access tokens: a nonce alone does not make an ID token.
  for (const [name, claims, header] of [
    ['at+jwt with nonce', { ...base, nonce: 'n' }, { typ: 'at+jwt' }],
    ['token_use access with nonce', { ...base, nonce: 'n', token_use: 'access' }, {}],
  ] as const) {
    t.equal(
      (await app.inject({ url: '/me', headers: bearer(await mint(claims, header)) })).statusCode,
      200,
      name,
    )
  }
  // ...but at_hash still does.
  assertRefusal(
    t,
    await app.inject({
      url: '/me',
      headers: bearer(await mint({ ...base, at_hash: 'x' }, { typ: 'at+jwt' })),
    }),
    'TW_ID_TOKEN',
    {
      message: 'at+jwt with at_hash',
    },
  )
  // An ID token signed HS256 with the client secret is told as an ID token, not as an algorithm problem.
  const hsId = await signWith(
    new TextEncoder().encode('client-secret-of-the-spa-client!'),
    { ...base, aud: 'spa', nonce: 'n' },
    { alg: 'HS256' },
  )
  assertRefusal(t, await app.inject({ url: '/me', headers: bearer(hsId) }), 'TW_ID_TOKEN', {
    message: 'HS256 ID token',
  })
  // An ID token with a bad signature and aud = azp is still a bad signature first.
  const other = await createIssuer('RS256', keys.kid)
  const forged = await signWith(
    other.privateKey,
    { ...base, aud: 'c', azp: 'c' },
    { alg: 'RS256', kid: keys.kid },
  )
  assertRefusal(t, await app.inject({ url: '/me', headers: bearer(forged) }), 'TW_BAD_SIGNATURE')
})

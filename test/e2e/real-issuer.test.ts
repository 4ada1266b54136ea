// End to end: tokens from a real authorization server (oidc-provider on
// 127.0.0.1, examples/dev-issuer), keys over real HTTP, the Fastify example API
// listening on a real port. Configuration is discovery-only: issuer + audience.
import t from 'tap'
import { startDevIssuer } from '@tokenward/dev-issuer'
import { createApp } from '@tokenward/example-fastify-api'

const issuer = await startDevIssuer()
t.teardown(() => issuer.close())
const app = await createApp({ issuer: issuer.issuer, audience: issuer.audience })
const base = await app.listen({ port: 0, host: '127.0.0.1' })
t.teardown(() => app.close())

async function call(path: string, token?: string) {
  const response = await fetch(base + path, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  })
  const body = (await response.json()) as Record<string, unknown>
  return { status: response.status, body, challenge: response.headers.get('www-authenticate') }
}

const INVALID_TOKEN = /^Bearer realm="appointments-api", error="invalid_token", error_description="[^"]+"$/

t.test('keys were fetched at start-up through discovery, before any request', async (t) => {
  t.equal(issuer.jwksRequests(), 1)
})

t.test('client-credentials access token (typ at+jwt) with the route scope → 200', async (t) => {
  const token = await issuer.clientCredentialsToken({ scope: 'read:appointments write:appointments' })
  const res = await call('/appointments', token)
  t.equal(res.status, 200)
  t.equal(res.body.sub, issuer.serviceClientId)
  t.same(res.body.scopes, ['read:appointments', 'write:appointments'])
  t.equal(res.challenge, null)
})

t.test('user access token from the authorization-code flow → 200 with sub and scopes', async (t) => {
  const { accessToken } = await issuer.authorizationCodeTokens()
  const res = await call('/me', accessToken)
  t.equal(res.status, 200)
  t.equal(res.body.sub, 'alice')
  t.equal(res.body.clientId, issuer.webClientId)
  t.ok((res.body.scopes as string[]).includes('read:appointments'))
})

t.test('ID token from the same flow → 401 TW_ID_TOKEN that says what went wrong', async (t) => {
  const { idToken } = await issuer.authorizationCodeTokens({ nonce: 'n-0S6_WzA2Mj' })
  const res = await call('/me', idToken)
  t.equal(res.status, 401)
  t.equal(res.body.code, 'TW_ID_TOKEN')
  t.match(res.challenge, INVALID_TOKEN)
  t.match(res.challenge, /An ID token was sent; this API needs an access token/)
  t.notMatch(res.challenge, idToken.split('.')[1] as string)
})

t.test(
  'ID token without nonce is still refused as an ID token (aud is the client, profile claims)',
  async (t) => {
    const { idToken } = await issuer.authorizationCodeTokens()
    const res = await call('/me', idToken)
    t.equal(res.status, 401)
    t.equal(res.body.code, 'TW_ID_TOKEN')
  },
)

t.test('refresh token (opaque at this issuer) → 401 TW_OPAQUE_TOKEN', async (t) => {
  const { refreshToken } = await issuer.authorizationCodeTokens()
  t.type(refreshToken, 'string')
  const res = await call('/me', refreshToken)
  t.equal(res.status, 401)
  t.equal(res.body.code, 'TW_OPAQUE_TOKEN')
  t.match(res.challenge, /error="invalid_token", error_description="The access token is not a JWT/)
})

t.test('opaque access token (no resource indicator) → 401 TW_OPAQUE_TOKEN', async (t) => {
  const res = await call('/me', await issuer.opaqueAccessToken())
  t.equal(res.status, 401)
  t.equal(res.body.code, 'TW_OPAQUE_TOKEN')
  t.match(res.challenge, /request an audience/)
})

t.test('access token for another API → 401 TW_WRONG_AUDIENCE', async (t) => {
  const token = await issuer.clientCredentialsToken({ scope: 'read:other', resource: issuer.otherAudience })
  const res = await call('/me', token)
  t.equal(res.status, 401)
  t.equal(res.body.code, 'TW_WRONG_AUDIENCE')
  t.match(res.challenge, INVALID_TOKEN)
})

t.test('access token without the route scope → 403 with scope= in the challenge', async (t) => {
  const token = await issuer.clientCredentialsToken({ scope: 'read:reports' })
  const res = await call('/appointments', token)
  t.equal(res.status, 403)
  t.equal(res.body.code, 'TW_INSUFFICIENT_SCOPE')
  t.match(res.challenge, /error="insufficient_scope"/)
  t.match(res.challenge, /scope="read:appointments"/)
  const reports = await call('/reports', token)
  t.equal(reports.status, 200, 'the same token opens a route whose anyScope it holds')
})

t.test('no token → 401 with a bare challenge', async (t) => {
  const res = await call('/me')
  t.equal(res.status, 401)
  t.equal(res.body.code, 'TW_MISSING_TOKEN')
  t.equal(res.challenge, 'Bearer realm="appointments-api"')
  const feed = await call('/feed')
  t.equal(feed.status, 200, 'an optional route lets the request through')
  t.equal(feed.body.personalisedFor, null)
})

t.test('Auth0-default-profile-shaped token signed by the issuer keys', async (t) => {
  const { createVerifier } = await import('@tokenward/core')
  const verifier = createVerifier({
    issuer: issuer.issuer,
    audience: issuer.audience,
    scopeClaims: ['scope', 'permissions'],
  })
  t.teardown(() => verifier.close())
  const token = await issuer.signToken(
    {
      sub: 'auth0|alice',
      aud: [issuer.audience, `${issuer.issuer}/userinfo`],
      azp: issuer.webClientId,
      scope: 'openid profile read:appointments',
      permissions: ['read:reports'],
    },
    { typ: 'JWT' },
  )
  const principal = await verifier.verify({ authorization: `Bearer ${token}` })
  t.equal(principal.sub, 'auth0|alice')
  t.equal(principal.clientId, issuer.webClientId)
  t.same([...principal.scopes].sort(), ['openid', 'profile', 'read:appointments', 'read:reports'])
  t.same(principal.audience, [issuer.audience, `${issuer.issuer}/userinfo`])
})

t.test('RFC 9068 profile: the issuer access token passes, a JWT-typed one is refused', async (t) => {
  const { createVerifier } = await import('@tokenward/core')
  const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, profile: 'rfc9068' })
  t.teardown(() => verifier.close())
  const token = await issuer.clientCredentialsToken()
  const principal = await verifier.verify(token)
  t.equal(principal.clientId, issuer.serviceClientId)
  const typedJwt = await issuer.signToken(
    { sub: 'alice', aud: issuer.audience, client_id: 'x', jti: 'j1', scope: 'read:appointments' },
    { typ: 'JWT' },
  )
  await t.rejects(verifier.verify(typedJwt), { code: 'TW_WRONG_TOKEN_TYPE', statusCode: 401 })
})

t.test('key rotation at the issuer: a token with the new kid is accepted after one refetch', async (t) => {
  // Past the cooldown (here 0 ms) an unknown kid makes tokenward refetch the issuer keys once.
  const rotating = await createApp({
    issuer: issuer.issuer,
    audience: issuer.audience,
    keys: { cooldownDuration: 0 },
  })
  await rotating.ready()
  t.teardown(() => rotating.close())
  const inject = async (token: string) =>
    (await rotating.inject({ url: '/appointments', headers: { authorization: `Bearer ${token}` } }))
      .statusCode
  t.equal(await inject(await issuer.clientCredentialsToken()), 200)
  const before = issuer.jwksRequests()
  const kid = await issuer.rotateKeys()
  const token = await issuer.clientCredentialsToken()
  t.equal(JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid, kid)
  t.equal(await inject(token), 200)
  t.equal(issuer.jwksRequests(), before + 1, 'exactly one refetch for the unknown kid')
  t.equal(await inject(await issuer.clientCredentialsToken()), 200)
  t.equal(issuer.jwksRequests(), before + 1, 'no further fetch once the new key is known')
})

t.test('inside the cooldown an unknown kid is refused without hammering the issuer', async (t) => {
  const kid = await issuer.rotateKeys()
  const before = issuer.jwksRequests()
  const res = await call('/me', await issuer.clientCredentialsToken())
  t.ok(kid)
  t.equal(res.status, 401)
  t.equal(res.body.code, 'TW_BAD_SIGNATURE')
  t.equal(issuer.jwksRequests(), before, 'the app fetched its keys at start-up, under 30 s ago: no refetch')
})

import t from 'tap'
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import { startDevIssuer } from '@tokenward/dev-issuer'

const dev = await startDevIssuer({ port: 0 })
t.teardown(() => dev.close())

const getJson = async (url: string): Promise<any> => (await fetch(url)).json()
const isJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)
const remoteKeys = () => createRemoteJWKSet(new URL(dev.jwksUri))
const verify = (token: string, audience = dev.audience) =>
  jwtVerify(token, remoteKeys(), { issuer: dev.issuer, audience })

t.test('issuer on loopback with a discovery document', async (t) => {
  t.match(dev.issuer, /^http:\/\/127\.0\.0\.1:\d+$/)
  const response = await fetch(`${dev.issuer}/.well-known/openid-configuration`)
  t.equal(response.status, 200)
  const discovery = (await response.json()) as Record<string, unknown>
  t.equal(discovery.issuer, dev.issuer)
  t.equal(discovery.jwks_uri, dev.jwksUri)
  t.ok((discovery.grant_types_supported as string[]).includes('client_credentials'))
  const jwks = await getJson(dev.jwksUri)
  t.ok(jwks.keys.length >= 1)
  for (const key of jwks.keys) t.notOk('d' in key, 'only public keys are published')
})

t.test('client credentials: RFC 9068 access token for the audience', async (t) => {
  const token = await dev.clientCredentialsToken()
  t.ok(isJwt(token))
  const header = decodeProtectedHeader(token)
  t.equal(header.typ, 'at+jwt')
  t.type(header.kid, 'string')
  const { payload, protectedHeader } = await verify(token)
  t.equal(protectedHeader.typ, 'at+jwt')
  t.equal(payload.aud, dev.audience)
  t.equal(payload.iss, dev.issuer)
  t.equal(payload.sub, dev.serviceClientId)
  t.equal(payload.client_id, dev.serviceClientId)
  t.ok(String(payload.scope).split(' ').includes('read:appointments'))
  t.type(payload.jti, 'string')
  t.type(payload.exp, 'number')

  const both = decodeJwt(await dev.clientCredentialsToken({ scope: 'read:reports admin' }))
  t.same(String(both.scope).split(' ').sort(), ['admin', 'read:reports'])
})

t.test('client credentials for the other audience', async (t) => {
  const token = await dev.clientCredentialsToken({ resource: dev.otherAudience, scope: 'read:other' })
  const { payload } = await verify(token, dev.otherAudience)
  t.equal(payload.aud, dev.otherAudience)
  t.equal(payload.scope, 'read:other')
  await t.rejects(verify(token), 'not valid for the main audience')
})

t.test('unknown resource indicators are refused', async (t) => {
  await t.rejects(
    dev.clientCredentialsToken({ resource: 'https://unknown.tokenward.test' }),
    /invalid_target/,
  )
})

t.test('authorization code flow: ID token, JWT access token, refresh token', async (t) => {
  const { idToken, accessToken, refreshToken } = await dev.authorizationCodeTokens({ nonce: 'nonce-123' })

  const id = await jwtVerify(idToken, remoteKeys(), { issuer: dev.issuer, audience: dev.webClientId })
  t.equal(id.payload.aud, dev.webClientId)
  t.equal(id.payload.sub, 'alice')
  t.equal(id.payload.nonce, 'nonce-123')
  t.equal(id.payload.email, 'alice@example.test')
  t.type(id.payload.name, 'string')
  t.notOk('scope' in id.payload, 'an ID token carries no scope')
  t.not(id.protectedHeader.typ, 'at+jwt')

  t.equal(decodeProtectedHeader(accessToken).typ, 'at+jwt')
  const access = await verify(accessToken)
  t.equal(access.payload.sub, 'alice')
  t.equal(access.payload.client_id, dev.webClientId)
  t.ok(String(access.payload.scope).split(' ').includes('read:appointments'))
  t.notOk('nonce' in access.payload)

  t.type(refreshToken, 'string')
  t.notOk(isJwt(refreshToken!), 'the refresh token is opaque')
  t.notOk(refreshToken!.includes('.'))
})

t.test('code flow without nonce, offline_access or resource', async (t) => {
  const { idToken, accessToken, refreshToken } = await dev.authorizationCodeTokens({
    scope: 'openid',
    resource: null,
  })
  t.notOk('nonce' in decodeJwt(idToken))
  t.equal(refreshToken, undefined)
  t.notOk(isJwt(accessToken))
})

t.test('code flow for the other audience', async (t) => {
  const { accessToken } = await dev.authorizationCodeTokens({
    scope: 'openid read:other',
    resource: dev.otherAudience,
  })
  const { payload } = await verify(accessToken, dev.otherAudience)
  t.equal(payload.scope, 'read:other')
})

t.test('opaque access token', async (t) => {
  const token = await dev.opaqueAccessToken()
  t.type(token, 'string')
  t.ok(token.length >= 20)
  t.notOk(token.includes('.'), 'no dots at all')
  t.notOk(isJwt(token))
})

t.test('opaque tokens resolve through introspection', async (t) => {
  const token = await dev.opaqueAccessToken()
  const introspect = async (value: string) => {
    const response = await fetch(String(dev.discovery.introspection_endpoint), {
      method: 'POST',
      body: new URLSearchParams({ token: value }),
      headers: { authorization: `Basic ${btoa(`${dev.serviceClientId}:${dev.serviceClientSecret}`)}` },
    })
    return (await response.json()) as Record<string, unknown>
  }
  const active = await introspect(token)
  t.equal(active.active, true)
  t.equal(active.sub, 'alice')
  t.equal(active.client_id, dev.webClientId)
  t.same(await introspect('not-a-token'), { active: false })
})

t.test('signToken uses the issuer key', async (t) => {
  const token = await dev.signToken(
    { sub: 'bob', aud: [dev.audience, `${dev.issuer}/userinfo`], azp: 'spa', scope: 'read:appointments' },
    { typ: 'JWT' },
  )
  const { payload, protectedHeader } = await verify(token)
  t.equal(protectedHeader.typ, 'JWT')
  t.equal(protectedHeader.kid, decodeProtectedHeader(await dev.clientCredentialsToken()).kid)
  t.equal(payload.iss, dev.issuer)
  t.type(payload.iat, 'number')
  t.ok(payload.exp! > Date.now() / 1000)

  const bare = decodeJwt(await dev.signToken({ sub: 'bob', exp: undefined, iss: 'https://elsewhere.test' }))
  t.notOk('exp' in bare, 'a claim passed as undefined is omitted')
  t.equal(bare.iss, 'https://elsewhere.test')
})

t.test('jwksRequests counts JWKS fetches', async (t) => {
  const before = dev.jwksRequests()
  await fetch(dev.jwksUri).then((r) => r.arrayBuffer())
  t.equal(dev.jwksRequests(), before + 1)
  await verify(await dev.clientCredentialsToken())
  t.equal(dev.jwksRequests(), before + 2, 'a fresh remote key set fetches once')
  await fetch(`${dev.issuer}/.well-known/openid-configuration`).then((r) => r.arrayBuffer())
  t.equal(dev.jwksRequests(), before + 2, 'other endpoints are not counted')
})

t.test('rotateKeys: new tokens use the new kid, old ones still verify', async (t) => {
  const oldToken = await dev.clientCredentialsToken()
  const oldKid = decodeProtectedHeader(oldToken).kid
  const { refreshToken } = await dev.authorizationCodeTokens()

  const newKid = await dev.rotateKeys()
  t.type(newKid, 'string')
  t.not(newKid, oldKid)

  const newToken = await dev.clientCredentialsToken()
  t.equal(decodeProtectedHeader(newToken).kid, newKid)
  const { idToken } = await dev.authorizationCodeTokens()
  t.equal(decodeProtectedHeader(idToken).kid, newKid)
  t.equal(decodeProtectedHeader(await dev.signToken({ sub: 'x' })).kid, newKid)

  const keys = remoteKeys()
  await t.resolves(jwtVerify(oldToken, keys, { issuer: dev.issuer, audience: dev.audience }))
  await t.resolves(jwtVerify(newToken, keys, { issuer: dev.issuer, audience: dev.audience }))
  const jwks = await getJson(dev.jwksUri)
  t.same(
    jwks.keys.map((k: { kid: string }) => k.kid),
    [newKid, oldKid],
  )
  const refreshed = await dev.refresh(refreshToken!)
  t.equal(
    decodeProtectedHeader(refreshed.accessToken).kid,
    newKid,
    'a refresh token from before the rotation still works',
  )
  t.equal(decodeJwt(refreshed.idToken).aud, dev.webClientId)
  await t.resolves(verify(refreshed.accessToken))
  t.equal(new URL(dev.jwksUri).origin, dev.issuer, 'same server, same port')
})

t.test('rotateKeys without keeping the previous key; close()', async (t) => {
  const other = await startDevIssuer({ algorithm: 'RS256', audience: 'https://rs.tokenward.test' })
  t.not(other.issuer, dev.issuer)
  const oldToken = await other.clientCredentialsToken()
  t.equal(decodeProtectedHeader(oldToken).alg, 'RS256')
  const newKid = await other.rotateKeys({ keepPrevious: false })
  const jwks = await getJson(other.jwksUri)
  t.same(
    jwks.keys.map((k: { kid: string }) => k.kid),
    [newKid],
  )
  const keys = createRemoteJWKSet(new URL(other.jwksUri))
  await t.rejects(jwtVerify(oldToken, keys), 'the dropped key no longer verifies')
  await t.resolves(jwtVerify(await other.clientCredentialsToken(), keys))

  await other.close()
  await t.rejects(fetch(other.jwksUri), 'nothing listens after close()')
})

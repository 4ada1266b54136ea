// One table of requests and the answer tokenward must give, whatever the
// adapter: status, code and the exact WWW-Authenticate challenge.
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import type { CryptoKey, JWK, JWTPayload } from 'jose'
import type { VerifierOptions } from '@tokenward/core'

export const ISSUER = 'https://issuer.conformance.test/'
export const AUDIENCE = 'https://api.conformance.test'
export const WEB_CLIENT = 'web-client'
export const NOW = 1_800_000_000_000
const now = Math.floor(NOW / 1000)

export interface Fixture {
  readonly options: VerifierOptions
  /** Options whose keys cannot be had (the JWKS URL refuses connections). */
  readonly downOptions: VerifierOptions
  sign(payload: JWTPayload, header?: Record<string, unknown>, key?: 'trusted' | 'untrusted'): Promise<string>
}

export async function createFixture(): Promise<Fixture> {
  const trusted = await generateKeyPair('ES256')
  const untrusted = await generateKeyPair('ES256')
  const jwk: JWK = { ...(await exportJWK(trusted.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }
  const common = {
    issuer: ISSUER,
    audience: AUDIENCE,
    realm: 'api',
    resourceMetadata: 'https://api.conformance.test/.well-known/oauth-protected-resource',
    clientIds: [WEB_CLIENT],
    scopeClaims: ['scope', 'scp', 'permissions'],
    now: () => NOW,
  }
  return {
    options: { ...common, jwks: { keys: [jwk] } },
    downOptions: { ...common, jwksUri: 'http://127.0.0.1:1/jwks.json', keys: { timeoutDuration: 500 } },
    async sign(payload, header = {}, key = 'trusted') {
      const privateKey: CryptoKey = (key === 'trusted' ? trusted : untrusted).privateKey
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt', ...header })
        .sign(privateKey)
    },
  }
}

/** A valid RFC 9068 access token's claims, to be varied by each case. */
export function accessClaims(extra: JWTPayload = {}): JWTPayload {
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'alice',
    client_id: 'service',
    scope: 'read:a write:b',
    iat: now - 60,
    exp: now + 3600,
    jti: 'jti-1',
    ...extra,
  }
}

export interface Expected {
  readonly status: number
  readonly code?: string
  /** The exact challenge; `null` when there must be none. Omitted: not compared to a literal. */
  readonly challenge?: string | null
  readonly sub?: string | null
}

export interface Case {
  readonly name: string
  /** Which configuration the servers run: `up` (static keys) or `down` (keys unreachable). */
  readonly keys?: 'up' | 'down'
  readonly method?: string
  readonly path: string
  request(f: Fixture): Promise<{ headers?: [string, string][]; body?: string; query?: string }>
  readonly expect: Expected
}

const RM = 'resource_metadata="https://api.conformance.test/.well-known/oauth-protected-resource"'
const invalid = (description: string) =>
  `Bearer realm="api", error="invalid_token", error_description="${description}", ${RM}`
const bearer = (token: string): { headers: [string, string][] } => ({
  headers: [['Authorization', `Bearer ${token}`]],
})
const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

const D = {
  malformed: 'The access token is malformed: it is not a well-formed JWT',
  opaque:
    'The access token is not a JWT (an opaque or encrypted token); this API needs a JWT access token issued for its audience (with Auth0, request an audience)',
  id: 'An ID token was sent; this API needs an access token issued for its audience, not the ID token meant for the client application',
  refresh:
    'A refresh token was sent; exchange it at the authorization server and send the access token instead',
  type: 'The token is a JWT of another kind, not an access token',
  alg: 'The access token is signed with an algorithm this API does not accept',
  signature: 'The access token signature is invalid or its signing key is unknown',
  issuer: 'The access token was issued by an issuer this API does not trust',
  audience: 'The access token was issued for another audience, not for this API',
  expired: 'The access token expired',
  early: 'The access token is not valid yet',
  claim: 'The access token lacks a required claim',
}

export const cases: Case[] = [
  // Route forms
  {
    name: 'valid access token on a protected route',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims())),
    expect: { status: 200, sub: 'alice', challenge: null },
  },
  {
    name: 'POST on a protected route',
    method: 'POST',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims())),
    expect: { status: 200, sub: 'alice' },
  },
  {
    name: 'all-of scopes granted',
    path: '/scoped',
    request: async (f) => bearer(await f.sign(accessClaims())),
    expect: { status: 200, sub: 'alice' },
  },
  {
    name: 'all-of scopes, one missing → 403 with scope=',
    path: '/scoped',
    request: async (f) => bearer(await f.sign(accessClaims({ scope: 'read:a' }))),
    expect: {
      status: 403,
      code: 'TW_INSUFFICIENT_SCOPE',
      challenge: `Bearer realm="api", error="insufficient_scope", error_description="The access token lacks the scope this request needs", scope="read:a write:b", ${RM}`,
    },
  },
  {
    name: 'any-of scopes, one granted (scp array)',
    path: '/any',
    request: async (f) => bearer(await f.sign(accessClaims({ scope: undefined, scp: ['y'] }))),
    expect: { status: 200 },
  },
  {
    name: 'any-of scopes, none granted → 403 listing them',
    path: '/any',
    request: async (f) => bearer(await f.sign(accessClaims())),
    expect: {
      status: 403,
      code: 'TW_INSUFFICIENT_SCOPE',
      challenge: `Bearer realm="api", error="insufficient_scope", error_description="The access token lacks the scope this request needs", scope="x y", ${RM}`,
    },
  },
  {
    name: 'requireScopes hook, granted',
    path: '/hooked',
    request: async (f) => bearer(await f.sign(accessClaims())),
    expect: { status: 200 },
  },
  {
    name: 'requireScopes hook, missing',
    path: '/hooked',
    request: async (f) => bearer(await f.sign(accessClaims({ scope: 'write:b' }))),
    expect: { status: 403, code: 'TW_INSUFFICIENT_SCOPE' },
  },
  {
    name: 'public route without a token',
    path: '/public',
    request: async () => ({}),
    expect: { status: 200, sub: null },
  },
  {
    name: 'public route with garbage credentials',
    path: '/public',
    request: async () => bearer('garbage'),
    expect: { status: 200, sub: null },
  },
  {
    name: 'optional route without a token',
    path: '/optional',
    request: async () => ({}),
    expect: { status: 200, sub: null },
  },
  {
    name: 'optional route with a valid token',
    path: '/optional',
    request: async (f) => bearer(await f.sign(accessClaims())),
    expect: { status: 200, sub: 'alice' },
  },
  {
    name: 'optional route with an ID token is still refused',
    path: '/optional',
    request: async (f) => bearer(await f.sign(accessClaims({ nonce: 'n' }), { typ: 'JWT' })),
    expect: { status: 401, code: 'TW_ID_TOKEN', challenge: invalid(D.id) },
  },

  // Extraction
  {
    name: 'no Authorization header',
    path: '/me',
    request: async () => ({}),
    expect: { status: 401, code: 'TW_MISSING_TOKEN', challenge: `Bearer realm="api", ${RM}` },
  },
  {
    name: 'Basic credentials only',
    path: '/me',
    request: async () => ({ headers: [['Authorization', 'Basic YWxpY2U6c2VjcmV0']] }),
    expect: { status: 401, code: 'TW_MISSING_TOKEN', challenge: `Bearer realm="api", ${RM}` },
  },
  {
    name: 'lower-case scheme and several spaces',
    path: '/me',
    request: async (f) => ({ headers: [['Authorization', `bearer    ${await f.sign(accessClaims())}`]] }),
    expect: { status: 200, sub: 'alice' },
  },
  {
    name: 'two Authorization headers',
    path: '/me',
    request: async (f) => {
      const token = await f.sign(accessClaims())
      return {
        headers: [
          ['Authorization', `Bearer ${token}`],
          ['Authorization', `Bearer ${token}`],
        ],
      }
    },
    expect: {
      status: 400,
      code: 'TW_INVALID_REQUEST',
      challenge: `Bearer realm="api", error="invalid_request", error_description="The Authorization header is malformed: send exactly one \\"Authorization: Bearer <access token>\\" header", ${RM}`,
    },
  },
  {
    name: 'Bearer plus a second scheme in one header',
    path: '/me',
    request: async () => ({ headers: [['Authorization', 'Basic YWxpY2U6c2VjcmV0, Bearer abc']] }),
    expect: { status: 400, code: 'TW_INVALID_REQUEST' },
  },
  {
    name: 'empty bearer token',
    path: '/me',
    request: async () => ({ headers: [['Authorization', 'Bearer']] }),
    expect: { status: 400, code: 'TW_INVALID_REQUEST' },
  },
  {
    name: 'bearer token with a space inside',
    path: '/me',
    request: async () => ({ headers: [['Authorization', 'Bearer abc def']] }),
    expect: { status: 400, code: 'TW_INVALID_REQUEST' },
  },
  {
    name: 'token only in the query string',
    path: '/me',
    request: async (f) => ({ query: `access_token=${await f.sign(accessClaims())}` }),
    expect: { status: 401, code: 'TW_MISSING_TOKEN' },
  },
  {
    name: 'token only in a form body',
    method: 'POST',
    path: '/me',
    request: async (f) => ({
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      body: `access_token=${await f.sign(accessClaims())}`,
    }),
    expect: { status: 401, code: 'TW_MISSING_TOKEN' },
  },

  // Shape and header
  {
    name: 'opaque token',
    path: '/me',
    request: async () => bearer('2YotnFZFEjr1zCsicMWpAA'),
    expect: { status: 401, code: 'TW_OPAQUE_TOKEN', challenge: invalid(D.opaque) },
  },
  {
    name: 'JWE-shaped token (five parts)',
    path: '/me',
    request: async () => bearer('eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d'),
    expect: { status: 401, code: 'TW_OPAQUE_TOKEN' },
  },
  {
    name: 'three parts, header not JSON',
    path: '/me',
    request: async () => bearer(`${b64('not json')}.${b64({ sub: 'a' })}.sig`),
    expect: { status: 401, code: 'TW_MALFORMED_TOKEN', challenge: invalid(D.malformed) },
  },
  {
    name: 'payload is a JSON array',
    path: '/me',
    request: async () => bearer(`${b64({ alg: 'ES256' })}.${b64([1, 2])}.sig`),
    expect: { status: 401, code: 'TW_MALFORMED_TOKEN' },
  },
  {
    name: 'token longer than maxTokenLength',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims({ pad: 'x'.repeat(9000) }))),
    expect: { status: 401, code: 'TW_MALFORMED_TOKEN' },
  },
  {
    name: 'alg none',
    path: '/me',
    request: async () => bearer(`${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(accessClaims())}.`),
    expect: { status: 401, code: 'TW_ALG_NOT_ALLOWED', challenge: invalid(D.alg) },
  },
  {
    name: 'HS256 when only asymmetric algorithms are allowed',
    path: '/me',
    request: async () => bearer(`${b64({ alg: 'HS256', kid: 'k1' })}.${b64(accessClaims())}.c2ln`),
    expect: { status: 401, code: 'TW_ALG_NOT_ALLOWED' },
  },
  {
    name: 'unknown crit header',
    path: '/me',
    request: async () =>
      bearer(`${b64({ alg: 'ES256', kid: 'k1', crit: ['exp'], exp: 1 })}.${b64(accessClaims())}.c2ln`),
    expect: { status: 401, code: 'TW_MALFORMED_TOKEN' },
  },

  // Token kinds
  {
    name: 'ID token (nonce, aud = client)',
    path: '/me',
    request: async (f) =>
      bearer(await f.sign(accessClaims({ aud: WEB_CLIENT, nonce: 'n', scope: undefined }), { typ: 'JWT' })),
    expect: { status: 401, code: 'TW_ID_TOKEN', challenge: invalid(D.id) },
  },
  {
    name: 'ID token (at_hash)',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims({ at_hash: 'x' }), { typ: undefined })),
    expect: { status: 401, code: 'TW_ID_TOKEN' },
  },
  {
    name: 'ID token (aud = azp, wrong audience)',
    path: '/me',
    request: async (f) =>
      bearer(await f.sign(accessClaims({ aud: 'spa', azp: 'spa', scope: undefined }), { typ: 'JWT' })),
    expect: { status: 401, code: 'TW_ID_TOKEN' },
  },
  {
    name: 'ID token (Keycloak typ ID)',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims({ typ: 'ID' }), { typ: 'JWT' })),
    expect: { status: 401, code: 'TW_ID_TOKEN' },
  },
  {
    name: 'ID token (Cognito token_use id)',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims({ token_use: 'id' }), { typ: undefined })),
    expect: { status: 401, code: 'TW_ID_TOKEN' },
  },
  {
    name: 'refresh token (Keycloak typ Refresh)',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims({ typ: 'Refresh' }), { typ: 'JWT' })),
    expect: { status: 401, code: 'TW_REFRESH_TOKEN', challenge: invalid(D.refresh) },
  },
  {
    name: 'refresh token (Cognito token_use refresh)',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims({ token_use: 'refresh' }), { typ: undefined })),
    expect: { status: 401, code: 'TW_REFRESH_TOKEN' },
  },
  {
    name: 'DPoP proof JWT',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims(), { typ: 'dpop+jwt' })),
    expect: { status: 401, code: 'TW_WRONG_TOKEN_TYPE', challenge: invalid(D.type) },
  },
  {
    name: 'logout token',
    path: '/me',
    request: async (f) =>
      bearer(
        await f.sign(accessClaims({ events: { 'http://schemas.openid.net/event/backchannel-logout': {} } }), {
          typ: 'logout+jwt',
        }),
      ),
    expect: { status: 401, code: 'TW_WRONG_TOKEN_TYPE' },
  },

  // Issuer styles
  {
    name: 'Keycloak access token (typ Bearer) with a copied nonce',
    path: '/me',
    request: async (f) =>
      bearer(await f.sign(accessClaims({ typ: 'Bearer', nonce: 'n', azp: 'kc' }), { typ: 'JWT' })),
    expect: { status: 200, sub: 'alice' },
  },
  {
    name: 'Auth0 default profile: typ JWT, aud array, permissions',
    path: '/any',
    request: async (f) =>
      bearer(
        await f.sign(
          accessClaims({
            aud: [AUDIENCE, 'https://tenant/userinfo'],
            azp: 'spa',
            scope: 'openid profile',
            permissions: ['x'],
            client_id: undefined,
          }),
          { typ: 'JWT' },
        ),
      ),
    expect: { status: 200, sub: 'alice' },
  },
  {
    name: 'Azure AD: scp string, no typ header',
    path: '/scoped',
    request: async (f) =>
      bearer(await f.sign(accessClaims({ scope: undefined, scp: 'read:a write:b' }), { typ: undefined })),
    expect: { status: 200, sub: 'alice' },
  },
  {
    name: 'Cognito access token (token_use access)',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims({ token_use: 'access' }), { typ: undefined })),
    expect: { status: 200, sub: 'alice' },
  },

  // Keys, issuer, claims
  {
    name: 'signature by another key with the same kid',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims(), {}, 'untrusted')),
    expect: { status: 401, code: 'TW_BAD_SIGNATURE', challenge: invalid(D.signature) },
  },
  {
    name: 'unknown kid',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims(), { kid: 'nope' })),
    expect: { status: 401, code: 'TW_BAD_SIGNATURE' },
  },
  {
    name: 'issuer not in the allow-list',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims({ iss: 'https://evil.test/' }))),
    expect: { status: 401, code: 'TW_WRONG_ISSUER', challenge: invalid(D.issuer) },
  },
  {
    name: 'issuer without its trailing slash',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims({ iss: ISSUER.slice(0, -1) }))),
    expect: { status: 401, code: 'TW_WRONG_ISSUER' },
  },
  {
    name: 'token for another API',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims({ aud: 'https://other.test' }))),
    expect: { status: 401, code: 'TW_WRONG_AUDIENCE', challenge: invalid(D.audience) },
  },
  {
    name: 'expired',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims({ exp: now - 60 }))),
    expect: { status: 401, code: 'TW_EXPIRED', challenge: invalid(D.expired) },
  },
  {
    name: 'not yet valid (nbf)',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims({ nbf: now + 600 }))),
    expect: { status: 401, code: 'TW_NOT_YET_VALID', challenge: invalid(D.early) },
  },
  {
    name: 'no exp',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims({ exp: undefined }))),
    expect: { status: 401, code: 'TW_MISSING_CLAIM', challenge: invalid(D.claim) },
  },
  {
    name: 'exp as a string',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims({ exp: 'soon' as unknown as number }))),
    expect: { status: 401, code: 'TW_MALFORMED_TOKEN' },
  },

  // Issuer down
  {
    name: 'keys never had → 503 with Retry-After, no challenge',
    keys: 'down',
    path: '/me',
    request: async (f) => bearer(await f.sign(accessClaims())),
    expect: { status: 503, code: 'TW_KEYS_UNAVAILABLE', challenge: null },
  },
  {
    name: 'keys down, public route still answers',
    keys: 'down',
    path: '/public',
    request: async () => ({}),
    expect: { status: 200 },
  },
  {
    name: 'keys down, missing token is still a 401',
    keys: 'down',
    path: '/me',
    request: async () => ({}),
    expect: { status: 401, code: 'TW_MISSING_TOKEN' },
  },
]

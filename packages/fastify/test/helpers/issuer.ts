/**
 * Test issuers: key pairs, a JWKS, and token minting with jose.
 * Time is pinned: every token is minted around NOW and every verifier gets `now`.
 */
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import type { CryptoKey, JSONWebKeySet, JWK, JWTPayload } from 'jose'

export const ISSUER = 'https://issuer.tokenward.test/'
export const AUDIENCE = 'https://api.tokenward.test'
/** 2030-01-01T00:00:00Z, in milliseconds. */
export const NOW = Date.UTC(2030, 0, 1)
export const NOW_S = NOW / 1000
export const now = (): number => NOW

/** A claim set; `undefined` removes a default claim. */
export type Claims = Record<string, unknown>
export interface Header {
  alg?: string
  kid?: string | undefined
  typ?: string | undefined
  [name: string]: unknown
}

export interface TestIssuer {
  readonly alg: string
  readonly kid: string
  readonly privateKey: CryptoKey
  readonly publicJwk: JWK
  readonly jwks: JSONWebKeySet
  /** Signs `claims` over the defaults (iss, aud, sub, iat, exp, scope). */
  sign(claims?: Claims, header?: Header): Promise<string>
}

export function defaultClaims(): Claims {
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    iat: NOW_S - 60,
    exp: NOW_S + 3600,
    scope: 'read:a',
  }
}

function clean<T extends Record<string, unknown>>(record: T): T {
  const copy: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(record)) if (value !== undefined) copy[key] = value
  return copy as T
}

export async function signWith(
  privateKey: CryptoKey | Uint8Array,
  claims: Claims,
  header: Header,
): Promise<string> {
  return new SignJWT(clean(claims) as JWTPayload)
    .setProtectedHeader(clean(header) as { alg: string })
    .sign(privateKey)
}

export async function createIssuer(alg = 'ES256', kid = `${alg.toLowerCase()}-key`): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }
  return {
    alg,
    kid,
    privateKey,
    publicJwk,
    jwks: { keys: [publicJwk] },
    sign: (claims = {}, header = {}) =>
      signWith(privateKey, { ...defaultClaims(), ...claims }, { alg, kid, typ: 'JWT', ...header }),
  }
}

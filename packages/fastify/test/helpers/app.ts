/**
 * Fastify apps with the plugin, and the assertion every refusal test uses:
 * status, JSON body (`statusCode`, `code`, `error`, `message`) and the
 * challenge headers, together.
 */
import Fastify from 'fastify'
import type { FastifyInstance, FastifyServerOptions, LightMyRequestResponse } from 'fastify'
import { errorCodes } from '@tokenward/core'
import type { TokenwardErrorCode } from '@tokenward/core'
import tokenward from '@tokenward/fastify'
import type { TokenwardFastifyOptions } from '@tokenward/fastify'
import { AUDIENCE, ISSUER, now } from './issuer.js'
import type { TestIssuer } from './issuer.js'

export const REALM = 'api'

/** Status and RFC 6750 `error` per code, as written in DESIGN.md's table. */
export const TABLE: Record<TokenwardErrorCode, { status: number; error?: string }> = {
  TW_MISSING_TOKEN: { status: 401 },
  TW_INVALID_REQUEST: { status: 400, error: 'invalid_request' },
  TW_MALFORMED_TOKEN: { status: 401, error: 'invalid_token' },
  TW_OPAQUE_TOKEN: { status: 401, error: 'invalid_token' },
  TW_ID_TOKEN: { status: 401, error: 'invalid_token' },
  TW_REFRESH_TOKEN: { status: 401, error: 'invalid_token' },
  TW_WRONG_TOKEN_TYPE: { status: 401, error: 'invalid_token' },
  TW_ALG_NOT_ALLOWED: { status: 401, error: 'invalid_token' },
  TW_BAD_SIGNATURE: { status: 401, error: 'invalid_token' },
  TW_WRONG_ISSUER: { status: 401, error: 'invalid_token' },
  TW_WRONG_AUDIENCE: { status: 401, error: 'invalid_token' },
  TW_EXPIRED: { status: 401, error: 'invalid_token' },
  TW_NOT_YET_VALID: { status: 401, error: 'invalid_token' },
  TW_MISSING_CLAIM: { status: 401, error: 'invalid_token' },
  TW_INSUFFICIENT_SCOPE: { status: 403, error: 'insufficient_scope' },
  TW_KEYS_UNAVAILABLE: { status: 503 },
}

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  503: 'Service Unavailable',
}

/** The challenge expected for `code` (realm "api", no resource metadata). */
export function expectedChallenge(code: TokenwardErrorCode, scope?: string): string | undefined {
  const { status, error } = TABLE[code]
  if (status === 503) return undefined
  if (error === undefined) return `Bearer realm="${REALM}"`
  const description = errorCodes[code].description.replace(/["\\]/g, '\\$&')
  return (
    `Bearer realm="${REALM}", error="${error}", error_description="${description}"` +
    (scope === undefined ? '' : `, scope="${scope}"`)
  )
}

export interface RefusalResponse {
  readonly statusCode: number
  readonly headers: Record<string, string | string[] | number | undefined>
  json(): unknown
}

interface Tap {
  equal(found: unknown, wanted: unknown, message?: string): unknown
  same(found: unknown, wanted: unknown, message?: string): unknown
  match(found: unknown, wanted: unknown, message?: string): unknown
  notOk(found: unknown, message?: string): unknown
}

/** Asserts status, body and headers of a refusal together. */
export function assertRefusal(
  t: Tap,
  res: RefusalResponse | LightMyRequestResponse,
  code: TokenwardErrorCode,
  { scope, message }: { scope?: string; message?: string } = {},
): void {
  const { status } = TABLE[code]
  const prefix = message === undefined ? code : `${message}: ${code}`
  t.same(
    { status: res.statusCode, body: res.json(), challenge: res.headers['www-authenticate'] },
    {
      status,
      body: { statusCode: status, code, error: REASON[status], message: errorCodes[code].description },
      challenge: expectedChallenge(code, scope),
    },
    prefix,
  )
  if (status === 503) {
    t.match(res.headers['retry-after'], /^[1-9]\d*$/, `${prefix}: Retry-After is a positive number of seconds`)
  } else {
    t.notOk(res.headers['retry-after'], `${prefix}: no Retry-After`)
  }
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` }
}

/** Plugin options for `issuer` with static keys and pinned time. */
export function pluginOptions(
  issuer: TestIssuer | { jwks: TestIssuer['jwks'] },
  extra: Partial<TokenwardFastifyOptions> = {},
): TokenwardFastifyOptions {
  return { issuer: ISSUER, audience: AUDIENCE, jwks: issuer.jwks, realm: REALM, now, ...extra }
}

/**
 * An app with the plugin at the root and a `/me` route echoing the principal
 * (and `/scoped`, `/any`, `/public`, `/optional`).
 */
export async function buildApp(
  options: TokenwardFastifyOptions,
  fastifyOptions: FastifyServerOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify(fastifyOptions)
  await app.register(tokenward, options)
  app.get('/me', async (request) => principalView(request.auth))
  app.get('/scoped', { config: { auth: { scopes: ['read:a', 'write:a'] } } }, async () => ({ ok: true }))
  app.get('/any', { config: { auth: { anyScope: ['read:b', 'admin'] } } }, async () => ({ ok: true }))
  app.get('/public', { config: { auth: false } }, async (request) => ({ auth: request.auth }))
  app.get('/optional', { config: { auth: { optional: true } } }, async (request) => ({
    auth: request.auth === null ? null : request.auth.sub,
  }))
  await app.ready()
  return app
}

/** A JSON view of a principal (sets and dates made plain). */
export function principalView(principal: import('@tokenward/core').AccessTokenPrincipal | null): unknown {
  if (principal === null) return null
  return {
    sub: principal.sub,
    scopes: [...principal.scopes].sort(),
    issuer: principal.issuer,
    audience: principal.audience,
    clientId: principal.clientId ?? null,
    expiresAt: principal.expiresAt.toISOString(),
    claims: principal.claims,
    hasToken: typeof principal.token === 'string' && principal.token.length > 0,
  }
}

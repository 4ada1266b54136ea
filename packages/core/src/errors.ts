/**
 * Every refusal tokenward makes is a {@link TokenwardError} with a stable `code`.
 *
 * The `message` of the error is the client-facing description: it is fixed per
 * code, never echoes the token and never carries a library's internal message.
 * The underlying jose error, when there is one, is kept as `cause` for logs.
 */
import { challengeFor } from './challenge.js'
import type { ChallengeContext } from './challenge.js'

/** The RFC 6750 `error` value sent in the challenge, when the status has one. */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope'

interface CodeSpec {
  readonly statusCode: 400 | 401 | 403 | 503
  readonly error?: BearerErrorCode
  readonly description: string
}

/**
 * The table of DESIGN.md, "Errors and responses": status, RFC 6750 error and
 * the fixed description for each code.
 */
export const errorCodes = {
  TW_MISSING_TOKEN: { statusCode: 401, description: 'An access token is required' },
  TW_INVALID_REQUEST: {
    statusCode: 400,
    error: 'invalid_request',
    description:
      'The Authorization header is malformed: send exactly one "Authorization: Bearer <access token>" header',
  },
  TW_MALFORMED_TOKEN: {
    statusCode: 401,
    error: 'invalid_token',
    description: 'The access token is malformed: it is not a well-formed JWT',
  },
  TW_OPAQUE_TOKEN: {
    statusCode: 401,
    error: 'invalid_token',
    description:
      'The access token is not a JWT (an opaque or encrypted token); this API needs a JWT access token issued for its audience (with Auth0, request an audience)',
  },
  TW_ID_TOKEN: {
    statusCode: 401,
    error: 'invalid_token',
    description:
      'An ID token was sent; this API needs an access token issued for its audience, not the ID token meant for the client application',
  },
  TW_REFRESH_TOKEN: {
    statusCode: 401,
    error: 'invalid_token',
    description:
      'A refresh token was sent; exchange it at the authorization server and send the access token instead',
  },
  TW_WRONG_TOKEN_TYPE: {
    statusCode: 401,
    error: 'invalid_token',
    description: 'The token is a JWT of another kind, not an access token',
  },
  TW_ALG_NOT_ALLOWED: {
    statusCode: 401,
    error: 'invalid_token',
    description: 'The access token is signed with an algorithm this API does not accept',
  },
  TW_BAD_SIGNATURE: {
    statusCode: 401,
    error: 'invalid_token',
    description: 'The access token signature is invalid or its signing key is unknown',
  },
  TW_WRONG_ISSUER: {
    statusCode: 401,
    error: 'invalid_token',
    description: 'The access token was issued by an issuer this API does not trust',
  },
  TW_WRONG_AUDIENCE: {
    statusCode: 401,
    error: 'invalid_token',
    description: 'The access token was issued for another audience, not for this API',
  },
  TW_EXPIRED: { statusCode: 401, error: 'invalid_token', description: 'The access token expired' },
  TW_NOT_YET_VALID: {
    statusCode: 401,
    error: 'invalid_token',
    description: 'The access token is not valid yet',
  },
  TW_MISSING_CLAIM: {
    statusCode: 401,
    error: 'invalid_token',
    description: 'The access token lacks a required claim',
  },
  TW_INSUFFICIENT_SCOPE: {
    statusCode: 403,
    error: 'insufficient_scope',
    description: 'The access token lacks the scope this request needs',
  },
  TW_KEYS_UNAVAILABLE: {
    statusCode: 503,
    description: "The issuer's signing keys are unavailable; try again later",
  },
} as const satisfies Record<string, CodeSpec>

/** Every stable code tokenward refuses a request with. */
export type TokenwardErrorCode = keyof typeof errorCodes

/** Extra context for building an error: the challenge parameters and the cause. */
export interface TokenwardErrorInit extends ChallengeContext {
  /** The error that led to this one (usually jose's), kept for logs only. */
  readonly cause?: unknown
  /** Scopes the request needed (`TW_INSUFFICIENT_SCOPE`); listed in the challenge. */
  readonly scope?: readonly string[]
  /** Seconds after which a retry makes sense (`TW_KEYS_UNAVAILABLE`); default (and when not finite) 30. */
  readonly retryAfter?: number
}

/** A refusal: HTTP status, RFC 6750 error, fixed description and challenge headers. */
export class TokenwardError extends Error {
  override readonly name = 'TokenwardError'
  /** Stable code from the DESIGN.md table. */
  readonly code: TokenwardErrorCode
  /** HTTP status code to answer with. */
  readonly statusCode: number
  /** Same as `statusCode`, for Express and http-errors conventions. */
  readonly status: number
  /** RFC 6750 error code (`invalid_token` …), absent for 401 without credentials and for 503. */
  readonly error: BearerErrorCode | undefined
  /** Response headers to send: `WWW-Authenticate`, and `Retry-After` on 503. */
  readonly headers: Readonly<Record<string, string>>
  /** The scopes the request needed, on `TW_INSUFFICIENT_SCOPE`. */
  readonly scope: readonly string[] | undefined
  /** Marks the error as safe to show to the client (http-errors convention). */
  readonly expose = true

  constructor(code: TokenwardErrorCode, init: TokenwardErrorInit = {}) {
    const spec: CodeSpec = errorCodes[code]
    super(spec.description, init.cause === undefined ? undefined : { cause: init.cause })
    this.code = code
    this.statusCode = spec.statusCode
    this.status = spec.statusCode
    this.error = spec.error
    this.scope = init.scope
    const headers: Record<string, string> = {}
    if (spec.statusCode === 503) {
      const retryAfter = Number.isFinite(init.retryAfter) ? (init.retryAfter as number) : 30
      headers['Retry-After'] = String(Math.max(1, Math.ceil(retryAfter)))
    } else {
      headers['WWW-Authenticate'] = challengeFor(spec.error, spec.description, init)
    }
    this.headers = Object.freeze(headers)
  }
}

/** True when `value` is a {@link TokenwardError} (also across package copies). */
export function isTokenwardError(value: unknown): value is TokenwardError {
  return (
    value instanceof TokenwardError ||
    (value instanceof Error &&
      value.name === 'TokenwardError' &&
      Object.hasOwn(errorCodes, String((value as Error & { code?: unknown }).code)))
  )
}

/**
 * Bearer token extraction from the `Authorization` header (RFC 6750 §2.1).
 *
 * Only `Authorization: Bearer <token68>` is read: the scheme is
 * case-insensitive, separated from the token by one or more spaces (`1*SP`).
 * Tokens in the query string or the body are never looked at.
 */
import { TokenwardError } from './errors.js'
import type { ChallengeContext } from './challenge.js'

/** `Bearer` + 1*SP + token68 (RFC 9110 §11.2): the only accepted form. */
export const BEARER_CREDENTIALS = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i
/** A header that starts with the Bearer scheme, whatever follows. */
const BEARER_SCHEME = /^bearer(?:[\s,]|$)/i
/** A Bearer scheme anywhere in a list of challenges/credentials. */
const BEARER_IN_LIST = /(?:^|,)\s*bearer(?:[\s,]|$)/i

/**
 * Returns the bearer token of an `Authorization` header value.
 *
 * - no header, an empty one, or credentials of another scheme only →
 *   `TW_MISSING_TOKEN` (401 with a bare challenge, RFC 6750 §3.1);
 * - two headers, a Bearer plus a second scheme, an empty or malformed bearer
 *   token → `TW_INVALID_REQUEST` (400).
 *
 * @param authorization the header as Node gives it; pass `headersDistinct`
 *   (an array) so that duplicated headers are seen.
 */
export function extractBearerToken(
  authorization: string | readonly string[] | undefined,
  context: ChallengeContext = {},
): string {
  let value: string | undefined
  if (typeof authorization === 'string') value = authorization
  else if (Array.isArray(authorization)) {
    if (authorization.length > 1) throw new TokenwardError('TW_INVALID_REQUEST', context)
    value = authorization[0]
  }
  if (value === undefined) throw new TokenwardError('TW_MISSING_TOKEN', context)
  const header = value.trim()
  if (header === '') throw new TokenwardError('TW_MISSING_TOKEN', context)
  const match = BEARER_CREDENTIALS.exec(header)
  if (match !== null) return match[1] as string
  if (BEARER_SCHEME.test(header) || BEARER_IN_LIST.test(header)) {
    throw new TokenwardError('TW_INVALID_REQUEST', context)
  }
  throw new TokenwardError('TW_MISSING_TOKEN', context)
}

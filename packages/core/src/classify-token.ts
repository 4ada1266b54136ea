/**
 * What kind of token is this? Shape (JWS, JWE, opaque), header checks and the
 * "Token kind" rules of DESIGN.md: ID tokens, refresh tokens and other typed
 * JWTs are refused with a code that tells the caller what they sent.
 *
 * These checks run on the *unverified* token, before any key is looked up:
 * they only ever refuse, never accept, so a forged header gains nothing.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose'
import type { JWTPayload, ProtectedHeaderParameters } from 'jose'
import { TokenwardError } from './errors.js'
import type { ChallengeContext } from './challenge.js'

/** The decoded, not yet verified parts of a compact JWS. */
export interface DecodedToken {
  readonly header: ProtectedHeaderParameters
  readonly payload: JWTPayload
}

/** What {@link classifyToken} needs from the verifier's options. */
export interface ClassifyOptions extends ChallengeContext {
  readonly algorithms: readonly string[]
  readonly profile: 'rfc9068' | 'jwt'
  readonly clientIds: ReadonlySet<string>
}

const BASE64URL = /^[A-Za-z0-9_-]+$/
const OIDC_ONLY_CLAIMS = ['at_hash', 'c_hash', 's_hash'] as const
const PROFILE_CLAIMS = [
  'name',
  'given_name',
  'family_name',
  'nickname',
  'preferred_username',
  'email',
  'picture',
] as const

/** `typ` is case-insensitive and may omit `application/` (RFC 7515 §4.1.9). */
export function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase()
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower
}

/**
 * Splits and decodes a compact JWS. Anything that is not three dot-separated
 * parts is an opaque token (a JWE has five) → `TW_OPAQUE_TOKEN`; three parts
 * whose header or payload is not base64url of a JSON object, or a token longer
 * than `maxTokenLength`, → `TW_MALFORMED_TOKEN`.
 */
export function decodeToken(
  token: string,
  maxTokenLength: number,
  context: ChallengeContext = {},
): DecodedToken {
  if (token.length > maxTokenLength) throw new TokenwardError('TW_MALFORMED_TOKEN', context)
  const first = token.indexOf('.')
  const second = first === -1 ? -1 : token.indexOf('.', first + 1)
  if (second === -1 || token.indexOf('.', second + 1) !== -1) {
    throw new TokenwardError('TW_OPAQUE_TOKEN', context)
  }
  const signature = token.slice(second + 1)
  if (
    !BASE64URL.test(token.slice(0, first)) ||
    !BASE64URL.test(token.slice(first + 1, second)) ||
    (signature !== '' && !BASE64URL.test(signature))
  ) {
    throw new TokenwardError('TW_MALFORMED_TOKEN', context)
  }
  try {
    return { header: decodeProtectedHeader(token), payload: decodeJwt(token) }
  } catch (cause) {
    throw new TokenwardError('TW_MALFORMED_TOKEN', { ...context, cause })
  }
}

function lower(value: unknown): string | undefined {
  return typeof value === 'string' ? value.toLowerCase() : undefined
}

function audiences(payload: JWTPayload): string[] {
  const { aud } = payload
  if (typeof aud === 'string') return [aud]
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : []
}

/**
 * Applies the token-kind rules, then the header rules (algorithm allow-list,
 * `crit`, `typ` per profile). Throws the refusal, or returns when the token
 * may be an access token.
 */
export function classifyToken(decoded: DecodedToken, options: ClassifyOptions): void {
  const { header, payload } = decoded
  const refuse = (code: 'TW_ID_TOKEN' | 'TW_REFRESH_TOKEN' | 'TW_WRONG_TOKEN_TYPE'): never => {
    throw new TokenwardError(code, options)
  }

  const headerTyp = typeof header.typ === 'string' ? normalizeTyp(header.typ) : undefined
  if (header.typ !== undefined && headerTyp === undefined) {
    throw new TokenwardError('TW_MALFORMED_TOKEN', options)
  }
  const payloadTyp = lower(payload.typ)
  const tokenUse = lower(payload.token_use)

  if (headerTyp === 'id_token+jwt' || payloadTyp === 'id' || tokenUse === 'id') refuse('TW_ID_TOKEN')
  if (payloadTyp === 'refresh' || payloadTyp === 'offline' || tokenUse === 'refresh') {
    refuse('TW_REFRESH_TOKEN')
  }
  if (headerTyp !== undefined && headerTyp !== 'at+jwt' && headerTyp !== 'jwt') {
    refuse('TW_WRONG_TOKEN_TYPE')
  }
  // Security event tokens (back-channel logout, RFC 8417) carry `events`.
  if (payload.events !== undefined) refuse('TW_WRONG_TOKEN_TYPE')
  if (OIDC_ONLY_CLAIMS.some((claim) => payload[claim] !== undefined)) refuse('TW_ID_TOKEN')
  const markedAccess = headerTyp === 'at+jwt' || payloadTyp === 'bearer' || tokenUse === 'access'
  if (payload.nonce !== undefined && !markedAccess) refuse('TW_ID_TOKEN')
  if (options.clientIds.size > 0 && audiences(payload).some((aud) => options.clientIds.has(aud))) {
    refuse('TW_ID_TOKEN')
  }
  // The kind is told before the algorithm: an ID token signed HS256 with the
  // client secret is refused as what it is, an ID token.
  if (typeof header.alg !== 'string' || !options.algorithms.includes(header.alg)) {
    throw new TokenwardError('TW_ALG_NOT_ALLOWED', options)
  }
  // tokenward understands no JWS extension, so any `crit` is unknown (RFC 7515 §4.1.11).
  if (header.crit !== undefined) throw new TokenwardError('TW_MALFORMED_TOKEN', options)
  if (options.profile === 'rfc9068' && headerTyp !== 'at+jwt') refuse('TW_WRONG_TOKEN_TYPE')
}

/**
 * After the audience check failed: does the token look like an ID token (one
 * audience equal to `azp`, or profile claims and no scope claim)? Then the
 * caller is told `TW_ID_TOKEN` rather than `TW_WRONG_AUDIENCE`.
 */
export function looksLikeIdToken(payload: JWTPayload, scopeClaims: readonly string[]): boolean {
  const aud = audiences(payload)
  if (aud.length === 1 && typeof payload.azp === 'string' && aud[0] === payload.azp) return true
  const hasScope = scopeClaims.some((claim) => payload[claim] !== undefined)
  return !hasScope && PROFILE_CLAIMS.some((claim) => payload[claim] !== undefined)
}

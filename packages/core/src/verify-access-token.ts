/**
 * The verifier: the pipeline of DESIGN.md, "What is checked, in order".
 *
 *   extract → shape → header → token kind → issuer → key → signature → claims
 *
 * Every step refuses with its own `TokenwardError` code. Signatures, key sets
 * and registered claims are jose's work; tokenward decides which checks apply
 * and what the caller is told. Not checked here: revocation (a JWT stays valid
 * until `exp`), sender constraints (DPoP, mTLS) and opaque-token introspection.
 */
import { errors, jwtVerify } from 'jose'
import type { CryptoKey, JWTPayload, JWTVerifyOptions, KeyObject } from 'jose'
import type { ChallengeContext } from './challenge.js'
import { classifyToken, decodeToken, looksLikeIdToken } from './classify-token.js'
import type { DecodedToken } from './classify-token.js'
import { TokenwardError } from './errors.js'
import type { TokenwardErrorCode } from './errors.js'
import { BEARER_CREDENTIALS, extractBearerToken } from './extract-token.js'
import { RemoteKeySet, SecretKeySet, StaticKeySet } from './key-sets.js'
import type { KeySet, KeySetListener } from './key-sets.js'
import { normalizeOptions } from './options.js'
import type { NormalizedOptions, VerifierOptions } from './options.js'
import { readScopes, requireScopes } from './scopes.js'
import type { ScopeRequirement } from './scopes.js'
import { TokenCache } from './token-cache.js'
import { deepFreeze, FrozenSet } from './lib/freeze.js'

/**
 * Custom claims of your tokens, for `principal.claims`. Merge into it:
 * `declare module '@tokenward/core' { interface TokenwardClaims { tenant: string } }`
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TokenwardClaims {}

/** What route handlers get for a verified access token. */
export interface AccessTokenPrincipal {
  readonly sub: string
  /** The union of the scopes found in the configured scope claims. */
  readonly scopes: ReadonlySet<string>
  readonly issuer: string
  readonly audience: readonly string[]
  /** `client_id`, else `azp`. */
  readonly clientId?: string
  readonly expiresAt: Date
  /** Every claim of the token, for custom checks. */
  readonly claims: Readonly<JWTPayload & Partial<TokenwardClaims>>
  /** The raw bearer token (for forwarding it downstream; never log it). */
  readonly token: string
}

/** The request parts the verifier reads; or pass the bare token string. */
export interface VerifiableRequest {
  /** The `Authorization` header(s); an array when the header was sent more than once. */
  readonly authorization?: string | readonly string[] | undefined
  readonly dpop?: string | readonly string[] | undefined
  readonly method?: string | undefined
  readonly url?: string | undefined
}

/** Hooks for adapters; not options, so that core stays framework- and logger-free. */
export interface VerifierHooks {
  /** Key-set events (fetched, fetch failed, serving stale keys), for logging. */
  readonly onKeySetEvent?: KeySetListener
}

/** Verifies bearer access tokens against one configuration. */
export interface Verifier {
  /** The options after normalisation (frozen, defaults filled). */
  readonly options: NormalizedOptions
  /** The challenge parameters of this verifier (`realm`, `resource_metadata`). */
  readonly challenge: ChallengeContext
  /**
   * Verifies the request's bearer token (or a bare token string) and returns
   * its principal.
   *
   * @throws {TokenwardError} with the code of the first failed check.
   */
  verify(request: VerifiableRequest | string): Promise<AccessTokenPrincipal>
  /**
   * The principal of a token that was verified before and is still cached and
   * valid, synchronously; `undefined` otherwise (then call {@link verify},
   * which also says why a token is refused). Throws only if the `now` option
   * does. This is the hot path of the adapters: no promise, no crypto, no
   * parsing.
   */
  cached(authorization: string | readonly string[] | undefined): AccessTokenPrincipal | undefined
  /** {@link requireScopes} with this verifier's challenge parameters. */
  requireScopes(principal: AccessTokenPrincipal, requirement: ScopeRequirement): void
  /** Fetches every issuer's keys now; rejects with `TW_KEYS_UNAVAILABLE` when one cannot be had. */
  ready(): Promise<void>
  /** Aborts key fetches in flight and empties the cache. */
  close(): void
}

const REGISTERED_TIME_CLAIMS = ['exp', 'nbf', 'iat'] as const

/** `aud` of the right type (RFC 7519 §4.1.3): a string or an array of strings. */
function isAudience(aud: unknown): boolean {
  return typeof aud === 'string' || (Array.isArray(aud) && aud.every((item) => typeof item === 'string'))
}

function codeForJoseError(error: unknown): TokenwardErrorCode {
  if (error instanceof errors.JWTExpired) return 'TW_EXPIRED'
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return 'TW_MISSING_CLAIM'
    if (error.reason === 'invalid') return 'TW_MALFORMED_TOKEN'
    switch (error.claim) {
      case 'aud':
        return 'TW_WRONG_AUDIENCE'
      case 'iss':
        return 'TW_WRONG_ISSUER'
      case 'nbf':
      case 'iat':
        return 'TW_NOT_YET_VALID'
      case 'typ':
        return 'TW_WRONG_TOKEN_TYPE'
      default:
        return 'TW_MALFORMED_TOKEN'
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'TW_ALG_NOT_ALLOWED'
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'TW_BAD_SIGNATURE'
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSInvalid)
    return 'TW_BAD_SIGNATURE'
  return 'TW_MALFORMED_TOKEN'
}

function createKeySets(
  options: NormalizedOptions,
  hooks: VerifierHooks,
  challenge: ChallengeContext,
): Map<string, KeySet> {
  const remote = (issuer: string, jwksUri: string | undefined): KeySet =>
    new RemoteKeySet({
      issuer,
      jwksUri,
      keys: options.keys,
      now: options.now,
      listener: hooks.onKeySetEvent,
      challenge,
    })
  // Given keys (secret, jwks, jwksUri) serve every issuer; otherwise each issuer discovers its own.
  let shared: KeySet | undefined
  if (options.secret !== undefined) shared = new SecretKeySet(options.secret)
  else if (options.jwks !== undefined) shared = new StaticKeySet(options.jwks, challenge)
  else if (options.jwksUri !== undefined) shared = remote(options.issuers.join(' '), options.jwksUri)
  return new Map(options.issuers.map((issuer) => [issuer, shared ?? remote(issuer, undefined)]))
}

/**
 * Creates a verifier. Options are validated now.
 *
 * @throws {TypeError} naming the first bad option.
 */
export function createVerifier(options: VerifierOptions, hooks: VerifierHooks = {}): Verifier {
  const config = normalizeOptions(options)
  const challenge: ChallengeContext = Object.freeze({
    realm: config.realm,
    resourceMetadata: config.resourceMetadata,
  })
  const keySets = createKeySets(config, hooks, challenge)
  const cache = config.cache === false ? undefined : new TokenCache<AccessTokenPrincipal>(config.cache.max)
  const requiredClaims =
    config.profile === 'rfc9068' ? ['exp', 'sub', 'client_id', 'iat', 'jti'] : ['exp', 'sub']
  const tolerance = config.clockTolerance * 1000

  const classifyOptions = Object.freeze({
    ...challenge,
    algorithms: config.algorithms,
    profile: config.profile,
    clientIds: config.clientIds,
  })
  const algorithms = [...config.algorithms]
  const audience = [...config.audiences]
  const refuse = (code: TokenwardErrorCode, cause?: unknown): never => {
    throw new TokenwardError(code, { ...challenge, cause })
  }

  const verifySignatureAndClaims = async (
    token: string,
    decoded: DecodedToken,
    keySet: KeySet,
    issuer: string,
  ): Promise<JWTPayload> => {
    const verifyOptions: JWTVerifyOptions = {
      algorithms,
      issuer,
      audience,
      clockTolerance: config.clockTolerance,
      currentDate: new Date(config.now()),
      requiredClaims,
      ...(config.maxTokenAge === undefined ? {} : { maxTokenAge: config.maxTokenAge }),
    }
    try {
      return (await jwtVerify(token, (header, jws) => keySet.getKey(header, jws), verifyOptions)).payload
    } catch (error) {
      if (error instanceof TokenwardError) throw error
      if (error instanceof errors.JWKSMultipleMatchingKeys) {
        return verifyWithCandidates(token, decoded, error, verifyOptions)
      }
      return refuseJoseError(error, decoded)
    }
  }

  /** A jose error as a refusal; an audience failure of what looks like an ID token is `TW_ID_TOKEN`. */
  const refuseJoseError = (error: unknown, decoded: DecodedToken): never => {
    if (
      error instanceof errors.JWTClaimValidationFailed &&
      error.claim === 'aud' &&
      error.reason === 'check_failed'
    ) {
      if (!isAudience(decoded.payload.aud)) refuse('TW_MALFORMED_TOKEN', error)
      refuse(
        looksLikeIdToken(decoded.payload, config.scopeClaims) ? 'TW_ID_TOKEN' : 'TW_WRONG_AUDIENCE',
        error,
      )
    }
    return refuse(codeForJoseError(error), error)
  }

  /** A token without `kid` and several keys that fit: try each (jose's documented pattern). */
  const verifyWithCandidates = async (
    token: string,
    decoded: DecodedToken,
    candidates: errors.JWKSMultipleMatchingKeys,
    verifyOptions: JWTVerifyOptions,
  ): Promise<JWTPayload> => {
    let last: unknown = candidates
    for await (const key of candidates as unknown as AsyncIterable<CryptoKey | KeyObject>) {
      try {
        return (await jwtVerify(token, key, verifyOptions)).payload
      } catch (error) {
        last = error
        if (!(error instanceof errors.JWSSignatureVerificationFailed)) break
      }
    }
    return refuseJoseError(last, decoded)
  }

  const principalOf = (token: string, payload: JWTPayload, issuer: string): AccessTokenPrincipal => {
    const { aud } = payload
    const audience = Object.freeze(typeof aud === 'string' ? [aud] : [...(aud as string[])])
    const clientId =
      typeof payload.client_id === 'string'
        ? payload.client_id
        : typeof payload.azp === 'string'
          ? payload.azp
          : undefined
    return Object.freeze({
      sub: payload.sub as string,
      scopes: new FrozenSet(readScopes(payload, config.scopeClaims, challenge)),
      issuer,
      audience,
      ...(clientId === undefined ? {} : { clientId }),
      expiresAt: new Date((payload.exp as number) * 1000),
      claims: deepFreeze(payload),
      token,
    })
  }

  const checkTimes = (payload: JWTPayload): { validFrom: number; validUntil: number } => {
    for (const claim of REGISTERED_TIME_CLAIMS) {
      const value = payload[claim]
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value)))
        refuse('TW_MALFORMED_TOKEN')
    }
    if (!isAudience(payload.aud) || (payload.jti !== undefined && typeof payload.jti !== 'string')) {
      refuse('TW_MALFORMED_TOKEN')
    }
    // jose's requiredClaims already refused a missing `sub`: here it has the wrong type or is empty.
    if (typeof payload.sub !== 'string' || payload.sub === '') refuse('TW_MALFORMED_TOKEN')
    const now = config.now()
    // jose checks `iat` against the clock only with maxTokenAge; DESIGN.md wants it always.
    if (payload.iat !== undefined && payload.iat * 1000 > now + tolerance) refuse('TW_NOT_YET_VALID')
    const validFrom = Math.max(payload.nbf ?? -Infinity, payload.iat ?? -Infinity) * 1000 - tolerance
    // An `exp` beyond what a Date holds (1e300) would hand handlers an Invalid Date.
    if (Number.isNaN(new Date((payload.exp as number) * 1000).getTime())) refuse('TW_MALFORMED_TOKEN')
    const exp = (payload.exp as number) * 1000 + tolerance
    const maxAge =
      config.maxTokenAge === undefined
        ? Infinity
        : (payload.iat as number) * 1000 + config.maxTokenAge * 1000 + tolerance
    return { validFrom, validUntil: Math.min(exp, maxAge) }
  }

  const verifyToken = async (token: string): Promise<AccessTokenPrincipal> => {
    const decoded = decodeToken(token, config.maxTokenLength, challenge)
    classifyToken(decoded, classifyOptions)
    const { iss } = decoded.payload
    const keySet = typeof iss === 'string' ? keySets.get(iss) : undefined
    if (keySet === undefined) {
      return refuse(
        iss === undefined
          ? 'TW_MISSING_CLAIM'
          : typeof iss === 'string'
            ? 'TW_WRONG_ISSUER'
            : 'TW_MALFORMED_TOKEN',
      )
    }
    const issuer = iss as string
    const payload = await verifySignatureAndClaims(token, decoded, keySet, issuer)
    const { validFrom, validUntil } = checkTimes(payload)
    const principal = principalOf(token, payload, issuer)
    cache?.set(token, {
      principal,
      validFrom,
      validUntil,
      keySet,
      kid: typeof decoded.header.kid === 'string' ? decoded.header.kid : undefined,
      keysVersion: keySet.version,
    })
    return principal
  }

  return {
    options: config,
    challenge,
    async verify(request) {
      const token =
        typeof request === 'string' ? request : extractBearerToken(request.authorization, challenge)
      if (token === '') refuse('TW_MISSING_TOKEN')
      if (token.length > config.maxTokenLength) refuse('TW_MALFORMED_TOKEN')
      if (cache !== undefined) {
        const hit = cache.get(token, config.now())
        if (hit !== undefined) return hit
      }
      try {
        return await verifyToken(token)
      } catch (error) {
        // Whatever went wrong, the caller gets a typed refusal, never a 500.
        if (error instanceof TokenwardError) throw error
        return refuse('TW_MALFORMED_TOKEN', error)
      }
    },
    cached(authorization) {
      if (cache === undefined || typeof authorization !== 'string') return undefined
      const match = BEARER_CREDENTIALS.exec(authorization)
      return match === null ? undefined : cache.get(match[1] as string, config.now())
    },
    requireScopes(principal, requirement) {
      requireScopes(principal, requirement, challenge)
    },
    async ready() {
      await Promise.all([...new Set(keySets.values())].map((keySet) => keySet.ready()))
    },
    close() {
      for (const keySet of new Set(keySets.values())) keySet.close()
      cache?.clear()
    },
  }
}

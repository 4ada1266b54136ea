/**
 * Verifier options: the public shape, and their normalisation into a frozen
 * object with every default filled. Bad input throws a `TypeError` naming the
 * option, at start-up, so that a typo never silently disables a check.
 */
import type { JSONWebKeySet } from 'jose'

/** Asymmetric JWS algorithms accepted by default. */
export const ASYMMETRIC_ALGORITHMS: readonly string[] = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
])

/** HMAC algorithms, accepted only together with `secret`. */
export const HMAC_ALGORITHMS: readonly string[] = Object.freeze(['HS256', 'HS384', 'HS512'])

/** Key-set behaviour, in milliseconds as jose counts them. */
export interface KeySetOptions {
  /** Timeout (in milliseconds) of one key-set or discovery fetch. Default is 5000. */
  timeoutDuration?: number
  /**
   * Minimum time (in milliseconds) between two fetches of the same key set,
   * whatever triggers them (an unknown `kid`, a failure). Default is 30000.
   */
  cooldownDuration?: number
  /**
   * How long (in milliseconds) fetched keys are used before they are fetched
   * again. A `Cache-Control: max-age` of the issuer's answer is honoured, kept
   * between `cooldownDuration` and this value. Default is 600000 (10 minutes).
   */
  cacheMaxAge?: number
  /**
   * How long (in milliseconds) after the last good fetch the keys keep being
   * used while the issuer fails to answer. Default is 43200000 (12 hours).
   */
  staleIfErrorDuration?: number
}

/** Options of {@link createVerifier}, shared by every adapter. */
export interface VerifierOptions {
  /** Exact `iss` allow-list. Keys are never fetched for any other issuer. Required. */
  issuer: string | readonly string[]
  /** This API's identifier(s); the token's `aud` must contain one. Required. */
  audience: string | readonly string[]
  /**
   * The issuers' JWKS URL, skipping discovery. Applies to every listed issuer
   * (they then share one key set). Default: discovered per issuer from
   * `/.well-known/openid-configuration`, then `/.well-known/oauth-authorization-server`.
   */
  jwksUri?: string
  /** Static keys for every listed issuer; no network. */
  jwks?: JSONWebKeySet
  /**
   * JWS algorithm allow-list. `none` is refused at start-up; `HS*` only with
   * `secret`. Default: every asymmetric algorithm (RS*, PS*, ES*, EdDSA), or
   * HS256/384/512 when `secret` is set.
   */
  algorithms?: readonly string[]
  /**
   * Shared HMAC key for `HS*` tokens (internal services). When set, the
   * verifier uses this key only: it cannot be combined with `jwks` or `jwksUri`.
   */
  secret?: string | Uint8Array
  /** Leeway (in seconds) for `exp`, `nbf` and `iat`. Default is 5. */
  clockTolerance?: number
  /** Tokens whose `iat` is older than this (in seconds) are refused. Default: no limit. */
  maxTokenAge?: number
  /**
   * `rfc9068`: header `typ` must be `at+jwt` and `sub client_id iat jti` present.
   * `jwt`: `typ` may be `at+jwt`, `JWT` or absent; `sub` required. Default is `'jwt'`.
   */
  profile?: 'rfc9068' | 'jwt'
  /**
   * Claims scopes are read from (space-separated string or string array).
   * Default is `['scope', 'scp']`; add `'permissions'` for Auth0 RBAC.
   */
  scopeClaims?: readonly string[]
  /** Client ids of this system; a token whose `aud` names one is an ID token. Default `[]`. */
  clientIds?: readonly string[]
  /** Verified-token cache, bounded to `max` entries (default 10000); `false` turns it off. */
  cache?: { max?: number } | false
  /** Key-set behaviour (milliseconds). */
  keys?: KeySetOptions
  /** Tokens longer than this (in bytes) are refused before any decoding. Default is 8192. */
  maxTokenLength?: number
  /** `realm` put in challenges. Default: none. */
  realm?: string
  /** RFC 9728 protected-resource-metadata URL put in challenges. Default: none. */
  resourceMetadata?: string
  /**
   * The clock (milliseconds since the epoch), for tests that pin time.
   * Default is `Date.now`.
   */
  now?: () => number
}

/** Options after {@link normalizeOptions}: frozen, every default filled. */
export interface NormalizedOptions {
  readonly issuers: readonly string[]
  readonly audiences: readonly string[]
  readonly jwksUri: string | undefined
  readonly jwks: JSONWebKeySet | undefined
  readonly algorithms: readonly string[]
  readonly secret: Uint8Array | undefined
  readonly clockTolerance: number
  readonly maxTokenAge: number | undefined
  readonly profile: 'rfc9068' | 'jwt'
  readonly scopeClaims: readonly string[]
  readonly clientIds: ReadonlySet<string>
  readonly cache: { readonly max: number } | false
  readonly keys: Readonly<Required<KeySetOptions>>
  readonly maxTokenLength: number
  readonly realm: string | undefined
  readonly resourceMetadata: string | undefined
  readonly now: () => number
}

const OPTION_KEYS = new Set([
  'issuer',
  'audience',
  'jwksUri',
  'jwks',
  'algorithms',
  'secret',
  'clockTolerance',
  'maxTokenAge',
  'profile',
  'scopeClaims',
  'clientIds',
  'cache',
  'keys',
  'maxTokenLength',
  'realm',
  'resourceMetadata',
  'now',
])

const KEY_DEFAULTS: Required<KeySetOptions> = {
  timeoutDuration: 5000,
  cooldownDuration: 30000,
  cacheMaxAge: 600000,
  staleIfErrorDuration: 43200000,
}

function fail(option: string, expectation: string): never {
  throw new TypeError(`"${option}" option ${expectation}`)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function stringList(option: string, value: unknown, allowEmpty = false): string[] {
  const list = typeof value === 'string' ? [value] : value
  if (
    !Array.isArray(list) ||
    (!allowEmpty && list.length === 0) ||
    list.some((item) => typeof item !== 'string' || item.length === 0)
  ) {
    fail(option, `must be a non-empty string or string[]`)
  }
  return [...(list as string[])]
}

function httpUrl(option: string, value: unknown): string {
  if (typeof value !== 'string' || !URL.canParse(value)) fail(option, 'must be an absolute URL')
  const { protocol } = new URL(value)
  if (protocol !== 'https:' && protocol !== 'http:') fail(option, 'must be an http(s) URL')
  return value
}

function number(
  option: string,
  value: unknown,
  fallback: number,
  { min = 0, integer = false }: { min?: number; integer?: boolean } = {},
): number {
  if (value === undefined) return fallback
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    (integer && !Number.isInteger(value))
  ) {
    fail(option, `must be a finite ${integer ? 'integer' : 'number'} >= ${min}`)
  }
  return value
}

function optionalString(option: string, value: unknown): string | undefined {
  if (value !== undefined && typeof value !== 'string') fail(option, 'must be a string')
  return value
}

function normalizeAlgorithms(value: unknown, hasSecret: boolean): readonly string[] {
  if (value === undefined) return hasSecret ? HMAC_ALGORITHMS : ASYMMETRIC_ALGORITHMS
  const algorithms = stringList('algorithms', value)
  for (const alg of algorithms) {
    if (alg.toLowerCase() === 'none') fail('algorithms', 'must not contain "none"')
    const isHmac = HMAC_ALGORITHMS.includes(alg)
    if (!isHmac && !ASYMMETRIC_ALGORITHMS.includes(alg)) {
      fail('algorithms', `contains an unknown JWS algorithm "${alg}"`)
    }
    if (isHmac && !hasSecret) fail('algorithms', `may contain "${alg}" only together with "secret"`)
    if (!isHmac && hasSecret) {
      fail('algorithms', `must hold only HS* algorithms when "secret" is set ("${alg}")`)
    }
  }
  return Object.freeze(algorithms)
}

function normalizeSecret(value: unknown): Uint8Array | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string' && value.length > 0) return new TextEncoder().encode(value)
  if (value instanceof Uint8Array && value.length > 0) return Uint8Array.from(value)
  return fail('secret', 'must be a non-empty string or Uint8Array')
}

function normalizeJwks(value: unknown): JSONWebKeySet | undefined {
  if (value === undefined) return undefined
  if (!isPlainObject(value) || !Array.isArray(value.keys) || !value.keys.every(isPlainObject)) {
    fail('jwks', 'must be a JSON Web Key Set ({ keys: [...] })')
  }
  return structuredClone(value) as unknown as JSONWebKeySet
}

function normalizeCache(value: unknown): { readonly max: number } | false {
  if (value === false) return false
  if (value === undefined) return Object.freeze({ max: 10000 })
  if (!isPlainObject(value)) fail('cache', 'must be false or { max?: number }')
  for (const key of Object.keys(value)) {
    if (key !== 'max') fail(`cache.${key}`, 'is not a known option')
  }
  return Object.freeze({ max: number('cache.max', value.max, 10000, { min: 1, integer: true }) })
}

function normalizeKeys(value: unknown): Readonly<Required<KeySetOptions>> {
  if (value === undefined) return Object.freeze({ ...KEY_DEFAULTS })
  if (!isPlainObject(value)) fail('keys', 'must be an object')
  const keys: Record<string, number> = {}
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(KEY_DEFAULTS, key)) fail(`keys.${key}`, 'is not a known option')
  }
  for (const [key, fallback] of Object.entries(KEY_DEFAULTS)) {
    keys[key] = number(`keys.${key}`, value[key], fallback, { min: key === 'timeoutDuration' ? 1 : 0 })
  }
  return Object.freeze(keys as Required<KeySetOptions>)
}

/**
 * Validates `options` and returns a frozen copy with every default filled.
 * The caller's object is never mutated.
 *
 * @throws {TypeError} naming the first bad option.
 */
export function normalizeOptions(options: VerifierOptions): NormalizedOptions {
  if (!isPlainObject(options)) throw new TypeError('tokenward options must be an object')
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) fail(key, 'is not a known option (did you mean "audience" or "issuer"?)')
  }
  const secret = normalizeSecret(options.secret)
  if (secret !== undefined && (options.jwks !== undefined || options.jwksUri !== undefined)) {
    fail('secret', 'cannot be combined with "jwks" or "jwksUri"')
  }
  if (options.profile !== undefined && options.profile !== 'jwt' && options.profile !== 'rfc9068') {
    fail('profile', `must be 'jwt' or 'rfc9068'`)
  }
  if (options.now !== undefined && typeof options.now !== 'function') {
    fail('now', 'must be a function returning milliseconds since the epoch')
  }
  const jwksUri = options.jwksUri === undefined ? undefined : httpUrl('jwksUri', options.jwksUri)
  if (options.jwks !== undefined && jwksUri !== undefined) {
    fail('jwks', 'cannot be combined with "jwksUri": give static keys or their URL, not both')
  }
  const issuers = stringList('issuer', options.issuer)
  if (secret === undefined && options.jwks === undefined && options.jwksUri === undefined) {
    // Keys will be discovered from each issuer: it must be a URL to discover from.
    for (const issuer of issuers) httpUrl('issuer', issuer)
  }
  return Object.freeze({
    issuers: Object.freeze(issuers),
    audiences: Object.freeze(stringList('audience', options.audience)),
    jwksUri,
    jwks: normalizeJwks(options.jwks),
    algorithms: normalizeAlgorithms(options.algorithms, secret !== undefined),
    secret,
    clockTolerance: number('clockTolerance', options.clockTolerance, 5),
    maxTokenAge:
      options.maxTokenAge === undefined
        ? undefined
        : number('maxTokenAge', options.maxTokenAge, 0, { min: 1 }),
    profile: options.profile ?? 'jwt',
    scopeClaims: Object.freeze(
      options.scopeClaims === undefined ? ['scope', 'scp'] : stringList('scopeClaims', options.scopeClaims),
    ),
    clientIds: new Set(
      options.clientIds === undefined ? [] : stringList('clientIds', options.clientIds, true),
    ),
    cache: normalizeCache(options.cache),
    keys: normalizeKeys(options.keys),
    maxTokenLength: number('maxTokenLength', options.maxTokenLength, 8192, { min: 16, integer: true }),
    realm: optionalString('realm', options.realm),
    resourceMetadata:
      options.resourceMetadata === undefined
        ? undefined
        : httpUrl('resourceMetadata', options.resourceMetadata),
    now: options.now ?? Date.now,
  })
}

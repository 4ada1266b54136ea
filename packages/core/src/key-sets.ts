/**
 * Per-issuer key sets that survive the issuer.
 *
 * A small layer over jose's local key set: keys are fetched over HTTP (after
 * discovery when no `jwksUri` is given) with a timeout; one fetch is in flight
 * for any number of waiting requests; an unknown `kid` triggers at most one
 * refetch per cooldown; keys are refreshed after `cacheMaxAge` (or the
 * server's `Cache-Control: max-age`); while the issuer fails, the last good
 * keys are served for up to `staleIfErrorDuration`. With no keys at all the
 * request is answered 503 (`TW_KEYS_UNAVAILABLE`) with `Retry-After`.
 */
import { createLocalJWKSet, errors } from 'jose'
import type {
  CompactJWSHeaderParameters,
  KeyInput,
  FlattenedJWSInput,
  JSONWebKeySet,
  JWTVerifyGetKey,
} from 'jose'
import { TokenwardError } from './errors.js'
import type { ChallengeContext } from './challenge.js'
import type { KeySetOptions } from './options.js'
import { discoverJwksUri } from './lib/discovery.js'
import { fetchJson, KeyFetchError } from './lib/fetch-json.js'

/** What a key set reports, so that adapters can log it (core never logs). */
export type KeySetEvent =
  | {
      readonly type: 'keys-fetched'
      readonly issuer: string
      readonly url: string
      readonly keyCount: number
    }
  | {
      readonly type: 'keys-fetch-failed'
      readonly issuer: string
      readonly error: Error
      /** True when stale keys keep being served; false when none are held. */
      readonly servingStale: boolean
    }
  | { readonly type: 'keys-stale'; readonly issuer: string; readonly ageMs: number }

/** Receives {@link KeySetEvent}s. */
export type KeySetListener = (event: KeySetEvent) => void

/** The keys of one issuer. */
export interface KeySet {
  /** Resolves the verification key for a token header (jose's key-getter shape). */
  getKey(header: CompactJWSHeaderParameters, token: FlattenedJWSInput): Promise<KeyInput>
  /**
   * True while a key with this `kid` is still in the set and the set is not
   * due for a refresh. A token verified with a key that has left the set (or
   * whose keys are older than `cacheMaxAge`) is no longer served from the
   * cache, so that verifying it again refreshes the keys.
   */
  holds(kid: string | undefined, version: number): boolean
  /** Changes whenever the set's content changes. */
  readonly version: number
  /** Fetches the keys now (pre-warm); rejects with `TW_KEYS_UNAVAILABLE`. */
  ready(): Promise<void>
  /** Aborts fetches in flight. */
  close(): void
}

/** How a {@link RemoteKeySet} finds its keys. */
export interface RemoteKeySetInit {
  readonly issuer: string
  /** Fixed JWKS URL; discovered from `issuer` when absent. */
  readonly jwksUri: string | undefined
  readonly keys: Readonly<Required<KeySetOptions>>
  readonly now: () => number
  readonly listener: KeySetListener | undefined
  readonly challenge: ChallengeContext
}

function isKeySet(value: unknown): value is JSONWebKeySet {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { keys?: unknown }).keys) &&
    (value as { keys: unknown[] }).keys.every(
      (key) => typeof key === 'object' && key !== null && !Array.isArray(key),
    )
  )
}

function kidsOf(jwks: JSONWebKeySet): Set<string> {
  return new Set(jwks.keys.flatMap((key) => (typeof key.kid === 'string' ? [key.kid] : [])))
}

/** Keys given in the options (`jwks`): no network, never stale. */
export class StaticKeySet implements KeySet {
  readonly version = 0
  readonly #local: JWTVerifyGetKey
  readonly #kids: Set<string>
  readonly #challenge: ChallengeContext

  constructor(jwks: JSONWebKeySet, challenge: ChallengeContext) {
    this.#local = createLocalJWKSet(jwks)
    this.#kids = kidsOf(jwks)
    this.#challenge = challenge
  }

  async getKey(header: CompactJWSHeaderParameters, token: FlattenedJWSInput): Promise<KeyInput> {
    try {
      return await this.#local(header, token)
    } catch (cause) {
      if (cause instanceof errors.JWKSNoMatchingKey) {
        throw new TokenwardError('TW_BAD_SIGNATURE', { ...this.#challenge, cause })
      }
      throw cause
    }
  }

  holds(kid: string | undefined): boolean {
    return kid === undefined || this.#kids.has(kid)
  }

  async ready(): Promise<void> {}

  close(): void {}
}

/** The shared HMAC `secret`: one key, never rotated by tokenward. */
export class SecretKeySet implements KeySet {
  readonly version = 0
  readonly #secret: Uint8Array

  constructor(secret: Uint8Array) {
    this.#secret = secret
  }

  async getKey(): Promise<Uint8Array> {
    return this.#secret
  }

  holds(): boolean {
    return true
  }

  async ready(): Promise<void> {}

  close(): void {}
}

/** Keys fetched from the issuer, with the behaviour described at the top of this file. */
export class RemoteKeySet implements KeySet {
  readonly #init: RemoteKeySetInit
  readonly #abort = new AbortController()
  #local: JWTVerifyGetKey | undefined
  #kids = new Set<string>()
  #json: string | undefined
  #version = 0
  #fetchedAt = -Infinity
  #freshUntil = -Infinity
  #lastAttemptAt = -Infinity
  #failing = false
  #staleReported = false
  #pending: Promise<void> | undefined
  #jwksUri: string | undefined
  #discoveredUntil = -Infinity

  constructor(init: RemoteKeySetInit) {
    this.#init = init
  }

  get version(): number {
    return this.#version
  }

  holds(kid: string | undefined, version: number): boolean {
    // Keys due for a refresh, or past the stale window, are not known to be held:
    // a cache hit must not skip what verifying again would do (refresh, or 503).
    const { now, keys } = this.#init
    if (
      now() >= this.#freshUntil &&
      (!this.#coolingDown() || now() - this.#fetchedAt > keys.staleIfErrorDuration)
    ) {
      return false
    }
    return kid === undefined ? version === this.#version : this.#kids.has(kid)
  }

  async ready(): Promise<void> {
    await this.#refresh()
    const { now, keys } = this.#init
    // Keys past the stale window would be refused by every request: not ready.
    if (this.#local === undefined || now() - this.#fetchedAt > keys.staleIfErrorDuration) {
      throw this.#unavailable()
    }
  }

  close(): void {
    this.#abort.abort()
  }

  async getKey(header: CompactJWSHeaderParameters, token: FlattenedJWSInput): Promise<KeyInput> {
    const local =
      this.#local !== undefined && this.#init.now() < this.#freshUntil ? this.#local : await this.#current()
    try {
      return await local(header, token)
    } catch (cause) {
      if (!(cause instanceof errors.JWKSNoMatchingKey)) throw cause
    }
    // An unknown kid: maybe the issuer rotated its keys. Refetch, at most once per cooldown.
    if (this.#pending !== undefined || !this.#coolingDown()) await this.#refresh()
    try {
      return await (this.#local as JWTVerifyGetKey)(header, token)
    } catch (cause) {
      if (cause instanceof errors.JWKSNoMatchingKey) {
        throw new TokenwardError('TW_BAD_SIGNATURE', { ...this.#init.challenge, cause })
      }
      throw cause
    }
  }

  /** The keys to use now: refreshed when due, stale while the issuer fails, or a 503. */
  async #current(): Promise<JWTVerifyGetKey> {
    if (!this.#coolingDown() || this.#local === undefined) {
      if (this.#local === undefined && this.#coolingDown() && this.#pending === undefined) {
        throw this.#unavailable()
      }
      await this.#refresh()
    }
    const local = this.#local
    if (local === undefined) throw this.#unavailable()
    const { now, keys, issuer, listener } = this.#init
    const age = now() - this.#fetchedAt
    if (age > keys.staleIfErrorDuration) throw this.#unavailable()
    if (now() >= this.#freshUntil && !this.#staleReported) {
      // Reported when stale keys are first served, once until a fetch succeeds again.
      this.#staleReported = true
      listener?.({ type: 'keys-stale', issuer, ageMs: age })
    }
    return local
  }

  #coolingDown(): boolean {
    return this.#init.now() - this.#lastAttemptAt < this.#init.keys.cooldownDuration
  }

  #unavailable(): TokenwardError {
    const waited = this.#init.now() - this.#lastAttemptAt
    const retryAfter = Math.max(1, (this.#init.keys.cooldownDuration - waited) / 1000)
    return new TokenwardError('TW_KEYS_UNAVAILABLE', { ...this.#init.challenge, retryAfter })
  }

  /** Fetches the key set; one fetch in flight whatever the number of callers. Never rejects. */
  #refresh(): Promise<void> {
    this.#pending ??= this.#fetch().finally(() => {
      this.#pending = undefined
    })
    return this.#pending
  }

  async #fetch(): Promise<void> {
    const { issuer, keys, now, listener } = this.#init
    this.#lastAttemptAt = now()
    try {
      const url = await this.#resolveJwksUri()
      const { body, maxAge } = await fetchJson(url, keys.timeoutDuration, this.#abort.signal)
      if (!isKeySet(body)) throw new KeyFetchError(`${url} is not a JSON Web Key Set`, url)
      this.#install(body, maxAge)
      this.#failing = false
      this.#staleReported = false
      listener?.({ type: 'keys-fetched', issuer, url, keyCount: body.keys.length })
    } catch (cause) {
      const error = cause instanceof Error ? cause : new KeyFetchError(String(cause), issuer)
      const servingStale = this.#local !== undefined && now() - this.#fetchedAt <= keys.staleIfErrorDuration
      // One report per failure streak, so a down issuer does not flood the logs.
      if (!this.#failing) listener?.({ type: 'keys-fetch-failed', issuer, error, servingStale })
      this.#failing = true
    }
  }

  #install(jwks: JSONWebKeySet, maxAge: number | undefined): void {
    const { keys, now } = this.#init
    const json = JSON.stringify(jwks)
    if (json !== this.#json) {
      this.#local = createLocalJWKSet(jwks)
      this.#kids = kidsOf(jwks)
      this.#json = json
      this.#version += 1
    }
    const lifetime = Math.min(keys.cacheMaxAge, Math.max(keys.cooldownDuration, maxAge ?? keys.cacheMaxAge))
    this.#fetchedAt = now()
    this.#freshUntil = this.#fetchedAt + lifetime
  }

  async #resolveJwksUri(): Promise<string> {
    const { issuer, jwksUri, keys, now } = this.#init
    if (jwksUri !== undefined) return jwksUri
    if (this.#jwksUri === undefined || now() >= this.#discoveredUntil) {
      try {
        this.#jwksUri = await discoverJwksUri(issuer, keys.timeoutDuration, this.#abort.signal)
        this.#discoveredUntil = now() + keys.cacheMaxAge
      } catch (error) {
        // Discovery is down but its last answer is known: try the keys where they were.
        if (this.#jwksUri === undefined || this.#abort.signal.aborted) throw error
      }
    }
    return this.#jwksUri
  }
}

/**
 * The verified-token cache: a token string that verified once is not
 * verified again while it stays valid.
 *
 * Keyed by the exact token string, bounded to `max` entries (least recently
 * used first out), each living no longer than the token's `exp`. The time
 * window is re-checked on every hit, and an entry whose key has left the
 * issuer's key set is dropped. Only successes are stored, never errors.
 */
import { LRUCache } from 'lru-cache'
import type { KeySet } from './key-sets.js'

/** A verified token's principal and what is needed to re-check it. */
export interface CacheEntry<P> {
  readonly principal: P
  /** Milliseconds since the epoch before which the token is not valid (nbf/iat − tolerance). */
  readonly validFrom: number
  /** Milliseconds since the epoch from which the token is expired (exp/iat+maxAge + tolerance). */
  readonly validUntil: number
  readonly keySet: KeySet
  readonly kid: string | undefined
  readonly keysVersion: number
}

/** A bounded map from token strings to verified principals. */
export class TokenCache<P extends object> {
  readonly #lru: LRUCache<string, CacheEntry<P>>

  constructor(max: number) {
    this.#lru = new LRUCache<string, CacheEntry<P>>({ max })
  }

  /** The principal for `token`, when it is cached and still valid at `now`. */
  get(token: string, now: number): P | undefined {
    const entry = this.#lru.get(token)
    if (entry === undefined) return undefined
    if (
      now < entry.validFrom ||
      now >= entry.validUntil ||
      !entry.keySet.holds(entry.kid, entry.keysVersion)
    ) {
      this.#lru.delete(token)
      return undefined
    }
    return entry.principal
  }

  /** Stores a verified token until `entry.validUntil` at the latest. */
  set(token: string, entry: CacheEntry<P>): void {
    this.#lru.set(token, entry)
  }

  /** Number of entries held. */
  get size(): number {
    return this.#lru.size
  }

  clear(): void {
    this.#lru.clear()
  }
}

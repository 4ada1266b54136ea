/**
 * Scopes: reading them from the configured claims, and per-route checks.
 * `requireScopes` is a pure function usable from any framework.
 */
import type { JWTPayload } from 'jose'
import { TokenwardError } from './errors.js'
import type { ChallengeContext } from './challenge.js'

/** What a route needs: every scope of `all`, and at least one of `any`. */
export interface ScopeRequirement {
  readonly all?: readonly string[]
  readonly any?: readonly string[]
}

/** What {@link requireScopes} needs of a principal. */
export interface HasScopes {
  readonly scopes: ReadonlySet<string>
}

/**
 * The union of the scopes found in `claims` (space-separated strings or
 * string arrays). A scope claim of another type makes the token malformed.
 */
export function readScopes(
  payload: JWTPayload,
  claims: readonly string[],
  context: ChallengeContext = {},
): Set<string> {
  const scopes = new Set<string>()
  for (const claim of claims) {
    const value = payload[claim]
    if (value === undefined) continue
    if (typeof value === 'string') {
      for (const scope of value.split(' ')) if (scope !== '') scopes.add(scope)
    } else if (Array.isArray(value) && value.every((scope) => typeof scope === 'string')) {
      for (const scope of value as string[]) if (scope !== '') scopes.add(scope)
    } else {
      throw new TokenwardError('TW_MALFORMED_TOKEN', context)
    }
  }
  return scopes
}

function isScopeList(value: unknown): value is readonly string[] {
  return (
    Array.isArray(value) &&
    value.every((scope) => typeof scope === 'string' && scope !== '' && !/[\s"\\]/.test(scope))
  )
}

/**
 * Validates a scope requirement once, at start-up.
 *
 * @throws {TypeError} when `all`/`any` are not arrays of scope tokens, or
 *   `any` is empty.
 */
export function normalizeScopeRequirement(requirement: ScopeRequirement): ScopeRequirement {
  const { all, any } = requirement
  if (all !== undefined && !isScopeList(all)) {
    throw new TypeError('"all" scopes must be an array of scope strings without spaces or quotes')
  }
  if (any !== undefined && (!isScopeList(any) || any.length === 0)) {
    throw new TypeError('"any" scopes must be a non-empty array of scope strings without spaces or quotes')
  }
  return Object.freeze({
    ...(all === undefined ? {} : { all: Object.freeze([...all]) }),
    ...(any === undefined ? {} : { any: Object.freeze([...any]) }),
  })
}

/**
 * Throws `TW_INSUFFICIENT_SCOPE` (403, `scope="…"` in the challenge) unless
 * the principal holds every scope of `all` and at least one of `any`. The
 * challenge lists the scopes that would have been enough: all of `all`, plus
 * `any` when none of it was granted.
 */
export function requireScopes(
  principal: HasScopes,
  requirement: ScopeRequirement,
  context: ChallengeContext = {},
): void {
  const { all = [], any } = requirement
  const hasAll = all.every((scope) => principal.scopes.has(scope))
  const hasAny = any === undefined || any.some((scope) => principal.scopes.has(scope))
  if (hasAll && hasAny) return
  const needed = hasAny || any === undefined ? [...all] : [...all, ...any]
  throw new TokenwardError('TW_INSUFFICIENT_SCOPE', { ...context, scope: needed })
}

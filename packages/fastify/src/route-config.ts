/**
 * Per-route `config.auth`: validated and compiled once, when the route is
 * added (`onRoute`), so that a typo fails at start-up and requests pay nothing.
 */
import { normalizeScopeRequirement } from '@tokenward/core'
import type { ScopeRequirement } from '@tokenward/core'

/** What a route declares in `config.auth`. */
export interface RouteAuthOptions {
  /** Every one of these scopes is needed. */
  scopes?: readonly string[]
  /** At least one of these scopes is needed. */
  anyScope?: readonly string[]
  /**
   * Without credentials the request goes through with `request.auth === null`;
   * a token that is sent is still verified, and a bad one refused.
   */
  optional?: boolean
  /**
   * No other key is valid (an unknown one throws at start-up). Fastify infers a
   * route's config type from the literal and intersects it with
   * `FastifyContextConfig`, which defeats excess-property checks; this
   * signature still makes `{ bogus: 1 }` or `{ scope: 'a' }` a type error.
   */
  [unknownKey: string]: readonly string[] | boolean | undefined
}

/** `config.auth`: `false` makes a route public; absent or `true` protects it. */
export type RouteAuthConfig = RouteAuthOptions | boolean

/** A route's compiled requirement; `undefined` for a public route. */
export interface CompiledRouteAuth {
  readonly optional: boolean
  readonly requirement: ScopeRequirement | undefined
}

const ROUTE_KEYS = new Set(['scopes', 'anyScope', 'optional'])
const PROTECTED: CompiledRouteAuth = Object.freeze({ optional: false, requirement: undefined })

/**
 * Compiles a route's `config.auth`.
 *
 * @throws {TypeError} naming the route and the bad key.
 */
export function compileRouteAuth(value: unknown, route: string): CompiledRouteAuth | undefined {
  if (value === false) return undefined
  if (value === undefined || value === true) return PROTECTED
  const fail = (what: string): never => {
    throw new TypeError(`tokenward: config.auth of route ${route} ${what}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('must be false, true or { scopes?, anyScope?, optional? }')
  }
  const auth = value as Record<string, unknown>
  for (const key of Object.keys(auth)) {
    if (!ROUTE_KEYS.has(key)) fail(`has an unknown key "${key}"`)
  }
  if (auth.optional !== undefined && typeof auth.optional !== 'boolean') fail('"optional" must be a boolean')
  let requirement: ScopeRequirement | undefined
  try {
    requirement =
      auth.scopes === undefined && auth.anyScope === undefined
        ? undefined
        : normalizeScopeRequirement({
            ...(auth.scopes === undefined ? {} : { all: auth.scopes as string[] }),
            ...(auth.anyScope === undefined ? {} : { any: auth.anyScope as string[] }),
          })
  } catch (error) {
    fail(
      `is invalid: ${(error as Error).message.replace('"all"', '"scopes"').replace('"any"', '"anyScope"')}`,
    )
  }
  return Object.freeze({ optional: auth.optional === true, requirement })
}

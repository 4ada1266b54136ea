/**
 * `requireScopes(...)` and `requireAnyScope(...)`: per-route scope checks,
 * placed after `tokenward()`. The requirement is validated when the
 * middleware is created; the check itself is core's.
 */
import type { RequestHandler } from 'express'
import {
  isTokenwardError,
  normalizeScopeRequirement,
  requireScopes as check,
  TokenwardError,
} from '@tokenward/core'
import type { ScopeRequirement } from '@tokenward/core'
import { getContext, refuse } from './context.js'

function requirementOf(method: string, kind: 'all' | 'any', scopes: readonly unknown[]): ScopeRequirement {
  if (scopes.length === 0) throw new TypeError(`tokenward: ${method}() needs at least one scope`)
  try {
    return normalizeScopeRequirement({ [kind]: scopes as string[] })
  } catch (cause) {
    throw new TypeError(`tokenward: ${method}() takes scope strings without spaces or quotes`, { cause })
  }
}

function scopeMiddleware(method: string, requirement: ScopeRequirement): RequestHandler {
  return function tokenwardRequireScopes(req, res, next) {
    const auth = req.auth
    if (auth === undefined) {
      // A wiring mistake, not the caller's: a 500 that says so, rather than a misleading 401.
      return next(new Error(`tokenward: ${method}() needs the tokenward() middleware before it`))
    }
    const context = getContext(req)
    const challenge = context?.verifier.challenge ?? {}
    let error: TokenwardError | undefined
    if (auth === null) error = new TokenwardError('TW_MISSING_TOKEN', challenge)
    else {
      try {
        if (context === undefined) check(auth, requirement)
        else context.verifier.requireScopes(auth, requirement)
      } catch (cause) {
        if (!isTokenwardError(cause)) throw cause
        error = cause
      }
    }
    if (error === undefined) return next()
    return next(refuse(res, context?.logger, error))
  }
}

/**
 * A middleware that lets the request through only when `req.auth` holds
 * **every** one of `scopes`; otherwise `next(err)` with `TW_INSUFFICIENT_SCOPE`
 * (403, the needed scopes in the challenge's `scope="…"`). Without a token
 * (`req.auth === null`, an `optional` middleware) it is `TW_MISSING_TOKEN` (401).
 * The challenge carries the `realm` and `resource_metadata` of the
 * `tokenward()` middleware that ran before it. Used without one before it,
 * it passes an `Error` (a 500) to `next`.
 *
 * @throws {TypeError} at creation, with no scope or a scope that is not a
 *   string without spaces or quotes.
 */
export function requireScopes(...scopes: string[]): RequestHandler {
  return scopeMiddleware('requireScopes', requirementOf('requireScopes', 'all', scopes))
}

/**
 * Like {@link requireScopes}, but **at least one** of `scopes` is enough; the
 * challenge of a refusal lists them all.
 *
 * @throws {TypeError} at creation, with no scope or a scope that is not a
 *   string without spaces or quotes.
 */
export function requireAnyScope(...scopes: string[]): RequestHandler {
  return scopeMiddleware('requireAnyScope', requirementOf('requireAnyScope', 'any', scopes))
}

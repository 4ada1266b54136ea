/**
 * `@tokenward/express`: Express 5 middleware on `@tokenward/core`.
 *
 * ```ts
 * import { tokenward, requireScopes, errorHandler } from '@tokenward/express'
 * const auth = tokenward({ issuer, audience })
 * app.use(auth)                                                    // every route after this is protected
 * app.get('/appointments', requireScopes('read:appointments'), (req, res) => res.json({ sub: req.auth?.sub }))
 * app.use(errorHandler())                                          // optional: JSON bodies instead of Express's HTML
 * await auth.ready()                                               // optional: fetch the keys before listening
 * ```
 */
import { tokenward } from './middleware.js'

export { tokenward } from './middleware.js'
export type { TokenwardExpressOptions, TokenwardMiddleware } from './middleware.js'
export { requireAnyScope, requireScopes } from './scopes.js'
export { errorHandler } from './error-handler.js'
export type { TokenwardErrorBody } from './error-handler.js'
export type { TokenwardLogger } from './logger.js'
export { isTokenwardError, TokenwardError } from '@tokenward/core'
export type {
  AccessTokenPrincipal,
  TokenwardClaims,
  TokenwardErrorCode,
  Verifier,
  VerifierOptions,
} from '@tokenward/core'

/** {@link tokenward}, as the default export. */
export default tokenward

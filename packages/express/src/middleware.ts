/**
 * `tokenward(options)`: the authentication middleware. Every request that
 * reaches it must carry a valid bearer access token; the verified principal
 * is put on `req.auth`. All decisions are `@tokenward/core`'s: this file
 * only reads the request and hands refusals to `next(err)`.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import {
  createVerifier,
  isTokenwardError,
  keySetLogRecord,
  readAuthorization,
  TokenwardError,
} from '@tokenward/core'
import type { AccessTokenPrincipal, Verifier, VerifierHooks, VerifierOptions } from '@tokenward/core'
import { refuse, setContext } from './context.js'
import { log, validateLogger } from './logger.js'
import type { TokenwardLogger } from './logger.js'

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /**
       * The verified access token's principal, set by `tokenward()`.
       * `null` when an `optional` middleware saw no token; `undefined` when
       * no tokenward middleware ran for this request.
       */
      auth?: AccessTokenPrincipal | null
    }
  }
}

/** Options of {@link tokenward}: the verifier options of `@tokenward/core` plus the adapter's own. */
export interface TokenwardExpressOptions extends VerifierOptions {
  /**
   * Without credentials (no `Authorization` header, or another scheme only)
   * the request goes on with `req.auth === null`; a token that is sent is
   * still verified, and a bad one refused. Default is `false`.
   */
  optional?: boolean
  /**
   * A pino-compatible logger: one `info` line per refusal
   * (`{ tokenward: { code, statusCode } }`), `warn` while stale keys are
   * served, `error` when fetching keys fails, `debug` when keys are fetched.
   * The token is never logged. Default: no logging.
   */
  logger?: TokenwardLogger
}

/** The middleware returned by {@link tokenward}. */
export interface TokenwardMiddleware extends RequestHandler {
  /**
   * Fetches every issuer's keys now, so that the first request does not
   * wait for them; `await` it before `app.listen()`. Rejects with a
   * `TW_KEYS_UNAVAILABLE` {@link TokenwardError} when the keys of an issuer
   * cannot be had (also logged at `error`); the middleware keeps working and
   * answers 503 until they can be. Resolves at once with `jwks` or `secret`.
   */
  ready(): Promise<void>
  /** The underlying verifier: `verify()` a token by hand, or `close()` it on shutdown. */
  readonly verifier: Verifier
}

/**
 * Creates the authentication middleware. Options are validated now.
 *
 * On success `req.auth` is the principal and `next()` is called; a refusal is
 * passed to `next(err)` as a {@link TokenwardError} carrying `status`,
 * `statusCode`, `code`, `expose` and `headers` (the `WWW-Authenticate`
 * challenge, or `Retry-After` on 503), so Express's default handler answers
 * with the right status and challenge; {@link errorHandler} answers with JSON.
 *
 * ```ts
 * app.use(tokenward({ issuer, audience }))
 * app.get('/appointments', requireScopes('read:appointments'), handler)
 * ```
 *
 * @throws {TypeError} naming the first bad option (unknown keys included).
 */
export function tokenward(options: TokenwardExpressOptions): TokenwardMiddleware {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError('tokenward options must be an object')
  }
  const { optional = false, logger: loggerOption, ...verifierOptions } = options
  if (typeof optional !== 'boolean') throw new TypeError('"optional" option must be a boolean')
  const logger = validateLogger(loggerOption)
  const hooks: VerifierHooks =
    logger === undefined ? {} : { onKeySetEvent: (event) => log(logger, keySetLogRecord(event)) }
  const verifier = createVerifier(verifierOptions, hooks)
  const context = Object.freeze({ verifier, logger })

  const refused = (cause: unknown, res: Response, next: NextFunction): void => {
    const error = isTokenwardError(cause)
      ? cause
      : new TokenwardError('TW_MALFORMED_TOKEN', { ...verifier.challenge, cause })
    if (optional && error.code === 'TW_MISSING_TOKEN') return next()
    next(refuse(res, logger, error))
  }

  // Not async: a token already in the verifier's cache goes through synchronously.
  const middleware = function tokenwardAuthenticate(req: Request, res: Response, next: NextFunction): void {
    setContext(req, context)
    const authorization = readAuthorization(req)
    const cached = verifier.cached(authorization)
    if (cached !== undefined) {
      req.auth = cached
      return next()
    }
    req.auth = null
    verifier.verify({ authorization, method: req.method, url: req.originalUrl }).then(
      (principal) => {
        req.auth = principal
        next()
      },
      (cause: unknown) => refused(cause, res, next),
    )
  }

  return Object.defineProperties(middleware, {
    ready: { value: () => verifier.ready(), enumerable: true },
    verifier: { value: verifier, enumerable: true },
  }) as typeof middleware & TokenwardMiddleware
}

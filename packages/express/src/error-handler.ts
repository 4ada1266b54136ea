/**
 * `errorHandler()`: answers tokenward's refusals with the JSON body of
 * DESIGN.md (Fastify's shape) and the challenge headers.
 */
import { STATUS_CODES } from 'node:http'
import type { ErrorRequestHandler } from 'express'
import { isTokenwardError } from '@tokenward/core'
import type { TokenwardErrorCode } from '@tokenward/core'

/** The JSON body {@link errorHandler} sends. */
export interface TokenwardErrorBody {
  /** The HTTP status (401, 400, 403 or 503). */
  readonly statusCode: number
  /** The stable tokenward code (`TW_EXPIRED` …). */
  readonly code: TokenwardErrorCode
  /** The HTTP reason phrase (`Unauthorized` …); the RFC 6750 error is in the challenge. */
  readonly error: string
  /** The fixed, client-facing description of the code. */
  readonly message: string
}

/**
 * An error middleware, mounted after the routes (`app.use(errorHandler())`).
 * A `TokenwardError` is answered with its status, its headers
 * (`WWW-Authenticate`, `Retry-After`) and a {@link TokenwardErrorBody}, e.g.
 * `{ "statusCode": 401, "code": "TW_EXPIRED", "error": "Unauthorized",
 * "message": "The access token expired" }`. Every other error, or one
 * raised after the response started, goes on to `next(err)`.
 */
export function errorHandler(): ErrorRequestHandler {
  return function tokenwardErrorHandler(err, _req, res, next) {
    if (!isTokenwardError(err) || res.headersSent) return next(err)
    const body: TokenwardErrorBody = {
      statusCode: err.statusCode,
      code: err.code,
      error: STATUS_CODES[err.statusCode] as string,
      message: err.message,
    }
    res.status(err.statusCode).set(err.headers).json(body)
  }
}

/**
 * What `tokenward()` leaves on the request for the middlewares after it: its
 * verifier (whose `realm` and `resource_metadata` go into their challenges)
 * and its logger. Kept under a registered symbol, so that it
 * neither shows in `JSON.stringify(req)` or `Object.keys(req)` nor clashes
 * with other properties.
 */
import type { Response } from 'express'
import { refusalLogRecord } from '@tokenward/core'
import type { TokenwardError, Verifier } from '@tokenward/core'
import { log } from './logger.js'
import type { TokenwardLogger } from './logger.js'

const CONTEXT = Symbol.for('@tokenward/express.context')

/** The verifier and logger of the `tokenward()` middleware that saw the request. */
export interface RequestContext {
  readonly verifier: Verifier
  readonly logger: TokenwardLogger | undefined
}

/** Records the context of the `tokenward()` middleware on the request. */
export function setContext(request: object, context: RequestContext): void {
  // A plain symbol-keyed property: cheaper than defineProperty on every request,
  // and still invisible to JSON.stringify, Object.keys and for…in.
  ;(request as { [CONTEXT]?: RequestContext })[CONTEXT] = context
}

/** The context `tokenward()` recorded, if it ran for this request. */
export function getContext(request: object): RequestContext | undefined {
  return (request as { [CONTEXT]?: RequestContext })[CONTEXT]
}

/**
 * Prepares a refusal for `next(error)`: the challenge headers go on the
 * response too (so that a custom error handler keeps them) and one `info`
 * line is logged with the code, never the token.
 */
export function refuse(
  response: Response,
  logger: TokenwardLogger | undefined,
  error: TokenwardError,
): TokenwardError {
  if (!response.headersSent) response.set(error.headers)
  if (logger !== undefined) log(logger, refusalLogRecord(error))
  return error
}

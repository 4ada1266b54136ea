/**
 * Logging. Core never logs; this adapter logs through the pino-compatible
 * `logger` option, always with the error `code`, never the token.
 */
import type { LogRecord } from '@tokenward/core'

/**
 * A pino-compatible logger: each method is called as `logger.info(object, message)`.
 * A pino logger, a child of one, or `console` fits.
 */
export interface TokenwardLogger {
  /** One line per refused request: `{ tokenward: { code, statusCode } }`. */
  info(object: object, message?: string): void
  /** Stale keys served while the issuer is unavailable. */
  warn(object: object, message?: string): void
  /** A failed key-set fetch. */
  error(object: object, message?: string): void
  /** Keys fetched. */
  debug(object: object, message?: string): void
}

const LEVELS = ['info', 'warn', 'error', 'debug'] as const

/**
 * Checks the `logger` option.
 *
 * @throws {TypeError} unless `value` is `undefined` or has the four methods.
 */
export function validateLogger(value: unknown): TokenwardLogger | undefined {
  if (value === undefined) return undefined
  if (
    typeof value !== 'object' ||
    value === null ||
    LEVELS.some((level) => typeof (value as Record<string, unknown>)[level] !== 'function')
  ) {
    throw new TypeError('"logger" option must have info, warn, error and debug methods (a pino logger)')
  }
  return value as TokenwardLogger
}

/** Writes a record of `@tokenward/core` (the same lines as `@tokenward/fastify`). */
export function log(logger: TokenwardLogger, record: LogRecord): void {
  logger[record.level](record.data, record.message)
}

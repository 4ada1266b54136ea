/**
 * What adapters log, as data: core never logs, but every adapter writes the
 * same lines, so their level, fields and message are decided here, once.
 * No record ever carries a token.
 */
import type { TokenwardError } from './errors.js'
import type { KeySetEvent } from './key-sets.js'

/** One log line: call `logger[level](data, message)` (pino's argument order). */
export interface LogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error'
  readonly data: { readonly tokenward: Readonly<Record<string, unknown>> }
  readonly message: string
}

/** The line for a refused request: `info`, with the code and status. */
export function refusalLogRecord(error: TokenwardError): LogRecord {
  return {
    level: 'info',
    data: { tokenward: { code: error.code, statusCode: error.statusCode } },
    message: 'tokenward: request refused',
  }
}

/** The line for a key-set event: `debug` fetched, `error` fetch failed, `warn` stale keys served. */
export function keySetLogRecord(event: KeySetEvent): LogRecord {
  switch (event.type) {
    case 'keys-fetched':
      return {
        level: 'debug',
        data: { tokenward: { issuer: event.issuer, keyCount: event.keyCount } },
        message: 'tokenward: keys fetched',
      }
    case 'keys-fetch-failed':
      return {
        level: 'error',
        data: {
          tokenward: { issuer: event.issuer, servingStale: event.servingStale, reason: event.error.message },
        },
        message: 'tokenward: fetching the issuer keys failed',
      }
    case 'keys-stale':
      return {
        level: 'warn',
        data: { tokenward: { issuer: event.issuer, ageMs: event.ageMs } },
        message: 'tokenward: serving stale issuer keys while the issuer is unavailable',
      }
  }
}

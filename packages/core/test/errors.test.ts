import t from 'tap'
import { errorCodes, isTokenwardError, TokenwardError } from '@tokenward/core'
import type { TokenwardErrorCode } from '@tokenward/core'

/** DESIGN.md, "Errors and responses": code → [status, RFC 6750 error]. */
const table: Record<TokenwardErrorCode, [number, string | undefined]> = {
  TW_MISSING_TOKEN: [401, undefined],
  TW_INVALID_REQUEST: [400, 'invalid_request'],
  TW_MALFORMED_TOKEN: [401, 'invalid_token'],
  TW_OPAQUE_TOKEN: [401, 'invalid_token'],
  TW_ID_TOKEN: [401, 'invalid_token'],
  TW_REFRESH_TOKEN: [401, 'invalid_token'],
  TW_WRONG_TOKEN_TYPE: [401, 'invalid_token'],
  TW_ALG_NOT_ALLOWED: [401, 'invalid_token'],
  TW_BAD_SIGNATURE: [401, 'invalid_token'],
  TW_WRONG_ISSUER: [401, 'invalid_token'],
  TW_WRONG_AUDIENCE: [401, 'invalid_token'],
  TW_EXPIRED: [401, 'invalid_token'],
  TW_NOT_YET_VALID: [401, 'invalid_token'],
  TW_MISSING_CLAIM: [401, 'invalid_token'],
  TW_INSUFFICIENT_SCOPE: [403, 'insufficient_scope'],
  TW_KEYS_UNAVAILABLE: [503, undefined],
}

t.test('the code table matches DESIGN.md exactly', async (t) => {
  t.same(Object.keys(errorCodes).sort(), Object.keys(table).sort())
})

for (const [code, [status, bearerError]] of Object.entries(table) as Array<
  [TokenwardErrorCode, [number, string | undefined]]
>) {
  t.test(code, async (t) => {
    const error = new TokenwardError(code, { realm: 'api' })
    t.type(error, Error)
    t.equal(error.name, 'TokenwardError')
    t.equal(error.code, code)
    t.equal(error.statusCode, status)
    t.equal(error.status, status, 'status mirrors statusCode (Express)')
    t.equal(error.error, bearerError)
    t.equal(error.expose, true)
    t.equal(error.message, errorCodes[code].description, 'message is the fixed client description')
    t.ok(error.message.length > 10)
    t.ok(Object.isFrozen(error.headers))
    if (status === 503) {
      t.same(Object.keys(error.headers), ['Retry-After'], 'a 503 has Retry-After and no challenge')
      t.equal(error.headers['Retry-After'], '30', 'default Retry-After is 30 s')
    } else if (bearerError === undefined) {
      t.same(error.headers, { 'WWW-Authenticate': 'Bearer realm="api"' }, 'bare challenge (RFC 6750 §3.1)')
    } else {
      t.same(error.headers, {
        'WWW-Authenticate': `Bearer realm="api", error="${bearerError}", error_description="${error.message.replaceAll('"', '\\"')}"`,
      })
    }
    t.ok(isTokenwardError(error))
  })
}

t.test('the expired challenge reads as DESIGN.md shows it', async (t) => {
  const error = new TokenwardError('TW_EXPIRED', { realm: 'api' })
  t.equal(
    error.headers['WWW-Authenticate'],
    'Bearer realm="api", error="invalid_token", error_description="The access token expired"',
  )
})

t.test('insufficient scope lists the scopes and keeps them', async (t) => {
  const error = new TokenwardError('TW_INSUFFICIENT_SCOPE', {
    realm: 'api',
    scope: ['read:a', 'write:b'],
    resourceMetadata: 'https://api.example/meta',
  })
  t.equal(error.statusCode, 403)
  t.same(error.scope, ['read:a', 'write:b'])
  t.equal(
    error.headers['WWW-Authenticate'],
    'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks the scope this request needs", scope="read:a write:b", resource_metadata="https://api.example/meta"',
  )
  t.equal(new TokenwardError('TW_EXPIRED').scope, undefined)
})

t.test('without a context the challenge has no realm', async (t) => {
  t.equal(new TokenwardError('TW_MISSING_TOKEN').headers['WWW-Authenticate'], 'Bearer')
  t.equal(
    new TokenwardError('TW_BAD_SIGNATURE').headers['WWW-Authenticate'],
    'Bearer error="invalid_token", error_description="The access token signature is invalid or its signing key is unknown"',
  )
})

t.test('cause is kept only when given', async (t) => {
  const cause = new Error('jose says: "exp" claim timestamp check failed')
  const error = new TokenwardError('TW_EXPIRED', { cause })
  t.equal(error.cause, cause)
  t.equal(error.message, 'The access token expired', 'the internal message is not the client message')
  t.notOk(Object.hasOwn(new TokenwardError('TW_EXPIRED'), 'cause'))
})

t.test('Retry-After: rounded up, at least 1 second', async (t) => {
  t.equal(new TokenwardError('TW_KEYS_UNAVAILABLE', { retryAfter: 12.2 }).headers['Retry-After'], '13')
  t.equal(new TokenwardError('TW_KEYS_UNAVAILABLE', { retryAfter: 0.01 }).headers['Retry-After'], '1')
  t.equal(new TokenwardError('TW_KEYS_UNAVAILABLE', { retryAfter: -5 }).headers['Retry-After'], '1')
  t.equal(new TokenwardError('TW_KEYS_UNAVAILABLE').error, undefined)
})

t.test('isTokenwardError', async (t) => {
  t.ok(isTokenwardError(new TokenwardError('TW_EXPIRED')))
  const foreign = Object.assign(new Error('The access token expired'), {
    name: 'TokenwardError',
    code: 'TW_EXPIRED',
  })
  t.ok(isTokenwardError(foreign), 'an error of another copy of the package')
  t.notOk(
    isTokenwardError(Object.assign(new Error('x'), { name: 'TokenwardError', code: 'ERR_JWT_EXPIRED' })),
    'unknown code',
  )
  t.notOk(
    isTokenwardError(Object.assign(new Error('x'), { name: 'TokenwardError', code: 'toString' })),
    'inherited property names are not codes',
  )
  t.notOk(isTokenwardError(Object.assign(new Error('x'), { name: 'TokenwardError' })), 'no code')
  t.notOk(isTokenwardError(Object.assign(new Error('x'), { code: 'TW_EXPIRED' })), 'another name')
  t.notOk(isTokenwardError({ name: 'TokenwardError', code: 'TW_EXPIRED' }), 'not an Error')
  t.notOk(isTokenwardError(undefined))
  t.notOk(isTokenwardError('TW_EXPIRED'))
})

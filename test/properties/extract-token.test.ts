/**
 * Properties of the Authorization parser (`extractBearerToken`), on random
 * bytes, random unicode and random header-like structure: it returns a
 * token68 that was in the header after "Bearer 1*SP", or throws a
 * TokenwardError (TW_MISSING_TOKEN or TW_INVALID_REQUEST) — never anything
 * else — and the error's description and challenge never carry the input.
 */
import fc from 'fast-check'
import t from 'tap'
import { buildChallenge, errorCodes, extractBearerToken, isTokenwardError } from '@tokenward/core'
import type { ChallengeContext, TokenwardErrorCode } from '@tokenward/core'
import { anyText, token68 } from './fixtures/arbitraries.js'

const RUNS = 2000
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/
const CONTEXT: ChallengeContext = { realm: 'api' }

/** The challenge a refusal of `code` must carry: fixed, whatever the input. */
function fixedChallenge(code: TokenwardErrorCode): string {
  const spec = errorCodes[code]
  return 'error' in spec
    ? buildChallenge({ realm: 'api', error: spec.error, errorDescription: spec.description })
    : buildChallenge({ realm: 'api' })
}

/** Runs the parser; returns the token or the refusal code, throwing on anything else. */
function extract(
  input: string | readonly string[] | undefined,
): { token: string } | { code: TokenwardErrorCode } {
  try {
    return { token: extractBearerToken(input, CONTEXT) }
  } catch (error) {
    if (!isTokenwardError(error)) throw new Error(`threw a non-TokenwardError: ${String(error)}`)
    if (error.code !== 'TW_MISSING_TOKEN' && error.code !== 'TW_INVALID_REQUEST') {
      throw new Error(`unexpected code ${error.code}`)
    }
    if (error.message !== errorCodes[error.code].description)
      throw new Error('description is not the fixed one')
    if (error.headers['WWW-Authenticate'] !== fixedChallenge(error.code)) {
      throw new Error(`challenge echoes something: ${error.headers['WWW-Authenticate']}`)
    }
    return { code: error.code }
  }
}

/** Header-like structure: schemes, spaces, tabs, commas, quotes, token68s, junk. */
const headerish: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom('Bearer', 'bearer', 'BEARER', 'bEaReR', 'Basic', 'Digest', 'DPoP', 'Bearer:', 'Token'),
      fc.constantFrom(' ', '  ', '\t', ',', ', ', '"', '=', '\r\n', '\0', ''),
      token68,
      anyText,
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''))

const input: fc.Arbitrary<string | string[] | undefined> = fc.oneof(
  anyText,
  headerish,
  fc.array(fc.oneof(anyText, headerish), { maxLength: 3 }),
  fc.constant(undefined),
)

t.test('never throws anything but a TokenwardError; never echoes the input', async (t) => {
  fc.assert(
    fc.property(input, (value) => {
      const result = extract(value)
      if ('token' in result) {
        const header = typeof value === 'string' ? value : ((value as string[])[0] as string)
        if (!TOKEN68.test(result.token))
          throw new Error(`returned a non-token68 ${JSON.stringify(result.token)}`)
        if (
          !new RegExp(`^bearer +${result.token.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'i').test(
            header.trim(),
          )
        ) {
          throw new Error(`returned ${JSON.stringify(result.token)} for ${JSON.stringify(header)}`)
        }
      }
    }),
    { numRuns: RUNS },
  )
  t.pass(`${RUNS} runs`)
})

t.test('round trip: any scheme casing, 1*SP, any token68', async (t) => {
  const scheme = fc
    .array(fc.boolean(), { minLength: 6, maxLength: 6 })
    .map((upper) => [...'bearer'].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''))
  fc.assert(
    fc.property(scheme, fc.integer({ min: 1, max: 5 }), token68, (s, spaces, token) => {
      const result = extract(`${s}${' '.repeat(spaces)}${token}`)
      if (!('token' in result) || result.token !== token) throw new Error(`got ${JSON.stringify(result)}`)
    }),
    { numRuns: RUNS },
  )
  t.pass(`${RUNS} runs`)
})

t.test('two or more header values are always TW_INVALID_REQUEST', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.oneof(anyText, headerish), { minLength: 2, maxLength: 4 }), (values) => {
      const result = extract(values)
      if (!('code' in result) || result.code !== 'TW_INVALID_REQUEST')
        throw new Error(`got ${JSON.stringify(result)}`)
    }),
    { numRuns: RUNS },
  )
  t.pass(`${RUNS} runs`)
})

t.test('Bearer + token + anything non-blank after a space or comma is TW_INVALID_REQUEST', async (t) => {
  const junk = fc
    .oneof(anyText, token68, fc.constant('Basic dXNlcjpwYXNz'))
    .filter((text) => text.trim() !== '')
  fc.assert(
    fc.property(token68, fc.constantFrom(' ', ', ', ','), junk, (token, separator, rest) => {
      const result = extract(`Bearer ${token}${separator}${rest.trim()}`)
      if (!('code' in result) || result.code !== 'TW_INVALID_REQUEST')
        throw new Error(`got ${JSON.stringify(result)}`)
    }),
    { numRuns: RUNS },
  )
  t.pass(`${RUNS} runs`)
})

t.test('another scheme with any credentials is TW_MISSING_TOKEN', async (t) => {
  const scheme = fc.constantFrom(
    'Basic',
    'Digest',
    'DPoP',
    'Token',
    'Negotiate',
    'MAC',
    'Bearer:',
    'Bearerx',
    'XBearer',
  )
  fc.assert(
    fc.property(scheme, token68, (s, credentials) => {
      const result = extract(`${s} ${credentials}`)
      if (!('code' in result) || result.code !== 'TW_MISSING_TOKEN')
        throw new Error(`got ${JSON.stringify(result)}`)
    }),
    { numRuns: RUNS },
  )
  t.pass(`${RUNS} runs`)
})

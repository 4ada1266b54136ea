/**
 * Properties of the challenge builder (`buildChallenge`, `quote`) and of the
 * headers every `TokenwardError` carries: whatever the input, the header is
 * one RFC 9110 challenge that parses back with exactly the parameters that
 * were set, each value round-tripping (non-printable characters as "?"),
 * with no unescaped quote, no CR/LF/NUL, nothing Node would refuse to send.
 */
import { validateHeaderValue } from 'node:http'
import fc from 'fast-check'
import t from 'tap'
import { buildChallenge, errorCodes, quote, TokenwardError } from '@tokenward/core'
import type { ChallengeParams, TokenwardErrorCode } from '@tokenward/core'
import { parseChallenge } from './fixtures/auth-params.js'
import { anyText } from './fixtures/arbitraries.js'

const RUNS = 2000

/** What tokenward promises to write for a value: printable ASCII, the rest as "?". */
const sanitize = (value: string): string => value.replace(/[^\x20-\x7e]/g, '?')

function expectedParams(params: ChallengeParams): [string, string][] {
  const out: [string, string][] = []
  if (params.realm !== undefined) out.push(['realm', sanitize(params.realm)])
  if (params.error !== undefined) out.push(['error', sanitize(params.error)])
  if (params.errorDescription !== undefined)
    out.push(['error_description', sanitize(params.errorDescription)])
  if (params.scope !== undefined && params.scope.length > 0)
    out.push(['scope', sanitize(params.scope.join(' '))])
  if (params.resourceMetadata !== undefined)
    out.push(['resource_metadata', sanitize(params.resourceMetadata)])
  return out
}

/** Asserts the header-level safety of `header`; returns its parse. */
function assertSafeHeader(header: string): ReturnType<typeof parseChallenge> {
  if (!/^[\x20-\x7e]*$/.test(header)) throw new Error(`non-printable character in ${JSON.stringify(header)}`)
  validateHeaderValue('www-authenticate', header)
  const parsed = parseChallenge(header)
  const unescapedQuotes = header.replace(/\\./g, '').split('"').length - 1
  if (unescapedQuotes !== 2 * parsed.params.filter(([, v]) => v !== undefined).length) {
    // Every value tokenward writes is a quoted-string: two delimiters each, no other quote.
    throw new Error(`${unescapedQuotes} unescaped quotes for ${parsed.params.length} parameters`)
  }
  return parsed
}

const challengeParams: fc.Arbitrary<ChallengeParams> = fc.record(
  {
    realm: anyText,
    error: anyText,
    errorDescription: anyText,
    scope: fc.array(anyText, { maxLength: 4 }),
    resourceMetadata: anyText,
  },
  { requiredKeys: [] },
)

t.test('buildChallenge: parses back as one challenge with exactly the parameters set', async (t) => {
  fc.assert(
    fc.property(challengeParams, (params) => {
      const header = buildChallenge(params)
      const parsed = assertSafeHeader(header)
      if (parsed.scheme !== 'Bearer') throw new Error(`scheme ${parsed.scheme}`)
      const wanted = expectedParams(params)
      if (JSON.stringify(parsed.params) !== JSON.stringify(wanted)) {
        throw new Error(`parameters ${JSON.stringify(parsed.params)} ≠ ${JSON.stringify(wanted)}`)
      }
    }),
    { numRuns: RUNS },
  )
  t.pass(`${RUNS} runs`)
})

t.test('buildChallenge: an injected ", error=…" or CRLF in a value stays inside that value', async (t) => {
  const injection = fc.tuple(
    anyText,
    fc.constantFrom('", error="x', '"\r\nSet-Cookie: a=b', '\\", scope="admin', '"\n\r"', '\\'),
    anyText,
  )
  fc.assert(
    fc.property(injection, ([before, payload, after]) => {
      const realm = before + payload + after
      const parsed = assertSafeHeader(buildChallenge({ realm }))
      if (parsed.params.length !== 1 || parsed.params[0]?.[0] !== 'realm') {
        throw new Error(`injected parameters: ${JSON.stringify(parsed.params)}`)
      }
    }),
    { numRuns: RUNS },
  )
  t.pass(`${RUNS} runs`)
})

t.test('quote: always one quoted-string that unescapes to the sanitized value', async (t) => {
  fc.assert(
    fc.property(anyText, (value) => {
      const quoted = quote(value)
      const parsed = parseChallenge(`Bearer x=${quoted}`)
      if (parsed.params.length !== 1 || parsed.params[0]?.[1] !== sanitize(value)) {
        throw new Error(`${JSON.stringify(value)} quoted as ${quoted}`)
      }
    }),
    { numRuns: RUNS },
  )
  t.pass(`${RUNS} runs`)
})

const codes = Object.keys(errorCodes) as TokenwardErrorCode[]

t.test('TokenwardError: fixed description, safe challenge, Retry-After a positive integer', async (t) => {
  const init = fc.record(
    {
      realm: anyText,
      resourceMetadata: anyText,
      scope: fc.array(anyText, { maxLength: 4 }),
      cause: fc.oneof(
        anyText.map((text) => new Error(text)),
        anyText,
        fc.anything(),
      ),
      retryAfter: fc.double({ min: -1e9, max: 1e9, noNaN: true }),
    },
    { requiredKeys: [] },
  )
  fc.assert(
    fc.property(fc.constantFrom(...codes), init, (code, context) => {
      const error = new TokenwardError(code, context)
      const spec = errorCodes[code]
      if (error.message !== spec.description) throw new Error(`message is not the fixed description`)
      if (error.code !== code || error.statusCode !== spec.statusCode)
        throw new Error('code or status changed')
      if (spec.statusCode === 503) {
        if (!/^[1-9]\d*$/.test(error.headers['Retry-After'] ?? '')) {
          throw new Error(`Retry-After ${error.headers['Retry-After']}`)
        }
        if (error.headers['WWW-Authenticate'] !== undefined) throw new Error('503 with a challenge')
        return
      }
      const parsed = assertSafeHeader(error.headers['WWW-Authenticate'] as string)
      const wanted = expectedParams({
        realm: context.realm,
        error: 'error' in spec ? spec.error : undefined,
        errorDescription: 'error' in spec ? spec.description : undefined,
        scope: context.scope,
        resourceMetadata: context.resourceMetadata,
      })
      if (JSON.stringify(parsed.params) !== JSON.stringify(wanted)) {
        throw new Error(`parameters ${JSON.stringify(parsed.params)} ≠ ${JSON.stringify(wanted)}`)
      }
    }),
    { numRuns: RUNS },
  )
  t.pass(`${RUNS} runs`)
})

// Not reachable from a request (key sets always pass a finite retryAfter), but
// `TokenwardErrorInit.retryAfter` is public: NaN/Infinity must not reach the header.
t.test('TokenwardError: Retry-After stays a positive integer for NaN and ±Infinity', async (t) => {
  for (const retryAfter of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    const error = new TokenwardError('TW_KEYS_UNAVAILABLE', { retryAfter })
    t.equal(error.headers['Retry-After'], '30', `retryAfter ${retryAfter} falls back to the default`)
  }
})

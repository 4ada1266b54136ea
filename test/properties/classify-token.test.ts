/**
 * Properties of the JWT shape classifier (`decodeToken`, `classifyToken`)
 * and of the whole verifier on random input: random strings, random bytes,
 * and random three-part structures of base64url/JSON/junk. Nothing but a
 * TokenwardError is ever thrown, with a code the step may produce and its
 * fixed description; what is returned is always a pair of plain objects;
 * `none` in any casing never passes; nothing unsigned is ever accepted.
 */
import fc from 'fast-check'
import t from 'tap'
import { exportJWK, generateKeyPair } from 'jose'
import {
  ASYMMETRIC_ALGORITHMS,
  classifyToken,
  createVerifier,
  decodeToken,
  errorCodes,
  isTokenwardError,
  normalizeTyp,
} from '@tokenward/core'
import type { ClassifyOptions, DecodedToken, TokenwardErrorCode } from '@tokenward/core'
import { anyText, b64urlPart, token68 } from './fixtures/arbitraries.js'

const RUNS = 1000
const MAX = 8192

/** Calls `fn`; returns its result or the TokenwardError code, throwing on anything else or on a foreign code. */
function attempt<T>(
  fn: () => T,
  allowed: ReadonlySet<TokenwardErrorCode>,
): { value: T } | { code: TokenwardErrorCode } {
  try {
    return { value: fn() }
  } catch (error) {
    if (!isTokenwardError(error)) throw new Error(`threw a non-TokenwardError: ${String(error)}`)
    if (!allowed.has(error.code)) throw new Error(`unexpected code ${error.code}`)
    if (error.message !== errorCodes[error.code].description)
      throw new Error('description is not the fixed one')
    return { code: error.code }
  }
}

const isPlainObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Three (sometimes two or four) parts of base64url, JSON, token68 or junk. */
const part = fc.oneof(b64urlPart, token68, anyText, fc.constant(''))
const structured: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(part, part, part).map((parts) => parts.join('.')),
  fc.array(part, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.')),
)
const anyToken: fc.Arbitrary<string> = fc.oneof(anyText, structured)

const DECODE_CODES = new Set<TokenwardErrorCode>(['TW_OPAQUE_TOKEN', 'TW_MALFORMED_TOKEN'])

t.test('decodeToken: returns two plain objects or refuses as opaque/malformed', async (t) => {
  fc.assert(
    fc.property(anyToken, (token) => {
      const result = attempt(() => decodeToken(token, MAX), DECODE_CODES)
      const dots = token.split('.').length - 1
      if ('value' in result) {
        if (!isPlainObject(result.value.header) || !isPlainObject(result.value.payload)) {
          throw new Error('decoded a non-object')
        }
        if (dots !== 2) throw new Error(`decoded ${dots + 1} parts`)
      } else if (dots !== 2 && result.code !== 'TW_OPAQUE_TOKEN') {
        throw new Error(`${dots + 1} parts refused as ${result.code}`)
      }
    }),
    { numRuns: RUNS },
  )
  t.pass(`${RUNS} runs`)
})

t.test('decodeToken: longer than maxTokenLength is malformed, whatever it is', async (t) => {
  fc.assert(
    fc.property(anyToken, fc.integer({ min: 16, max: 64 }), (token, max) => {
      fc.pre(token.length > max)
      const result = attempt(() => decodeToken(token, max), DECODE_CODES)
      if (!('code' in result) || result.code !== 'TW_MALFORMED_TOKEN')
        throw new Error(`got ${JSON.stringify(result)}`)
    }),
    { numRuns: RUNS },
  )
  t.pass(`${RUNS} runs`)
})

t.test('decodeToken: round-trips any JSON objects, refuses non-objects', async (t) => {
  const json = fc.oneof(
    fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })),
    fc.jsonValue({ maxDepth: 3 }),
  )
  let decodedCount = 0
  fc.assert(
    fc.property(json, json, token68, (header, payload, signature) => {
      const text = (value: unknown) => JSON.stringify(value) ?? 'null'
      const token = `${Buffer.from(text(header)).toString('base64url')}.${Buffer.from(text(payload)).toString('base64url')}.${Buffer.from(signature).toString('base64url')}`
      fc.pre(token.length <= MAX)
      const result = attempt(() => decodeToken(token, MAX), DECODE_CODES)
      const objects = isPlainObject(header) && isPlainObject(payload)
      if (objects !== 'value' in result)
        throw new Error(`objects=${objects} but got ${JSON.stringify(result)}`)
      if ('value' in result) {
        decodedCount += 1
        if (text(result.value.header) !== text(header) || text(result.value.payload) !== text(payload)) {
          throw new Error('decoded something else than was encoded')
        }
      } else if (result.code !== 'TW_MALFORMED_TOKEN') throw new Error(`refused as ${result.code}`)
    }),
    { numRuns: RUNS },
  )
  t.ok(decodedCount > RUNS / 10, `${RUNS} runs, ${decodedCount} decoded`)
})

const CLASSIFY_CODES = new Set<TokenwardErrorCode>([
  'TW_ID_TOKEN',
  'TW_REFRESH_TOKEN',
  'TW_WRONG_TOKEN_TYPE',
  'TW_ALG_NOT_ALLOWED',
  'TW_MALFORMED_TOKEN',
])

/** Mixed casings of "none". */
const noneSpelling = fc
  .array(fc.boolean(), { minLength: 4, maxLength: 4 })
  .map((upper) => [...'none'].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''))

/** Any JSON-ish value, or one of the values that mean something. */
const someOf = (...values: unknown[]): fc.Arbitrary<unknown> =>
  fc.oneof(fc.constantFrom(...values), fc.jsonValue({ maxDepth: 2 }), anyText)

/** Absent four times out of five: each marker alone refuses, so most tokens must lack most of them. */
const rare = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary, weight: 1 })

/** Drops the `undefined` members, as JSON would. */
const compact = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T

const decoded = fc.record({
  header: fc
    .record({
      alg: fc.oneof(
        { arbitrary: fc.constantFrom(...ASYMMETRIC_ALGORITHMS), weight: 3 },
        { arbitrary: fc.oneof(someOf('HS256', 'none', 'ES256K'), noneSpelling), weight: 1 },
      ),
      typ: fc.oneof(
        fc.constantFrom(undefined, 'JWT', 'at+jwt', 'application/at+jwt', 'AT+JWT'),
        rare(someOf('id_token+jwt', 'dpop+jwt', 'logout+jwt', 'secevent+jwt')),
      ),
      kid: rare(someOf('k1', '../../etc/passwd')),
      crit: rare(someOf(['exp'], [], 'b64')),
      jku: rare(someOf('http://127.0.0.1:1/jwks')),
      jwk: rare(fc.jsonValue({ maxDepth: 2 })),
    })
    .map(compact),
  payload: fc
    .record({
      iss: rare(someOf('https://issuer.test/')),
      aud: rare(someOf('https://api.test', ['https://api.test', 'spa'], 'spa', [])),
      azp: rare(someOf('spa')),
      typ: rare(someOf('Bearer', 'ID', 'Refresh', 'Offline', 'id', 'refresh')),
      token_use: rare(someOf('access', 'id', 'refresh')),
      nonce: rare(someOf('n')),
      at_hash: rare(someOf('h')),
      c_hash: rare(someOf('h')),
      s_hash: rare(someOf('h')),
      events: rare(fc.jsonValue({ maxDepth: 2 })),
    })
    .map(compact),
}) as unknown as fc.Arbitrary<DecodedToken>

const options = (profile: 'jwt' | 'rfc9068'): ClassifyOptions => ({
  algorithms: ASYMMETRIC_ALGORITHMS,
  profile,
  clientIds: new Set(['spa']),
  realm: 'api',
})

t.test(
  'classifyToken: only refusals of its step; what passes is allowed, typed and of the right kind',
  async (t) => {
    let passed = 0
    fc.assert(
      fc.property(decoded, fc.constantFrom('jwt', 'rfc9068' as const), (token, profile) => {
        const result = attempt(() => classifyToken(token, options(profile)), CLASSIFY_CODES)
        if ('code' in result) return
        passed += 1
        const { header, payload } = token
        const typ = typeof header.typ === 'string' ? normalizeTyp(header.typ) : header.typ
        const problems = [
          typeof header.alg !== 'string' || !ASYMMETRIC_ALGORITHMS.includes(header.alg) ? 'alg' : '',
          header.crit !== undefined ? 'crit' : '',
          typ !== undefined && typ !== 'jwt' && typ !== 'at+jwt' ? 'typ' : '',
          profile === 'rfc9068' && typ !== 'at+jwt' ? 'rfc9068 typ' : '',
          payload.events !== undefined ? 'events' : '',
          ['at_hash', 'c_hash', 's_hash'].some((claim) => payload[claim] !== undefined) ? 'OIDC hash' : '',
          [payload.typ, payload.token_use].some(
            (v) => typeof v === 'string' && ['id', 'refresh', 'offline'].includes(v.toLowerCase()),
          )
            ? 'payload typ'
            : '',
          [payload.aud].flat().includes('spa') ? 'client aud' : '',
          payload.nonce !== undefined &&
          !(
            typ === 'at+jwt' ||
            String(payload.typ).toLowerCase() === 'bearer' ||
            String(payload.token_use).toLowerCase() === 'access'
          )
            ? 'nonce without an access-token mark'
            : '',
        ].filter(Boolean)
        if (problems.length > 0)
          throw new Error(`passed with ${problems.join(', ')}: ${JSON.stringify(token)}`)
      }),
      { numRuns: 2000 },
    )
    t.ok(passed > 0, `2000 runs, ${passed} passed classification`)
  },
)

t.test('classifyToken: alg "none" in any casing never passes', async (t) => {
  fc.assert(
    fc.property(decoded, noneSpelling, (token, alg) => {
      const result = attempt(
        () => classifyToken({ ...token, header: { ...token.header, alg } }, options('jwt')),
        CLASSIFY_CODES,
      )
      if ('value' in result) throw new Error('alg none passed')
    }),
    { numRuns: RUNS },
  )
  t.pass(`${RUNS} runs`)
})

t.test('verifier: random tokens and headers are refused with a TokenwardError, never accepted', async (t) => {
  const { publicKey } = await generateKeyPair('ES256')
  const verifier = createVerifier({
    issuer: 'https://issuer.test/',
    audience: 'https://api.test',
    jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] },
    clientIds: ['spa'],
    realm: 'api',
  })
  t.teardown(() => verifier.close())
  const all = new Set(Object.keys(errorCodes) as TokenwardErrorCode[])
  all.delete('TW_KEYS_UNAVAILABLE') // static keys: never unavailable
  all.delete('TW_INSUFFICIENT_SCOPE') // no route requirement here
  const request = fc.oneof(
    anyToken,
    anyToken.map((token) => ({ authorization: `Bearer ${token}` })),
    fc.record({ authorization: fc.oneof(anyText, fc.array(anyText, { maxLength: 3 })) }),
  )
  await fc.assert(
    fc.asyncProperty(request, async (input) => {
      try {
        await verifier.verify(input)
      } catch (error) {
        if (!isTokenwardError(error)) throw new Error(`rejected with a non-TokenwardError: ${String(error)}`)
        if (!all.has(error.code)) throw new Error(`unexpected code ${error.code}`)
        if (error.message !== errorCodes[error.code].description)
          throw new Error('description is not the fixed one')
        return
      }
      throw new Error(`accepted ${JSON.stringify(input)}`)
    }),
    { numRuns: 500 },
  )
  t.pass('500 runs')
})

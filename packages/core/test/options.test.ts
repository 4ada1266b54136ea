import t from 'tap'
import { ASYMMETRIC_ALGORITHMS, createVerifier, HMAC_ALGORITHMS, normalizeOptions } from '@tokenward/core'
import type { VerifierOptions } from '@tokenward/core'
import { AUDIENCE, ISSUER } from './fixtures/helpers.js'

const base: VerifierOptions = { issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [] } }

/** Options with one key replaced (or added, for unknown keys); cast so that bad values compile. */
function withOption(name: string, value: unknown, from: object = base): VerifierOptions {
  return { ...from, [name]: value } as unknown as VerifierOptions
}

t.test('defaults are filled and the result is frozen', async (t) => {
  const options = normalizeOptions({ issuer: ISSUER, audience: AUDIENCE })
  t.ok(Object.isFrozen(options))
  t.same(options.issuers, [ISSUER])
  t.same(options.audiences, [AUDIENCE])
  t.ok(Object.isFrozen(options.issuers))
  t.ok(Object.isFrozen(options.audiences))
  t.equal(options.jwksUri, undefined)
  t.equal(options.jwks, undefined)
  t.equal(options.secret, undefined)
  t.same(options.algorithms, ASYMMETRIC_ALGORITHMS)
  t.notOk(
    options.algorithms.some((alg) => alg.startsWith('HS')),
    'no HMAC algorithm by default',
  )
  t.notOk(options.algorithms.includes('none'))
  t.equal(options.clockTolerance, 5)
  t.equal(options.maxTokenAge, undefined)
  t.equal(options.profile, 'jwt')
  t.same(options.scopeClaims, ['scope', 'scp'])
  t.equal(options.clientIds.size, 0)
  t.same(options.cache, { max: 10000 })
  t.same(options.keys, {
    timeoutDuration: 5000,
    cooldownDuration: 30000,
    cacheMaxAge: 600000,
    staleIfErrorDuration: 43200000,
  })
  t.ok(Object.isFrozen(options.keys))
  t.equal(options.maxTokenLength, 8192)
  t.equal(options.realm, undefined)
  t.equal(options.resourceMetadata, undefined)
  t.equal(options.now, Date.now)
})

t.test('every option is read; lists are copied, the caller object is never mutated', async (t) => {
  const issuers = [ISSUER, 'https://other.example/']
  const audiences = [AUDIENCE, 'urn:api']
  const keys = { timeoutDuration: 100, cooldownDuration: 0, cacheMaxAge: 200, staleIfErrorDuration: 300 }
  const now = (): number => 42
  const input = {
    issuer: issuers,
    audience: audiences,
    jwksUri: 'https://issuer.example/jwks',
    algorithms: ['ES256', 'EdDSA'],
    clockTolerance: 0,
    maxTokenAge: 60,
    profile: 'rfc9068' as const,
    scopeClaims: ['permissions'],
    clientIds: ['spa-client'],
    cache: { max: 5 },
    keys,
    maxTokenLength: 16,
    realm: 'api',
    resourceMetadata: 'https://api.example/.well-known/oauth-protected-resource',
    now,
  }
  const snapshot = structuredClone({ ...input, now: undefined })
  const options = normalizeOptions(input)
  t.same(options.issuers, issuers)
  t.not(options.issuers, issuers, 'issuer list is a copy')
  t.same(options.audiences, audiences)
  t.equal(options.jwksUri, 'https://issuer.example/jwks')
  t.same(options.algorithms, ['ES256', 'EdDSA'])
  t.equal(options.clockTolerance, 0)
  t.equal(options.maxTokenAge, 60)
  t.equal(options.profile, 'rfc9068')
  t.same(options.scopeClaims, ['permissions'])
  t.ok(options.clientIds.has('spa-client'))
  t.same(options.cache, { max: 5 })
  t.same(options.keys, keys)
  t.not(options.keys, keys, 'keys object is a copy')
  t.equal(options.maxTokenLength, 16)
  t.equal(options.realm, 'api')
  t.equal(options.resourceMetadata, 'https://api.example/.well-known/oauth-protected-resource')
  t.equal(options.now, now)
  t.same({ ...input, now: undefined }, snapshot, 'caller options unchanged')
  issuers.push('https://late.example/')
  t.equal(options.issuers.length, 2, 'later changes to the caller list do not leak in')
})

t.test('a partial keys object keeps the other defaults', async (t) => {
  const options = normalizeOptions(withOption('keys', { cooldownDuration: 50 }))
  t.same(options.keys, {
    timeoutDuration: 5000,
    cooldownDuration: 50,
    cacheMaxAge: 600000,
    staleIfErrorDuration: 43200000,
  })
  t.same(normalizeOptions(withOption('cache', {})).cache, { max: 10000 })
  t.equal(normalizeOptions(withOption('cache', false)).cache, false)
})

t.test('jwks is copied (structured clone), not kept by reference', async (t) => {
  const jwks = { keys: [{ kty: 'EC', kid: 'a' }] }
  const options = normalizeOptions(withOption('jwks', jwks))
  t.same(options.jwks, jwks)
  t.not(options.jwks, jwks)
  jwks.keys.push({ kty: 'EC', kid: 'b' })
  t.equal(options.jwks?.keys.length, 1)
})

t.test('secret: HMAC algorithms by default, string or bytes, bytes copied', async (t) => {
  const fromString = normalizeOptions({ issuer: ISSUER, audience: AUDIENCE, secret: 'shh' })
  t.same(fromString.algorithms, HMAC_ALGORITHMS)
  t.same([...(fromString.secret as Uint8Array)], [...new TextEncoder().encode('shh')])
  const bytes = new Uint8Array([1, 2, 3])
  const fromBytes = normalizeOptions({
    issuer: ISSUER,
    audience: AUDIENCE,
    secret: bytes,
    algorithms: ['HS512'],
  })
  t.same([...(fromBytes.secret as Uint8Array)], [1, 2, 3])
  bytes[0] = 9
  t.equal(fromBytes.secret?.[0], 1, 'the secret bytes are copied')
  t.same(fromBytes.algorithms, ['HS512'])
})

t.test('options must be an object', async (t) => {
  for (const value of [undefined, null, 'https://issuer.example/', [ISSUER]]) {
    t.throws(
      () => createVerifier(value as unknown as VerifierOptions),
      { name: 'TypeError', message: 'tokenward options must be an object' },
      String(value),
    )
  }
})

/** [description, options, the option the TypeError must name, message fragment] */
const bad: Array<[string, VerifierOptions, string, RegExp]> = [
  ['unknown key aud (typo of audience)', withOption('aud', AUDIENCE), 'aud', /is not a known option/],
  ['unknown key iss', withOption('iss', ISSUER), 'iss', /is not a known option/],
  ['unknown key jwks_uri', withOption('jwks_uri', 'https://x/'), 'jwks_uri', /is not a known option/],
  [
    'missing issuer',
    { audience: AUDIENCE, jwks: { keys: [] } } as unknown as VerifierOptions,
    'issuer',
    /must be a non-empty string or string\[\]/,
  ],
  ['empty issuer string', withOption('issuer', ''), 'issuer', /non-empty/],
  ['empty issuer list', withOption('issuer', []), 'issuer', /non-empty/],
  ['issuer list with a number', withOption('issuer', [ISSUER, 1]), 'issuer', /non-empty/],
  ['issuer object', withOption('issuer', { url: ISSUER }), 'issuer', /non-empty/],
  [
    'missing audience',
    { issuer: ISSUER, jwks: { keys: [] } } as unknown as VerifierOptions,
    'audience',
    /must be a non-empty string or string\[\]/,
  ],
  ['empty audience list', withOption('audience', []), 'audience', /non-empty/],
  ['audience list with empty string', withOption('audience', ['']), 'audience', /non-empty/],
  ['jwksUri not a URL', withOption('jwksUri', 'jwks.json'), 'jwksUri', /must be an absolute URL/],
  ['jwksUri not a string', withOption('jwksUri', 42), 'jwksUri', /must be an absolute URL/],
  ['jwksUri ftp', withOption('jwksUri', 'ftp://issuer.example/jwks'), 'jwksUri', /must be an http\(s\) URL/],
  ['jwks not a set', withOption('jwks', [{ kty: 'EC' }]), 'jwks', /JSON Web Key Set/],
  ['jwks without keys', withOption('jwks', {}), 'jwks', /JSON Web Key Set/],
  ['jwks with a non-object key', withOption('jwks', { keys: ['k'] }), 'jwks', /JSON Web Key Set/],
  [
    'algorithms with none',
    withOption('algorithms', ['RS256', 'none']),
    'algorithms',
    /must not contain "none"/,
  ],
  ['algorithms with NONE', withOption('algorithms', ['NONE']), 'algorithms', /must not contain "none"/],
  ['algorithms empty', withOption('algorithms', []), 'algorithms', /non-empty/],
  ['algorithms unknown', withOption('algorithms', ['RS1']), 'algorithms', /unknown JWS algorithm "RS1"/],
  [
    'HS256 without secret',
    withOption('algorithms', ['HS256']),
    'algorithms',
    /may contain "HS256" only together with "secret"/,
  ],
  [
    'RS256 with secret',
    { issuer: ISSUER, audience: AUDIENCE, secret: 'shh', algorithms: ['HS256', 'RS256'] },
    'algorithms',
    /must hold only HS\* algorithms when "secret" is set/,
  ],
  ['secret with jwks', withOption('secret', 'shh'), 'secret', /cannot be combined with "jwks" or "jwksUri"/],
  [
    'secret with jwksUri',
    { issuer: ISSUER, audience: AUDIENCE, secret: 'shh', jwksUri: 'https://issuer.example/jwks' },
    'secret',
    /cannot be combined/,
  ],
  [
    'empty secret',
    { issuer: ISSUER, audience: AUDIENCE, secret: '' },
    'secret',
    /non-empty string or Uint8Array/,
  ],
  [
    'empty secret bytes',
    { issuer: ISSUER, audience: AUDIENCE, secret: new Uint8Array() },
    'secret',
    /non-empty string or Uint8Array/,
  ],
  [
    'secret number',
    { issuer: ISSUER, audience: AUDIENCE, secret: 42 } as unknown as VerifierOptions,
    'secret',
    /non-empty string or Uint8Array/,
  ],
  ['clockTolerance negative', withOption('clockTolerance', -1), 'clockTolerance', /finite number >= 0/],
  ['clockTolerance string', withOption('clockTolerance', '5s'), 'clockTolerance', /finite number >= 0/],
  ['clockTolerance Infinity', withOption('clockTolerance', Infinity), 'clockTolerance', /finite number/],
  ['maxTokenAge 0', withOption('maxTokenAge', 0), 'maxTokenAge', /finite number >= 1/],
  ['maxTokenAge NaN', withOption('maxTokenAge', Number.NaN), 'maxTokenAge', /finite number >= 1/],
  ['profile unknown', withOption('profile', 'rfc7519'), 'profile', /must be 'jwt' or 'rfc9068'/],
  ['scopeClaims empty', withOption('scopeClaims', []), 'scopeClaims', /non-empty/],
  ['scopeClaims with a number', withOption('scopeClaims', ['scope', 3]), 'scopeClaims', /non-empty/],
  ['clientIds with empty string', withOption('clientIds', ['']), 'clientIds', /string\[\]/],
  ['clientIds object', withOption('clientIds', { spa: true }), 'clientIds', /string\[\]/],
  ['cache true', withOption('cache', true), 'cache', /must be false or \{ max\?: number \}/],
  ['cache array', withOption('cache', [1]), 'cache', /must be false or/],
  ['cache unknown key', withOption('cache', { maxSize: 10 }), 'cache.maxSize', /is not a known option/],
  ['cache max 0', withOption('cache', { max: 0 }), 'cache.max', /finite integer >= 1/],
  ['cache max fraction', withOption('cache', { max: 1.5 }), 'cache.max', /finite integer >= 1/],
  ['keys not an object', withOption('keys', 5000), 'keys', /must be an object/],
  ['keys unknown key', withOption('keys', { timeout: 5 }), 'keys.timeout', /is not a known option/],
  ['keys timeoutDuration 0', withOption('keys', { timeoutDuration: 0 }), 'keys.timeoutDuration', />= 1/],
  [
    'keys cooldownDuration negative',
    withOption('keys', { cooldownDuration: -1 }),
    'keys.cooldownDuration',
    />= 0/,
  ],
  [
    'keys cacheMaxAge string',
    withOption('keys', { cacheMaxAge: '10m' }),
    'keys.cacheMaxAge',
    /finite number/,
  ],
  [
    'keys staleIfErrorDuration Infinity',
    withOption('keys', { staleIfErrorDuration: Infinity }),
    'keys.staleIfErrorDuration',
    /finite number/,
  ],
  ['maxTokenLength too small', withOption('maxTokenLength', 15), 'maxTokenLength', /finite integer >= 16/],
  ['maxTokenLength fraction', withOption('maxTokenLength', 100.5), 'maxTokenLength', /integer/],
  ['realm number', withOption('realm', 1), 'realm', /must be a string/],
  ['resourceMetadata relative', withOption('resourceMetadata', '/meta'), 'resourceMetadata', /absolute URL/],
  ['now not a function', withOption('now', 1700000000000), 'now', /must be a function/],
  [
    'jwks with jwksUri',
    withOption('jwksUri', 'https://issuer.example/jwks'),
    'jwks',
    /cannot be combined with "jwksUri"/,
  ],
  [
    'issuer not a URL when keys must be discovered',
    { issuer: 'my-issuer', audience: AUDIENCE },
    'issuer',
    /must be an absolute URL/,
  ],
]

t.test('an issuer that is not a URL is fine when its keys are given', async (t) => {
  t.doesNotThrow(() => createVerifier({ issuer: 'my-issuer', audience: AUDIENCE, jwks: { keys: [] } }))
  t.doesNotThrow(() => createVerifier({ issuer: 'my-issuer', audience: AUDIENCE, secret: 'shh' }))
})

for (const [description, options, option, message] of bad) {
  t.test(`TypeError: ${description}`, async (t) => {
    let caught: unknown
    try {
      createVerifier(options)
    } catch (error) {
      caught = error
    }
    t.type(caught, TypeError)
    const text = (caught as Error).message
    t.ok(text.startsWith(`"${option}" option `), `names the option: ${text}`)
    t.match(text, message)
  })
}

t.test('a good configuration does not throw', async (t) => {
  t.doesNotThrow(() => createVerifier(base).close())
  t.doesNotThrow(() => createVerifier({ issuer: ISSUER, audience: AUDIENCE, secret: 's' }).close())
  t.doesNotThrow(() =>
    createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUri: 'http://127.0.0.1:1/jwks' }).close(),
  )
})

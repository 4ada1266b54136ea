import t from 'tap'
import { createVerifier, extractBearerToken, TokenwardError } from '@tokenward/core'
import { AUDIENCE, ISSUER, refused } from './fixtures/helpers.js'

const context = { realm: 'api' }
const MISSING = 'Bearer realm="api"'
const INVALID_REQUEST =
  'Bearer realm="api", error="invalid_request", error_description="The Authorization header is malformed: send exactly one \\"Authorization: Bearer <access token>\\" header"'

function extract(header: string | readonly string[] | undefined): string | TokenwardError {
  try {
    return extractBearerToken(header, context)
  } catch (error) {
    return error as TokenwardError
  }
}

const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'

t.test('accepted forms', async (t) => {
  t.equal(extract(`Bearer ${TOKEN}`), TOKEN)
  t.equal(extract(`bearer ${TOKEN}`), TOKEN, 'scheme is case-insensitive')
  t.equal(extract(`BEARER ${TOKEN}`), TOKEN)
  t.equal(extract(`BeArEr ${TOKEN}`), TOKEN)
  t.equal(extract(`Bearer    ${TOKEN}`), TOKEN, 'one or more spaces (1*SP)')
  t.equal(extract(`  Bearer ${TOKEN}  `), TOKEN, 'surrounding whitespace is trimmed')
  t.equal(extract([`Bearer ${TOKEN}`]), TOKEN, 'one header given as an array')
  t.equal(extract('Bearer abc-._~+/xyz=='), 'abc-._~+/xyz==', 'every token68 character, trailing "="')
  t.equal(extractBearerToken(`Bearer ${TOKEN}`), TOKEN, 'context is optional')
})

const missing: Array<[string, string | readonly string[] | undefined]> = [
  ['no header', undefined],
  ['empty header', ''],
  ['blank header', '   '],
  ['empty array', []],
  ['array with an empty header', ['']],
  ['Basic credentials only', 'Basic dXNlcjpwYXNz'],
  ['Digest credentials', 'Digest username="a", realm="b"'],
  ['a scheme that starts like bearer', 'Bearerx abc'],
  ['a token with no scheme', TOKEN],
]
for (const [description, header] of missing) {
  t.test(`401 missing token: ${description}`, async (t) => {
    const error = extract(header)
    t.type(error, TokenwardError)
    const e = error as TokenwardError
    t.equal(e.code, 'TW_MISSING_TOKEN')
    t.equal(e.statusCode, 401)
    t.equal(e.error, undefined, 'no error code in the bare challenge')
    t.equal(e.headers['WWW-Authenticate'], MISSING)
  })
}

const invalid: Array<[string, string | readonly string[]]> = [
  ['Bearer alone', 'Bearer'],
  ['Bearer and spaces', 'Bearer    '],
  ['tab between scheme and token', `Bearer\t${TOKEN}`],
  ['two Authorization headers', [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]],
  ['two headers of different schemes', ['Basic dXNlcjpwYXNz', `Bearer ${TOKEN}`]],
  ['Basic then Bearer in one header', `Basic x, Bearer ${TOKEN}`],
  ['Bearer then Basic in one header', `Bearer ${TOKEN}, Basic x`],
  ['two Bearer credentials in one header', `Bearer a, Bearer b`],
  ['a space inside the token', 'Bearer abc def'],
  ['a comma right after the scheme', 'Bearer,abc'],
  ['a character outside token68', 'Bearer abc"def'],
  ['"=" inside the token', 'Bearer ab=c'],
  ['non-ASCII token', 'Bearer tökén'],
]
for (const [description, header] of invalid) {
  t.test(`400 invalid request: ${description}`, async (t) => {
    const error = extract(header)
    t.type(error, TokenwardError)
    const e = error as TokenwardError
    t.equal(e.code, 'TW_INVALID_REQUEST')
    t.equal(e.statusCode, 400)
    t.equal(e.error, 'invalid_request')
    t.equal(e.headers['WWW-Authenticate'], INVALID_REQUEST)
  })
}

t.test('the verifier applies the same rules and never reads a bare array of one empty token', async (t) => {
  const verifier = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [] }, realm: 'api' })
  t.teardown(() => verifier.close())
  await refused(t, verifier.verify({}), 'TW_MISSING_TOKEN', MISSING)
  await refused(t, verifier.verify({ authorization: 'Basic x' }), 'TW_MISSING_TOKEN', MISSING)
  await refused(t, verifier.verify({ authorization: 'Bearer' }), 'TW_INVALID_REQUEST', INVALID_REQUEST, 400)
  await refused(
    t,
    verifier.verify({ authorization: 'Basic x, Bearer y' }),
    'TW_INVALID_REQUEST',
    INVALID_REQUEST,
    400,
  )
  await refused(
    t,
    verifier.verify({ authorization: ['Bearer a', 'Bearer b'] }),
    'TW_INVALID_REQUEST',
    INVALID_REQUEST,
    400,
  )
  await refused(t, verifier.verify(''), 'TW_MISSING_TOKEN', MISSING)
  await refused(
    t,
    verifier.verify({ authorization: 'Bearer opaque-token' }),
    'TW_OPAQUE_TOKEN',
    'Bearer realm="api", error="invalid_token", error_description="The access token is not a JWT (an opaque or encrypted token); this API needs a JWT access token issued for its audience (with Auth0, request an audience)"',
  )
  // tokens in the query string or the body are never read: only `authorization` is looked at
  const request = { url: `/x?access_token=${TOKEN}`, method: 'GET', body: { access_token: TOKEN } }
  await refused(t, verifier.verify(request), 'TW_MISSING_TOKEN', MISSING)
})

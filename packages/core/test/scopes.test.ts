import t from 'tap'
import {
  createVerifier,
  normalizeScopeRequirement,
  readScopes,
  requireScopes,
  TokenwardError,
} from '@tokenward/core'
import type { ScopeRequirement } from '@tokenward/core'
import { AUDIENCE, Clock, ISSUER, jwksOf, makeKey, mint, refused, thrown } from './fixtures/helpers.js'

const FORBIDDEN = (scope: string, extra = ''): string =>
  `Bearer realm="api", error="insufficient_scope", error_description="The access token lacks the scope this request needs", scope="${scope}"${extra}`

t.test('readScopes: space-separated strings and arrays, union of the claims', async (t) => {
  t.same([...readScopes({ scope: 'read:a write:b' }, ['scope', 'scp'])], ['read:a', 'write:b'])
  t.same([...readScopes({ scp: ['read:a', 'admin'] }, ['scope', 'scp'])], ['read:a', 'admin'])
  t.same(
    [...readScopes({ scp: 'read:a admin' }, ['scope', 'scp'])],
    ['read:a', 'admin'],
    'Azure AD scp string',
  )
  t.same(
    [
      ...readScopes({ scope: 'read:a  write:b ', permissions: ['write:b', 'delete:c'] }, [
        'scope',
        'permissions',
      ]),
    ],
    ['read:a', 'write:b', 'delete:c'],
    'union without duplicates, empty items dropped',
  )
  t.same(
    [...readScopes({ scope: 'read:a', scp: ['x'] }, ['scope'])],
    ['read:a'],
    'only the configured claims',
  )
  t.same([...readScopes({ permissions: ['', 'a'] }, ['permissions'])], ['a'], 'empty array items dropped')
  t.equal(readScopes({}, ['scope', 'scp']).size, 0)
  t.equal(readScopes({ scope: '' }, ['scope']).size, 0)
})

t.test('readScopes: a scope claim of another type is a malformed token', async (t) => {
  for (const value of [42, { read: true }, ['a', 1], null, true]) {
    const caught = thrown(() => readScopes({ scope: value }, ['scope'], { realm: 'api' }))
    t.type(caught, TokenwardError, JSON.stringify(value))
    t.equal((caught as TokenwardError).code, 'TW_MALFORMED_TOKEN')
    t.equal(
      (caught as TokenwardError).headers['WWW-Authenticate'],
      'Bearer realm="api", error="invalid_token", error_description="The access token is malformed: it is not a well-formed JWT"',
    )
  }
  t.throws(() => readScopes({ scp: 1 }, ['scope', 'scp']), { code: 'TW_MALFORMED_TOKEN' }, 'default context')
})

function check(scopes: string[], requirement: ScopeRequirement): TokenwardError | undefined {
  return thrown(() => requireScopes({ scopes: new Set(scopes) }, requirement, { realm: 'api' })) as
    TokenwardError | undefined
}

t.test('requireScopes: all of', async (t) => {
  t.equal(check(['read:a', 'write:b'], { all: ['read:a', 'write:b'] }), undefined)
  t.equal(check(['read:a'], {}), undefined, 'no requirement')
  t.equal(check([], { all: [] }), undefined, 'empty all')
  const error = check(['read:a'], { all: ['read:a', 'write:b'] }) as TokenwardError
  t.type(error, TokenwardError)
  t.equal(error.code, 'TW_INSUFFICIENT_SCOPE')
  t.equal(error.statusCode, 403)
  t.equal(error.error, 'insufficient_scope')
  t.same(error.scope, ['read:a', 'write:b'])
  t.equal(error.headers['WWW-Authenticate'], FORBIDDEN('read:a write:b'))
})

t.test('requireScopes: any of', async (t) => {
  t.equal(check(['admin'], { any: ['read:reports', 'admin'] }), undefined)
  const error = check(['read:a'], { any: ['read:reports', 'admin'] }) as TokenwardError
  t.equal(error.code, 'TW_INSUFFICIENT_SCOPE')
  t.equal(error.statusCode, 403)
  t.equal(error.headers['WWW-Authenticate'], FORBIDDEN('read:reports admin'))
})

t.test('requireScopes: all and any together', async (t) => {
  t.equal(check(['read:a', 'admin'], { all: ['read:a'], any: ['admin', 'root'] }), undefined)
  const noneOfAny = check(['read:a'], { all: ['read:a'], any: ['admin', 'root'] }) as TokenwardError
  t.same(noneOfAny.scope, ['read:a', 'admin', 'root'], 'all plus any when none of any is granted')
  t.equal(noneOfAny.headers['WWW-Authenticate'], FORBIDDEN('read:a admin root'))
  const missingAll = check(['admin'], { all: ['read:a'], any: ['admin', 'root'] }) as TokenwardError
  t.same(missingAll.scope, ['read:a'], 'any is satisfied: only all is listed')
  t.equal(missingAll.headers['WWW-Authenticate'], FORBIDDEN('read:a'))
  const noContext = thrown(() => requireScopes({ scopes: new Set() }, { all: ['x'] })) as TokenwardError
  t.equal(noContext.code, 'TW_INSUFFICIENT_SCOPE')
  t.equal(
    noContext.headers['WWW-Authenticate'],
    'Bearer error="insufficient_scope", error_description="The access token lacks the scope this request needs", scope="x"',
    'default context: no realm',
  )
})

t.test('normalizeScopeRequirement validates once and freezes a copy', async (t) => {
  const all = ['read:a']
  const normalized = normalizeScopeRequirement({ all, any: ['admin'] })
  t.same(normalized, { all: ['read:a'], any: ['admin'] })
  t.ok(Object.isFrozen(normalized))
  t.ok(Object.isFrozen(normalized.all))
  t.ok(Object.isFrozen(normalized.any))
  all.push('write:b')
  t.same(normalized.all, ['read:a'], 'a copy')
  t.same(normalizeScopeRequirement({}), {})
  t.notOk('any' in normalizeScopeRequirement({ all: ['a'] }))
  t.notOk('all' in normalizeScopeRequirement({ any: ['a'] }))
  t.same(normalizeScopeRequirement({ all: [] }), { all: [] })
  const bad: Array<[unknown, RegExp]> = [
    [{ all: 'read:a' }, /"all" scopes must be an array/],
    [{ all: ['read a'] }, /"all" scopes/],
    [{ all: ['say"hi'] }, /"all" scopes/],
    [{ all: ['back\\slash'] }, /"all" scopes/],
    [{ all: [''] }, /"all" scopes/],
    [{ all: [1] }, /"all" scopes/],
    [{ any: [] }, /"any" scopes must be a non-empty array/],
    [{ any: 'admin' }, /"any" scopes/],
    [{ any: ['a\tb'] }, /"any" scopes/],
  ]
  for (const [requirement, message] of bad) {
    t.throws(
      () => normalizeScopeRequirement(requirement as ScopeRequirement),
      { name: 'TypeError', message },
      JSON.stringify(requirement),
    )
  }
})

t.test(
  'verifier: scopes from scope, scp and permissions; verifier.requireScopes uses its challenge',
  async (t) => {
    const key = await makeKey()
    const clock = new Clock()
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: jwksOf(key),
      realm: 'api',
      resourceMetadata: 'https://api.example/.well-known/oauth-protected-resource',
      scopeClaims: ['scope', 'scp', 'permissions'],
      now: clock.now,
    })
    t.teardown(() => verifier.close())
    const principal = await verifier.verify(
      await mint(key, {
        claims: { scope: 'read:a write:b', scp: ['read:a', 'azure'], permissions: ['delete:c'] },
      }),
    )
    t.same([...principal.scopes].sort(), ['azure', 'delete:c', 'read:a', 'write:b'])
    t.doesNotThrow(() =>
      verifier.requireScopes(principal, { all: ['read:a', 'delete:c'], any: ['azure', 'x'] }),
    )
    const forbidden = thrown(() => verifier.requireScopes(principal, { all: ['admin'] })) as TokenwardError
    t.type(forbidden, TokenwardError)
    t.equal(forbidden.code, 'TW_INSUFFICIENT_SCOPE')
    t.equal(forbidden.statusCode, 403)
    t.equal(
      forbidden.headers['WWW-Authenticate'],
      FORBIDDEN('admin', ', resource_metadata="https://api.example/.well-known/oauth-protected-resource"'),
    )

    const defaultClaims = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: jwksOf(key),
      now: clock.now,
    })
    t.teardown(() => defaultClaims.close())
    const auth0 = await defaultClaims.verify(
      await mint(key, { claims: { scope: 'openid profile', permissions: ['read:appointments'] } }),
    )
    t.same([...auth0.scopes], ['openid', 'profile'], 'permissions are read only when configured')

    const malformed = await mint(key, { claims: { scope: 42 } })
    await refused(
      t,
      verifier.verify(malformed),
      'TW_MALFORMED_TOKEN',
      'Bearer realm="api", error="invalid_token", error_description="The access token is malformed: it is not a well-formed JWT", resource_metadata="https://api.example/.well-known/oauth-protected-resource"',
    )
  },
)

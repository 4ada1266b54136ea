/**
 * Per-route declarations: `config.auth` in each of its forms, the
 * `requireScopes` / `requireAnyScope` hooks, and bad values failing at start-up.
 */
import t from 'tap'
import Fastify from 'fastify'
import type { FastifyInstance, onRequestHookHandler } from 'fastify'
import tokenward from '@tokenward/fastify'
import { createIssuer, NOW_S } from './fixtures/issuer.js'
import { assertRefusal, bearer, pluginOptions } from './fixtures/app.js'

const issuer = await createIssuer()
const token = {
  none: await issuer.sign({ scope: undefined }),
  readA: await issuer.sign({ scope: 'read:a' }),
  readWrite: await issuer.sign({ scope: 'read:a write:a' }),
  admin: await issuer.sign({ scope: 'admin' }),
  expired: await issuer.sign({ exp: NOW_S - 600 }),
}

async function appWith(routes: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(tokenward, pluginOptions(issuer))
  routes(app)
  await app.ready()
  t.teardown(() => app.close())
  return app
}

const sub = async (request: { auth: { sub: string } | null }) => ({ sub: request.auth?.sub ?? null })

t.test('default, auth: true and auth: false', async (t) => {
  const app = await appWith((app) => {
    app.get('/default', sub)
    app.get('/true', { config: { auth: true } }, sub)
    app.get('/false', { config: { auth: false } }, async (request) => ({ auth: request.auth }))
    app.get('/other-config', { config: { something: 'else' } as object }, sub)
    app.route({ method: ['GET', 'POST'], url: '/methods', handler: sub })
  })
  for (const url of ['/default', '/true', '/other-config', '/methods']) {
    assertRefusal(t, await app.inject({ url }), 'TW_MISSING_TOKEN', { message: url })
    const ok = await app.inject({ url, headers: bearer(token.readA) })
    t.same([ok.statusCode, ok.json()], [200, { sub: 'user-1' }], url)
  }
  assertRefusal(t, await app.inject({ method: 'POST', url: '/methods' }), 'TW_MISSING_TOKEN', {
    message: 'POST of a multi-method route',
  })
  const pub = await app.inject({ url: '/false' })
  t.same([pub.statusCode, pub.json(), pub.headers['www-authenticate']], [200, { auth: null }, undefined])
  // A public route never looks at credentials, even bad ones.
  for (const authorization of [`Bearer ${token.expired}`, 'Bearer a b', 'Basic eA==']) {
    const res = await app.inject({ url: '/false', headers: { authorization } })
    t.same([res.statusCode, res.json()], [200, { auth: null }], `public with ${authorization.slice(0, 8)}`)
  }
})

t.test('{ scopes }: all of them; { anyScope }: at least one; both together', async (t) => {
  const app = await appWith((app) => {
    app.get('/all', { config: { auth: { scopes: ['read:a', 'write:a'] } } }, sub)
    app.get('/any', { config: { auth: { anyScope: ['write:a', 'admin'] } } }, sub)
    app.get('/both', { config: { auth: { scopes: ['read:a'], anyScope: ['write:a', 'admin'] } } }, sub)
    app.get('/empty', { config: { auth: { scopes: [] } } }, sub)
    app.get('/empty-object', { config: { auth: {} } }, sub)
  })
  const call = (url: string, t: string) => app.inject({ url, headers: bearer(t) })

  assertRefusal(t, await call('/all', token.readA), 'TW_INSUFFICIENT_SCOPE', { scope: 'read:a write:a' })
  assertRefusal(t, await call('/all', token.none), 'TW_INSUFFICIENT_SCOPE', { scope: 'read:a write:a' })
  t.equal((await call('/all', token.readWrite)).statusCode, 200)

  assertRefusal(t, await call('/any', token.readA), 'TW_INSUFFICIENT_SCOPE', { scope: 'write:a admin' })
  t.equal((await call('/any', token.readWrite)).statusCode, 200)
  t.equal((await call('/any', token.admin)).statusCode, 200)

  assertRefusal(t, await call('/both', token.readA), 'TW_INSUFFICIENT_SCOPE', {
    scope: 'read:a write:a admin',
    message: 'all held, none of any',
  })
  assertRefusal(t, await call('/both', token.admin), 'TW_INSUFFICIENT_SCOPE', {
    scope: 'read:a',
    message: 'one of any held, all missing',
  })
  t.equal((await call('/both', token.readWrite)).statusCode, 200)

  t.equal((await call('/empty', token.none)).statusCode, 200, 'scopes: [] only needs a valid token')
  t.equal((await call('/empty-object', token.none)).statusCode, 200, '{} only needs a valid token')
  assertRefusal(t, await app.inject({ url: '/empty' }), 'TW_MISSING_TOKEN')
  assertRefusal(t, await app.inject({ url: '/all' }), 'TW_MISSING_TOKEN', {
    message: 'authentication before scopes',
  })
  assertRefusal(t, await call('/all', token.expired), 'TW_EXPIRED', {
    message: 'token checked before scopes',
  })
})

t.test('{ optional: true }', async (t) => {
  const app = await appWith((app) => {
    app.get('/feed', { config: { auth: { optional: true } } }, sub)
    app.get('/feed-false', { config: { auth: { optional: false } } }, sub)
    app.get('/feed-scoped', { config: { auth: { optional: true, scopes: ['write:a'] } } }, sub)
  })
  const none = await app.inject({ url: '/feed' })
  t.same([none.statusCode, none.json(), none.headers['www-authenticate']], [200, { sub: null }, undefined])
  const basic = await app.inject({ url: '/feed', headers: { authorization: 'Basic eA==' } })
  t.same([basic.statusCode, basic.json()], [200, { sub: null }], 'another scheme counts as no token')
  const withToken = await app.inject({ url: '/feed', headers: bearer(token.readA) })
  t.same([withToken.statusCode, withToken.json()], [200, { sub: 'user-1' }])

  assertRefusal(t, await app.inject({ url: '/feed', headers: bearer(token.expired) }), 'TW_EXPIRED', {
    message: 'a bad token is still refused',
  })
  assertRefusal(t, await app.inject({ url: '/feed', headers: bearer('opaque-token') }), 'TW_OPAQUE_TOKEN')
  assertRefusal(
    t,
    await app.inject({ url: '/feed', headers: bearer(await issuer.sign({ nonce: 'n' })) }),
    'TW_ID_TOKEN',
  )
  assertRefusal(
    t,
    await app.inject({ url: '/feed', headers: { authorization: 'Bearer a b' } }),
    'TW_INVALID_REQUEST',
  )

  assertRefusal(t, await app.inject({ url: '/feed-false' }), 'TW_MISSING_TOKEN', {
    message: 'optional: false',
  })

  // With scopes: anonymous callers pass, a token must carry the scopes.
  const anonymous = await app.inject({ url: '/feed-scoped' })
  t.same([anonymous.statusCode, anonymous.json()], [200, { sub: null }])
  assertRefusal(
    t,
    await app.inject({ url: '/feed-scoped', headers: bearer(token.readA) }),
    'TW_INSUFFICIENT_SCOPE',
    {
      scope: 'write:a',
    },
  )
  t.equal((await app.inject({ url: '/feed-scoped', headers: bearer(token.readWrite) })).statusCode, 200)
})

t.test('app.requireScopes / app.requireAnyScope as onRequest hooks', async (t) => {
  const order: string[] = []
  const record: onRequestHookHandler = async (request) => {
    order.push(request.auth === null ? 'hook saw no auth' : `hook saw ${request.auth.sub}`)
  }
  const app = await appWith((app) => {
    app.get('/all', { onRequest: app.requireScopes('read:a', 'write:a') }, sub)
    app.get('/any', { onRequest: app.requireAnyScope('write:a', 'admin') }, sub)
    app.get('/array', { onRequest: [record, app.requireScopes('read:a')] }, sub)
    app.get(
      '/optional',
      { config: { auth: { optional: true } }, onRequest: app.requireScopes('read:a') },
      sub,
    )
    app.get('/public', { config: { auth: false }, onRequest: app.requireScopes('read:a') }, sub)
    app.get('/pre-handler', { preHandler: app.requireAnyScope('admin') }, sub)
  })
  const call = (url: string, t?: string) =>
    app.inject({ url, ...(t === undefined ? {} : { headers: bearer(t) }) })

  assertRefusal(t, await call('/all', token.readA), 'TW_INSUFFICIENT_SCOPE', { scope: 'read:a write:a' })
  t.equal((await call('/all', token.readWrite)).statusCode, 200)
  assertRefusal(t, await call('/all'), 'TW_MISSING_TOKEN', { message: 'route authentication runs first' })

  assertRefusal(t, await call('/any', token.readA), 'TW_INSUFFICIENT_SCOPE', { scope: 'write:a admin' })
  t.equal((await call('/any', token.admin)).statusCode, 200)

  t.equal((await call('/array', token.readA)).statusCode, 200)
  t.same(order, ['hook saw user-1'], 'the token is verified before the route’s own hooks')
  assertRefusal(t, await call('/array', token.none), 'TW_INSUFFICIENT_SCOPE', { scope: 'read:a' })

  assertRefusal(t, await call('/optional'), 'TW_MISSING_TOKEN', {
    message: 'optional route, no token, scope hook',
  })
  assertRefusal(t, await call('/optional', token.none), 'TW_INSUFFICIENT_SCOPE', { scope: 'read:a' })
  t.equal((await call('/optional', token.readA)).statusCode, 200)

  assertRefusal(t, await call('/public', token.readA), 'TW_MISSING_TOKEN', {
    message: 'a scope hook on a public route has no principal',
  })
  assertRefusal(t, await call('/pre-handler', token.readA), 'TW_INSUFFICIENT_SCOPE', { scope: 'admin' })
  t.equal((await call('/pre-handler', token.admin)).statusCode, 200)
})

t.test('a scope hook for a whole context, as a preHandler hook', async (t) => {
  const app = Fastify()
  await app.register(tokenward, pluginOptions(issuer))
  await app.register(async (admin) => {
    admin.addHook('preHandler', admin.requireScopes('admin'))
    admin.get('/admin/users', sub)
  })
  t.teardown(() => app.close())
  assertRefusal(t, await app.inject('/admin/users'), 'TW_MISSING_TOKEN')
  assertRefusal(
    t,
    await app.inject({ url: '/admin/users', headers: bearer(token.readA) }),
    'TW_INSUFFICIENT_SCOPE',
    {
      scope: 'admin',
    },
  )
  t.equal((await app.inject({ url: '/admin/users', headers: bearer(token.admin) })).statusCode, 200)
})

t.test('requireScopes / requireAnyScope validate their arguments', async (t) => {
  const app = Fastify()
  await app.register(tokenward, pluginOptions(issuer))
  t.teardown(() => app.close())
  t.throws(() => app.requireScopes(), {
    name: 'TypeError',
    message: /requireScopes\(\) needs at least one scope/,
  })
  t.throws(() => app.requireAnyScope(), {
    name: 'TypeError',
    message: /requireAnyScope\(\) needs at least one scope/,
  })
  t.throws(() => app.requireScopes('has space'), TypeError)
  t.throws(() => app.requireAnyScope('quo"te'), TypeError)
  t.throws(() => app.requireScopes(42 as unknown as string), TypeError)
})

t.test('invalid config.auth throws a TypeError at start-up', async (t) => {
  const bad: [string, unknown, RegExp][] = [
    ['unknown key', { bogus: 1 }, /GET \/x has an unknown key "bogus"/],
    ['typo of scopes', { scope: ['a'] }, /unknown key "scope"/],
    ['scopes not an array', { scopes: 'read:a' }, /GET \/x is invalid: "scopes" scopes must be an array/],
    ['scopes of non-strings', { scopes: [1] }, /"scopes"/],
    ['scope with a space', { scopes: ['read a'] }, /"scopes"/],
    ['anyScope empty', { anyScope: [] }, /"anyScope" scopes must be a non-empty array/],
    ['anyScope not an array', { anyScope: 'admin' }, /"anyScope"/],
    ['optional not boolean', { optional: 'yes' }, /"optional" must be a boolean/],
    ['a string', 'public', /must be false, true or \{ scopes\?, anyScope\?, optional\? \}/],
    ['null', null, /must be false, true or/],
    ['an array', ['read:a'], /must be false, true or/],
    ['a number', 0, /must be false, true or/],
  ]
  for (const [name, auth, message] of bad) {
    // Registered at the top level: app.get() itself throws.
    const app = Fastify()
    await app.register(tokenward, pluginOptions(issuer))
    t.throws(
      () => app.get('/x', { config: { auth } as object }, sub),
      { name: 'TypeError', message },
      `${name}: app.get`,
    )
    await app.close()

    // Registered inside a plugin: app.ready() rejects.
    const nested = Fastify()
    await nested.register(tokenward, pluginOptions(issuer))
    nested.register(async (child) => {
      child.get('/x', { config: { auth } as object }, sub)
    })
    await t.rejects(
      async () => {
        await nested.ready()
      },
      { name: 'TypeError', message },
      `${name}: ready()`,
    )
    await nested.close().catch(() => undefined)
  }
})

t.test('invalid plugin options throw a TypeError at registration', async (t) => {
  const cases: [string, object, RegExp][] = [
    ['typo', { ...pluginOptions(issuer), aud: 'x' }, /"aud" option is not a known option/],
    ['no audience', { ...pluginOptions(issuer), audience: undefined }, /"audience" option must be/],
    ['alg none', { ...pluginOptions(issuer), algorithms: ['none'] }, /must not contain "none"/],
  ]
  for (const [name, options, message] of cases) {
    const app = Fastify()
    await t.rejects(
      (async () => {
        await app.register(tokenward, options as never)
      })(),
      { name: 'TypeError', message },
      name,
    )
    await app.close().catch(() => undefined)
  }
})

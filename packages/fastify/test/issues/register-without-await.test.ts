/**
 * Regression: routes added before the plugin had loaded were left open.
 *
 * `app.register(tokenward, …)` without `await`, then `app.get(…)`: Fastify
 * adds the route at once, before the plugin's `onRoute` hook exists, so the
 * route used to answer 200 to anyone. Every route of the context the plugin
 * is registered in must be protected, whatever the order.
 */
import t from 'tap'
import Fastify from 'fastify'
import tokenward from '@tokenward/fastify'
import { createIssuer, NOW_S } from '../fixtures/issuer.js'
import { assertRefusal, bearer, pluginOptions } from '../fixtures/app.js'

const issuer = await createIssuer()
const token = await issuer.sign({ scope: 'read:a' })

t.test('register without await, then routes in the same context', async (t) => {
  const app = Fastify()
  app.register(tokenward, pluginOptions(issuer))
  app.get('/me', async (request) => ({ sub: request.auth?.sub ?? null }))
  app.get('/health', { config: { auth: false } }, async (request) => ({ ok: true, auth: request.auth }))
  app.get('/scoped', { config: { auth: { scopes: ['write:a'] } } }, async () => ({ reached: true }))
  app.get('/any', { config: { auth: { anyScope: ['admin', 'read:a'] } } }, async () => ({ reached: true }))
  app.get('/feed', { config: { auth: { optional: true } } }, async (request) => ({
    sub: request.auth?.sub ?? null,
  }))
  await app.ready()
  t.teardown(() => app.close())

  assertRefusal(t, await app.inject('/me'), 'TW_MISSING_TOKEN', { message: 'no token' })
  assertRefusal(
    t,
    await app.inject({ url: '/me', headers: bearer(await issuer.sign({ exp: NOW_S - 600 })) }),
    'TW_EXPIRED',
  )
  const me = await app.inject({ url: '/me', headers: bearer(token) })
  t.same([me.statusCode, me.json()], [200, { sub: 'user-1' }])
  const head = await app.inject({ method: 'HEAD', url: '/me' })
  t.same([head.statusCode, head.headers['www-authenticate']], [401, 'Bearer realm="api"'], 'HEAD too')

  const health = await app.inject('/health')
  t.same([health.statusCode, health.json()], [200, { ok: true, auth: null }], 'auth: false stays public')
  assertRefusal(t, await app.inject({ url: '/scoped', headers: bearer(token) }), 'TW_INSUFFICIENT_SCOPE', {
    scope: 'write:a',
  })
  t.equal((await app.inject({ url: '/any', headers: bearer(token) })).statusCode, 200)
  t.same((await app.inject('/feed')).json(), { sub: null }, 'optional without a token')
  t.same((await app.inject({ url: '/feed', headers: bearer(token) })).json(), { sub: 'user-1' })
  t.equal((await app.inject('/nowhere')).statusCode, 404, 'unknown routes still answer 404')
})

t.test('register without await inside a plugin', async (t) => {
  const app = Fastify()
  app.register(async (api) => {
    api.register(tokenward, pluginOptions(issuer))
    api.get('/me', async (request) => ({ sub: request.auth?.sub ?? null }))
  })
  app.get('/public', async () => ({ ok: true }))
  await app.ready()
  t.teardown(() => app.close())
  assertRefusal(t, await app.inject('/me'), 'TW_MISSING_TOKEN')
  t.equal((await app.inject({ url: '/me', headers: bearer(token) })).statusCode, 200)
  t.equal((await app.inject('/public')).statusCode, 200, 'outside the context: public')
})

t.test('a route added to the context before the plugin is protected too', async (t) => {
  const app = Fastify()
  app.get('/early', async (request) => ({ sub: request.auth?.sub ?? null }))
  await app.register(tokenward, pluginOptions(issuer))
  app.get('/late', async (request) => ({ sub: request.auth?.sub ?? null }))
  await app.ready()
  t.teardown(() => app.close())
  for (const url of ['/early', '/late']) {
    assertRefusal(t, await app.inject(url), 'TW_MISSING_TOKEN', { message: url })
    t.same((await app.inject({ url, headers: bearer(token) })).json(), { sub: 'user-1' }, url)
  }
})

t.test('an invalid config.auth on such a route fails closed', async (t) => {
  const app = Fastify()
  app.register(tokenward, pluginOptions(issuer))
  let reached = false
  app.get('/typo', { config: { auth: { scope: ['read:a'] } } }, async () => {
    reached = true
    return { reached }
  })
  await app.ready()
  t.teardown(() => app.close())
  const res = await app.inject({ url: '/typo', headers: bearer(token) })
  t.equal(res.statusCode, 500)
  t.match(res.json(), { message: /config.auth of route GET \/typo has an unknown key "scope"/ })
  t.notOk(reached, 'the handler never ran')
})

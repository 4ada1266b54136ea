/** `config.auth` on routes: the accepted forms compile, wrong ones do not. */
import Fastify from 'fastify'
import type { FastifyContextConfig } from 'fastify'
import type { RouteAuthConfig, RouteAuthOptions } from '@tokenward/fastify'
import { expectType } from './equals.js'
import type { Equals } from './equals.js'

const app = Fastify()
const handler = async () => 'ok'

expectType<Equals<FastifyContextConfig['auth'], RouteAuthConfig | undefined>>()
expectType<Equals<RouteAuthOptions['scopes'], readonly string[] | undefined>>()
expectType<Equals<RouteAuthOptions['anyScope'], readonly string[] | undefined>>()
expectType<Equals<RouteAuthOptions['optional'], boolean | undefined>>()

app.get('/default', handler)
app.get('/public', { config: { auth: false } }, handler)
app.get('/true', { config: { auth: true } }, handler)
app.get('/scopes', { config: { auth: { scopes: ['a'] } } }, handler)
app.get('/any', { config: { auth: { anyScope: ['a', 'b'] } } }, handler)
app.get('/optional', { config: { auth: { optional: true } } }, handler)
app.get('/all', { config: { auth: { scopes: ['a'], anyScope: ['b'], optional: false } } }, handler)
const readonlyScopes = ['a', 'b'] as const
app.get('/readonly', { config: { auth: { scopes: readonlyScopes } } }, handler)
app.route({ method: 'POST', url: '/route', config: { auth: { scopes: ['write:a'] } }, handler })

// @ts-expect-error scopes must be an array
app.get('/bad1', { config: { auth: { scopes: 'a' } } }, handler)
// @ts-expect-error unknown key
app.get('/bad2', { config: { auth: { bogus: 1 } } }, handler)
// @ts-expect-error optional is a boolean
app.get('/bad3', { config: { auth: { optional: 'yes' } } }, handler)
// @ts-expect-error anyScope holds strings
app.get('/bad4', { config: { auth: { anyScope: [1] } } }, handler)
// @ts-expect-error auth is false, true or an object
app.get('/bad5', { config: { auth: 'public' } }, handler)
// @ts-expect-error a typo of scopes, with a string
app.route({ method: 'GET', url: '/bad6', config: { auth: { scope: 'a' } }, handler })
// @ts-expect-error null is not a form of auth
app.get('/bad7', { config: { auth: null } }, handler)
// @ts-expect-error nor a number
app.get('/bad8', { config: { auth: 0 } }, handler)
// A typo holding an array (`scope: ['a']`) type-checks, Fastify's inference being what it is;
// it throws a TypeError naming the key when the route is added (test/route-config.test.ts).
app.get('/typo', { config: { auth: { scope: ['a'] } } }, handler)

// Other config keys stay free.
app.get('/other', { config: { auth: false, rateLimit: { max: 10 } } as FastifyContextConfig }, handler)

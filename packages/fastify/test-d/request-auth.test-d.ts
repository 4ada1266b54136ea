/** `request.auth`, the decorators and the exports, as users see them. */
import Fastify from 'fastify'
import type { FastifyInstance, onRequestHookHandler } from 'fastify'
import tokenward, { isTokenwardError, tokenward as named, TokenwardError } from '@tokenward/fastify'
import type {
  AccessTokenPrincipal,
  RouteAuthConfig,
  TokenwardErrorCode,
  TokenwardFastifyOptions,
  VerifierOptions,
} from '@tokenward/fastify'
import type { Verifier } from '@tokenward/core'
import { expectType } from './equals.js'
import type { Equals } from './equals.js'

const app = Fastify()
await app.register(tokenward, { issuer: 'https://issuer.example/', audience: 'https://api.example' })
await app.register(named, { issuer: ['a', 'b'], audience: ['x'], jwksUri: 'https://issuer.example/jwks' })
// @ts-expect-error audience is required
await app.register(tokenward, { issuer: 'https://issuer.example/' })
// @ts-expect-error unknown option (a typo of audience)
await app.register(tokenward, { issuer: 'https://issuer.example/', audience: 'x', aud: 'x' })
// @ts-expect-error profile is 'rfc9068' | 'jwt'
await app.register(tokenward, { issuer: 'i', audience: 'a', profile: 'oidc' })

expectType<Equals<TokenwardFastifyOptions, VerifierOptions>>()
expectType<Equals<RouteAuthConfig, import('../src/route-config.js').RouteAuthOptions | boolean>>()

app.get('/me', async (request) => {
  expectType<Equals<typeof request.auth, AccessTokenPrincipal | null>>()
  // @ts-expect-error auth may be null
  request.auth.sub
  const auth = request.auth!
  expectType<Equals<typeof auth.sub, string>>()
  expectType<Equals<typeof auth.scopes, ReadonlySet<string>>>()
  expectType<Equals<typeof auth.issuer, string>>()
  expectType<Equals<typeof auth.audience, readonly string[]>>()
  expectType<Equals<typeof auth.clientId, string | undefined>>()
  expectType<Equals<typeof auth.expiresAt, Date>>()
  expectType<Equals<typeof auth.token, string>>()
  expectType<Equals<typeof auth.claims.sub, string | undefined>>()
  expectType<Equals<typeof auth.claims.exp, number | undefined>>()
  expectType<Equals<typeof auth.claims.somethingElse, unknown>>()
  // @ts-expect-error the principal is read-only
  auth.sub = 'other'
  // @ts-expect-error scopes is a ReadonlySet
  auth.scopes.add('admin')
  return { sub: auth.sub, admin: auth.scopes.has('admin') }
})

expectType<Equals<typeof app.tokenward, Verifier>>()
expectType<Equals<ReturnType<typeof app.requireScopes>, onRequestHookHandler>>()
expectType<Equals<ReturnType<typeof app.requireAnyScope>, onRequestHookHandler>>()
app.get('/x', { onRequest: app.requireScopes('read:x', 'write:x') }, async () => 'ok')
app.get(
  '/y',
  { onRequest: [app.requireAnyScope('a', 'b')], preHandler: app.requireScopes('c') },
  async () => 'ok',
)
// @ts-expect-error scopes are strings
app.requireScopes(1)

function inPlugin(child: FastifyInstance): void {
  child.get('/z', async (request) => request.auth?.sub ?? 'anonymous')
}
inPlugin(app)

const error: unknown = new TokenwardError('TW_EXPIRED')
if (isTokenwardError(error)) {
  expectType<Equals<typeof error.code, TokenwardErrorCode>>()
  expectType<Equals<typeof error.statusCode, number>>()
  expectType<Equals<typeof error.headers, Readonly<Record<string, string>>>>()
}
// @ts-expect-error unknown code
new TokenwardError('TW_NOPE')

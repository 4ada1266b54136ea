/**
 * `@tokenward/fastify`: the Fastify 5 plugin.
 *
 * ```ts
 * await app.register(tokenward, { issuer, audience })   // every route of this context is protected
 * app.get('/appointments', { config: { auth: { scopes: ['read:appointments'] } } }, handler)
 * ```
 */
import fp from 'fastify-plugin'
import type {
  FastifyBaseLogger,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
} from 'fastify'
import {
  createVerifier,
  isTokenwardError,
  keySetLogRecord,
  normalizeScopeRequirement,
  readAuthorization,
  refusalLogRecord,
  TokenwardError,
} from '@tokenward/core'
import type {
  AccessTokenPrincipal,
  LogRecord,
  ScopeRequirement,
  Verifier,
  VerifierOptions,
} from '@tokenward/core'
import { compileRouteAuth } from './route-config.js'
import type { CompiledRouteAuth, RouteAuthConfig } from './route-config.js'

export type { RouteAuthConfig, RouteAuthOptions } from './route-config.js'
export { isTokenwardError, TokenwardError } from '@tokenward/core'
export type {
  AccessTokenPrincipal,
  TokenwardClaims,
  TokenwardErrorCode,
  VerifierOptions,
} from '@tokenward/core'

/** Plugin options: the verifier options of `@tokenward/core`. */
export type TokenwardFastifyOptions = VerifierOptions

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified access token's principal; `null` on public routes and optional routes without a token. */
    auth: AccessTokenPrincipal | null
  }
  interface FastifyContextConfig {
    /** tokenward protection of this route: `false` (public), `true`, or scopes / optional. */
    auth?: RouteAuthConfig
  }
  interface FastifyInstance {
    /** The verifier of the nearest registered tokenward plugin. */
    tokenward: Verifier
    /** An `onRequest` hook requiring every one of `scopes` (after authentication). */
    requireScopes(...scopes: string[]): onRequestHookHandler
    /** An `onRequest` hook requiring at least one of `scopes` (after authentication). */
    requireAnyScope(...scopes: string[]): onRequestHookHandler
  }
}

function log(logger: FastifyBaseLogger, record: LogRecord): void {
  logger[record.level](record.data, record.message)
}

function refuse(request: FastifyRequest, reply: FastifyReply, error: TokenwardError): TokenwardError {
  // Headers go on the reply too, so that a user's setErrorHandler keeps the challenge.
  reply.headers(error.headers)
  log(request.log, refusalLogRecord(error))
  return error
}

function asTokenwardError(verifier: Verifier, error: unknown): TokenwardError {
  return isTokenwardError(error)
    ? error
    : new TokenwardError('TW_MALFORMED_TOKEN', { ...verifier.challenge, cause: error })
}

async function authenticate(
  verifier: Verifier,
  route: CompiledRouteAuth,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  try {
    request.auth = await verifier.verify({
      authorization: readAuthorization(request.raw),
      method: request.method,
      url: request.url,
    })
    if (route.requirement !== undefined) verifier.requireScopes(request.auth, route.requirement)
  } catch (cause) {
    const error = asTokenwardError(verifier, cause)
    if (route.optional && error.code === 'TW_MISSING_TOKEN') return
    throw refuse(request, reply, error)
  }
}

function authenticator(verifier: Verifier, route: CompiledRouteAuth): onRequestHookHandler {
  return async function tokenwardAuthenticate(request, reply) {
    await authenticate(verifier, route, request, reply)
  }
}

/** Set in the config of every route that went through this plugin's `onRoute` hook. */
const kCompiled = Symbol('tokenward.compiled')

/**
 * Fails closed for the routes of this context that `onRoute` never saw: those
 * added before the plugin had loaded (`app.register(tokenward)` without
 * `await`, then `app.get(…)`). Their `config.auth` is compiled per request.
 */
function guard(verifier: Verifier): onRequestHookHandler {
  // Callback style, not async: on the hot path (a compiled route) it costs one property read.
  return function tokenwardGuard(request, reply, done) {
    const config = request.routeOptions.config as { auth?: unknown; [kCompiled]?: true }
    if (config[kCompiled] === true || request.is404) return done()
    let route: CompiledRouteAuth | undefined
    try {
      route = compileRouteAuth(config.auth, `${request.method} ${request.routeOptions.url}`)
    } catch (error) {
      return done(error as Error)
    }
    if (route === undefined) return done()
    authenticate(verifier, route, request, reply).then(() => done(), done)
  }
}

function scopeHook(verifier: Verifier, requirement: ScopeRequirement): onRequestHookHandler {
  return async function tokenwardRequireScopes(request, reply) {
    try {
      if (request.auth === null) throw new TokenwardError('TW_MISSING_TOKEN', verifier.challenge)
      verifier.requireScopes(request.auth, requirement)
    } catch (cause) {
      throw refuse(request, reply, asTokenwardError(verifier, cause))
    }
  }
}

function scopeList(method: string, scopes: string[]): string[] {
  if (scopes.length === 0) throw new TypeError(`tokenward: ${method}() needs at least one scope`)
  return scopes
}

const tokenward: FastifyPluginAsync<TokenwardFastifyOptions> = async (fastify, options) => {
  const verifier = createVerifier(options, {
    onKeySetEvent: (event) => log(fastify.log, keySetLogRecord(event)),
  })

  fastify.decorateRequest('auth', null)
  fastify.decorate('tokenward', verifier)
  fastify.decorate('requireScopes', (...scopes: string[]) =>
    scopeHook(verifier, normalizeScopeRequirement({ all: scopeList('requireScopes', scopes) })),
  )
  fastify.decorate('requireAnyScope', (...scopes: string[]) =>
    scopeHook(verifier, normalizeScopeRequirement({ any: scopeList('requireAnyScope', scopes) })),
  )

  fastify.addHook('onRoute', (routeOptions) => {
    const compiled = compileRouteAuth(
      routeOptions.config?.auth,
      `${String(routeOptions.method)} ${routeOptions.url}`,
    )
    routeOptions.config = { ...routeOptions.config, [kCompiled]: true } as typeof routeOptions.config
    if (compiled === undefined) return
    const existing = routeOptions.onRequest
    const hook = authenticator(verifier, compiled)
    routeOptions.onRequest =
      existing === undefined ? [hook] : [hook, ...(Array.isArray(existing) ? existing : [existing])]
  })

  fastify.addHook('onRequest', guard(verifier))

  fastify.addHook('onReady', async () => {
    try {
      await verifier.ready()
    } catch {
      // Not fatal: the app starts and answers 503 until the keys can be had (already logged as keys-fetch-failed).
    }
  })
  fastify.addHook('onClose', async () => verifier.close())
}

/** The tokenward Fastify plugin (default and named export). */
const plugin = fp(tokenward, { fastify: '5.x', name: '@tokenward/fastify' })
export default plugin
export { plugin as tokenward }

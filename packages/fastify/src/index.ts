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
  HookHandlerDoneFunction,
  onRequestHookHandler,
  preParsingHookHandler,
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

/** Lets the request through with `principal`, unless the route's scopes refuse it. */
function admit(
  verifier: Verifier,
  route: CompiledRouteAuth,
  request: FastifyRequest,
  reply: FastifyReply,
  principal: AccessTokenPrincipal,
  done: HookHandlerDoneFunction,
): void {
  request.auth = principal
  if (route.requirement !== undefined) {
    try {
      verifier.requireScopes(principal, route.requirement)
    } catch (cause) {
      return deny(verifier, route, request, reply, cause, done)
    }
  }
  done()
}

/** Refuses the request, or lets it through without a principal on an optional route. */
function deny(
  verifier: Verifier,
  route: CompiledRouteAuth,
  request: FastifyRequest,
  reply: FastifyReply,
  cause: unknown,
  done: HookHandlerDoneFunction,
): void {
  const error = asTokenwardError(verifier, cause)
  if (route.optional && error.code === 'TW_MISSING_TOKEN') return done()
  done(refuse(request, reply, error))
}

/**
 * Authenticates a request. Callback style, not async: a token already in the
 * verifier's cache is admitted synchronously, with no promise on the way.
 */
function authenticate(
  verifier: Verifier,
  route: CompiledRouteAuth,
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  const authorization = readAuthorization(request.raw)
  const cached = verifier.cached(authorization)
  if (cached !== undefined) return admit(verifier, route, request, reply, cached, done)
  verifier.verify({ authorization, method: request.method, url: request.url }).then(
    (principal) => admit(verifier, route, request, reply, principal, done),
    (cause: unknown) => deny(verifier, route, request, reply, cause, done),
  )
}

function authenticator(verifier: Verifier, route: CompiledRouteAuth): onRequestHookHandler {
  return function tokenwardAuthenticate(request, reply, done) {
    authenticate(verifier, route, request, reply, done)
  }
}

/** Set in the config of every route that went through this plugin's `onRoute` hook. */
const kCompiled = Symbol('tokenward.compiled')

/**
 * Fails closed for the routes of this context that `onRoute` never saw: those
 * added before the plugin had loaded (`app.register(tokenward)` without
 * `await`, then `app.get(…)`). Their `config.auth` is compiled per request.
 * A `preParsing` hook, so that it runs after the routes' own authenticator:
 * an authenticated request passes with one property read.
 */
function guard(verifier: Verifier): preParsingHookHandler {
  return function tokenwardGuard(request, reply, payload, done) {
    if (request.auth !== null) return done(null, payload)
    const config = request.routeOptions.config as { auth?: unknown; [kCompiled]?: true }
    if (config[kCompiled] === true || request.is404) return done(null, payload)
    let route: CompiledRouteAuth | undefined
    try {
      route = compileRouteAuth(config.auth, `${request.method} ${request.routeOptions.url}`)
    } catch (error) {
      return done(error as Error)
    }
    if (route === undefined) return done(null, payload)
    authenticate(verifier, route, request, reply, (error) =>
      error === undefined ? done(null, payload) : done(error),
    )
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

  fastify.addHook('preParsing', guard(verifier))

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

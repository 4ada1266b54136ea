// Type tests (`tsc -p packages/express/tsconfig.test.json`): req.auth through
// declaration merging, the options (a wrong type must fail to compile), the
// middleware's shape, and custom-claim augmentation.
import express from 'express'
import type { ErrorRequestHandler, Request, RequestHandler } from 'express'
import { pino } from 'pino'
import tokenwardDefault, {
  errorHandler,
  isTokenwardError,
  requireAnyScope,
  requireScopes,
  tokenward,
  TokenwardError,
} from '@tokenward/express'
import type {
  AccessTokenPrincipal,
  TokenwardErrorBody,
  TokenwardErrorCode,
  TokenwardExpressOptions,
  TokenwardLogger,
  TokenwardMiddleware,
  Verifier,
} from '@tokenward/express'

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function expectType<T extends true>(): T | void {}

declare module '@tokenward/core' {
  interface TokenwardClaims {
    tenant: string
  }
}

const options = { issuer: 'https://issuer.test/', audience: 'https://api.test' }

// req.auth: the principal, null (optional, no token) or undefined (no middleware ran).
declare const req: Request
expectType<Equals<typeof req.auth, AccessTokenPrincipal | null | undefined>>()
if (req.auth) {
  expectType<Equals<typeof req.auth.sub, string>>()
  expectType<Equals<typeof req.auth.scopes, ReadonlySet<string>>>()
  expectType<Equals<typeof req.auth.claims.tenant, string | undefined>>()
  // @ts-expect-error the principal is read-only
  req.auth.sub = 'someone else'
}

// The middleware and its extras.
const auth = tokenward(options)
expectType<Equals<typeof auth, TokenwardMiddleware>>()
expectType<Equals<ReturnType<typeof auth.ready>, Promise<void>>>()
expectType<Equals<typeof auth.verifier, Verifier>>()
const asHandler: RequestHandler = auth
void asHandler
expectType<Equals<typeof tokenwardDefault, typeof tokenward>>()
// @ts-expect-error the verifier is read-only
auth.verifier = auth.verifier

// Options: the adapter's own and core's.
tokenward({ ...options, optional: true, logger: pino() })
tokenward({ ...options, logger: console, realm: 'api', keys: { timeoutDuration: 1000 } })
const typed: TokenwardExpressOptions = { ...options, scopeClaims: ['scope', 'permissions'] }
void typed
// @ts-expect-error optional is a boolean
tokenward({ ...options, optional: 'yes' })
// @ts-expect-error a logger needs info, warn, error and debug
tokenward({ ...options, logger: { info() {} } })
// @ts-expect-error audience is required
tokenward({ issuer: 'https://issuer.test/' })
// @ts-expect-error unknown keys are refused (also at run time)
tokenward({ ...options, aud: 'https://api.test' })
const logger: TokenwardLogger = pino()
void logger

// Scope middlewares take scope strings.
const scoped: RequestHandler = requireScopes('read:a', 'write:a')
const anyScoped: RequestHandler = requireAnyScope('read:a')
void scoped
void anyScoped
// @ts-expect-error not an array
requireScopes(['read:a'])

// errorHandler() and the errors.
const handler: ErrorRequestHandler = errorHandler()
void handler
declare const body: TokenwardErrorBody
expectType<Equals<typeof body.code, TokenwardErrorCode>>()
declare const err: unknown
if (isTokenwardError(err)) {
  expectType<Equals<typeof err, TokenwardError>>()
  expectType<Equals<typeof err.headers, Readonly<Record<string, string>>>>()
}

// In an app.
const app = express()
app.use(auth)
app.get('/appointments', requireScopes('read:appointments'), (request, res) => {
  res.json({ sub: request.auth?.sub, tenant: request.auth?.claims.tenant })
})
app.use(errorHandler())

/**
 * What every fault test shares: a manual clock, ES256 signing keys, a Fastify
 * app with the plugin (`GET /health` public, `GET /me` protected) whose pino
 * lines are captured, and the assertions on answers and logs.
 *
 * Time is the clock's: cooldowns, cache ages and the stale window are judged
 * by `now`, so tests move time with `clock.advance()` instead of sleeping.
 * Only fetch timeouts run on the wall clock (they are real network waits).
 */
import { randomUUID } from 'node:crypto'
import Fastify from 'fastify'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Test as Tap } from 'tap'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import type { CryptoKey, JWK } from 'jose'
import tokenward from '@tokenward/fastify'
import type { KeySetOptions, VerifierOptions } from '@tokenward/core'
import { DISCOVERY_PATH, RFC8414_PATH, startJwksServer } from './jwks-server.js'
import type { Fault, JwksServer } from './jwks-server.js'

export const AUDIENCE = 'https://api.tokenward.test'

/**
 * Small durations (ms): every test moves the clock past them instead of
 * sleeping. The timeout is a wall-clock bound that healthy or failing fetches
 * never reach (slow-jwks.test.ts sets its own): generous, so that a loaded CI
 * machine cannot turn a fast fetch into a timeout.
 */
export const KEYS: Required<KeySetOptions> = Object.freeze({
  timeoutDuration: 1000,
  cooldownDuration: 100,
  cacheMaxAge: 500,
  staleIfErrorDuration: 2000,
})

/** A settable clock for the `now` option. */
export class Clock {
  t = Date.UTC(2030, 0, 1)
  readonly now = (): number => this.t
  advance(ms: number): void {
    this.t += ms
  }
  /** Seconds since the epoch, for token claims. */
  get seconds(): number {
    return Math.floor(this.t / 1000)
  }
}

export interface SigningKey {
  readonly kid: string
  readonly jwk: JWK
  /**
   * A fresh token (new `jti`) for `issuer`, valid for an hour of `clock` time;
   * its header names `kid` (this key's by default).
   */
  sign(issuer: string, clock: Clock, options?: { kid?: string }): Promise<string>
}

/** An ES256 key pair named `kid`. */
export async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }
  return {
    kid,
    jwk,
    sign: (issuer, clock, options = {}) => sign(privateKey, options.kid ?? kid, issuer, clock),
  }
}

function sign(key: CryptoKey, kid: string, issuer: string, clock: Clock): Promise<string> {
  return new SignJWT({ scope: 'read:me' })
    .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
    .setIssuer(issuer)
    .setAudience(AUDIENCE)
    .setSubject('user-1')
    .setIssuedAt(clock.seconds - 60)
    .setExpirationTime(clock.seconds + 3600)
    .setJti(randomUUID())
    .sign(key)
}

/** One parsed pino line. */
export interface LogLine {
  readonly level: number
  readonly msg?: string
  readonly tokenward?: Record<string, unknown>
  readonly [field: string]: unknown
}

export interface FaultApp {
  readonly app: FastifyInstance
  readonly logs: LogLine[]
  me(token: string): Promise<LightMyRequestResponse>
  health(): Promise<LightMyRequestResponse>
}

/**
 * A Fastify app with the plugin for `issuer` (discovery unless `jwksUri`), the
 * manual clock and {@link KEYS}. Not ready yet: `ready()`/`inject` pre-warms.
 */
export async function faultApp(
  issuer: string,
  clock: Clock,
  options: Partial<VerifierOptions> = {},
): Promise<FaultApp> {
  const logs: LogLine[] = []
  const stream = { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) }
  const app = Fastify({ logger: { level: 'debug', stream } })
  await app.register(tokenward, {
    issuer,
    audience: AUDIENCE,
    realm: 'api',
    now: clock.now,
    keys: KEYS,
    ...options,
  })
  app.get('/health', { config: { auth: false } }, async () => ({ ok: true }))
  app.get('/me', async (request) => ({ sub: request.auth?.sub }))
  return {
    app,
    logs,
    me: (token) => app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } }),
    health: () => app.inject({ method: 'GET', url: '/health' }),
  }
}

/**
 * Starts a {@link JwksServer} serving the public keys of `serve`, closed when
 * `t` ends, with `fault` already in place (`'down'`: nothing listening).
 */
export async function issuer(
  t: Tap,
  serve: readonly SigningKey[],
  fault?: Fault | 'down',
): Promise<JwksServer> {
  const server = await startJwksServer({ keys: serve.map((key) => key.jwk) })
  t.teardown(() => server.close())
  if (fault === 'down') await server.down()
  else if (fault !== undefined) server.fault(fault)
  return server
}

/** Both discovery metadata paths (OpenID and RFC 8414) answer `mode`. */
export function faultMetadata(server: JwksServer, mode: Fault): void {
  server.fault(mode, DISCOVERY_PATH)
  server.fault(mode, RFC8414_PATH)
}

export interface SetupOptions {
  /** The keys the issuer serves. */
  readonly serve: readonly SigningKey[]
  /** The issuer's fault before the app starts (healthy when omitted). */
  readonly fault?: Fault | 'down'
  /** Find the JWKS through discovery instead of configuring `jwksUri`. */
  readonly discovery?: boolean
  /** Overrides of the plugin's options. */
  readonly appOptions?: Partial<VerifierOptions>
}

export interface Setup {
  readonly server: JwksServer
  readonly clock: Clock
  readonly fa: FaultApp
}

/**
 * The usual fault-test fixture: an {@link issuer}, a fresh {@link Clock} and a
 * {@link faultApp} for it (`jwksUri` configured unless `discovery`), both
 * closed when `t` ends. The app is not ready yet: nothing has been fetched.
 */
export async function setup(t: Tap, options: SetupOptions): Promise<Setup> {
  const server = await issuer(t, options.serve, options.fault)
  const clock = new Clock()
  const fa = await faultApp(server.issuer, clock, {
    ...(options.discovery === true ? {} : { jwksUri: server.jwksUri }),
    ...options.appOptions,
  })
  t.teardown(() => fa.app.close())
  return { server, clock, fa }
}

/** 200 with the principal's `sub`. */
export function assertAccepted(t: Tap, res: LightMyRequestResponse, message = 'accepted'): void {
  t.same({ status: res.statusCode, body: res.json() }, { status: 200, body: { sub: 'user-1' } }, message)
}

/** 503 `TW_KEYS_UNAVAILABLE` with `Retry-After` and no challenge. */
export function assertUnavailable(t: Tap, res: LightMyRequestResponse, message = 'keys unavailable'): void {
  t.same(
    { status: res.statusCode, code: res.json().code, challenge: res.headers['www-authenticate'] },
    { status: 503, code: 'TW_KEYS_UNAVAILABLE', challenge: undefined },
    `${message}: 503 TW_KEYS_UNAVAILABLE without a challenge`,
  )
  t.match(res.headers['retry-after'], /^[1-9]\d*$/, `${message}: Retry-After in whole seconds`)
}

/** 401 with `code` and an `invalid_token` challenge. */
export function assertRefused(t: Tap, res: LightMyRequestResponse, code: string, message = code): void {
  t.same({ status: res.statusCode, code: res.json().code }, { status: 401, code }, message)
  t.match(
    res.headers['www-authenticate'],
    /^Bearer realm="api", error="invalid_token"/,
    `${message}: challenge`,
  )
}

/** `/health` (public) still answers 200. */
export async function assertHealthy(t: Tap, fa: FaultApp, when: string): Promise<void> {
  const res = await fa.health()
  t.equal(res.statusCode, 200, `/health answers 200 ${when}`)
}

/** The plugin's `error` lines about failed key fetches. */
export function fetchFailures(logs: readonly LogLine[]): LogLine[] {
  return logs.filter((line) => line.level === 50 && line.msg?.startsWith('tokenward:'))
}

/** The plugin's `warn` lines about serving stale keys. */
export function staleWarnings(logs: readonly LogLine[]): LogLine[] {
  return logs.filter((line) => line.level === 40 && line.msg?.startsWith('tokenward:'))
}

/** The numbers of fetch-failure (`error`) and stale-keys (`warn`) lines, as `[errors, warns]`. */
export function assertErrorsAndWarns(
  t: Tap,
  logs: readonly LogLine[],
  expected: [errors: number, warns: number],
  message: string,
): void {
  t.same([fetchFailures(logs).length, staleWarnings(logs).length], expected, message)
}

/** No log line carries a JWT (or any part of one). */
export function assertNoTokenLogged(t: Tap, logs: readonly LogLine[], tokens: readonly string[] = []): void {
  const leaks = logs.filter((line) => {
    const text = JSON.stringify(line)
    return /eyJ[\w-]{10,}/.test(text) || tokens.some((token) => text.includes(token.split('.')[2] as string))
  })
  t.same(leaks, [], `no token in any of ${logs.length} log lines`)
}

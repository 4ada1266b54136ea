/**
 * Runs the attack corpus against one target. A target is anything that can
 * take an {@link AttackRequest} and say what came back: the core verifier,
 * the Fastify plugin (inject or real HTTP), the Express middleware (real
 * HTTP). Every case asserts, together: status, code, the `WWW-Authenticate`
 * challenge (and the JSON body where the target sends one), no 5xx, no
 * crash, and no request to the trap server that `jku`/`x5u` point at.
 */
import { STATUS_CODES } from 'node:http'
import type { Test } from 'tap'
import { errorCodes } from '@tokenward/core'
import type { TokenwardErrorCode } from '@tokenward/core'
import { corpus } from './corpus.js'
import type { AttackCase, AttackRequest } from './corpus.js'
import { rawRequest, REALM } from './fixtures.js'
import type { Fixture, RawResponse } from './fixtures.js'

/** What a target answered. */
export interface Outcome {
  readonly status: number
  /** tokenward code, when refused. */
  readonly code?: string | undefined
  /** `WWW-Authenticate`, when sent. */
  readonly challenge?: string | undefined
  /** JSON body, for HTTP targets. */
  readonly body?: unknown
  /** The principal's `sub`, when accepted. */
  readonly sub?: string | undefined
  /** Anything thrown that is not a TokenwardError (a crash). */
  readonly crash?: unknown
}

export interface Target {
  readonly name: string
  /** True when the target answers with tokenward's JSON error body. */
  readonly jsonBody: boolean
  send(request: AttackRequest): Promise<Outcome>
}

/** The challenge DESIGN.md prescribes for `code`, with realm "api". */
export function expectedChallenge(code: TokenwardErrorCode): string | undefined {
  const spec = errorCodes[code]
  if (spec.statusCode === 503) return undefined
  if (!('error' in spec)) return `Bearer realm="${REALM}"`
  const description = spec.description.replace(/["\\]/g, '\\$&')
  return `Bearer realm="${REALM}", error="${spec.error}", error_description="${description}"`
}

/** The JSON body DESIGN.md prescribes for `code` (Fastify's shape). */
export function expectedBody(code: TokenwardErrorCode): Record<string, unknown> {
  const { statusCode, description } = errorCodes[code]
  return { statusCode, code, error: STATUS_CODES[statusCode], message: description }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** An {@link Outcome} from an HTTP response (raw or injected). */
export function outcomeOf(status: number, headers: Record<string, unknown>, body: string): Outcome {
  const json = parseJson(body)
  const record = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {}
  const challenge = headers['www-authenticate']
  return {
    status,
    code: typeof record.code === 'string' ? record.code : undefined,
    challenge: Array.isArray(challenge) ? challenge.join(', ') : (challenge as string | undefined),
    body: json,
    sub: typeof record.sub === 'string' ? record.sub : undefined,
  }
}

/** Sends `request` to `origin` over a raw socket: every Authorization value on its own line. */
export async function sendRaw(origin: string, request: AttackRequest): Promise<Outcome> {
  const headers: [string, string][] = []
  const { authorization } = request
  if (typeof authorization === 'string') headers.push(['Authorization', authorization])
  else if (authorization !== undefined)
    for (const value of authorization) headers.push(['Authorization', value])
  for (const [name, value] of Object.entries(request.headers ?? {})) headers.push([name, value])
  const response: RawResponse = await rawRequest(origin, {
    method: request.method ?? 'GET',
    path: request.path ?? '/me',
    headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  })
  return outcomeOf(response.status, response.headers, response.body)
}

function assertOutcome(t: Test, attack: AttackCase, outcome: Outcome, jsonBody: boolean): void {
  if (outcome.crash !== undefined) {
    t.fail(`crashed: threw something else than a TokenwardError`, { error: outcome.crash })
  }
  t.ok(outcome.status < 500, `no 5xx (got ${outcome.status})`)
  t.equal(outcome.status, attack.status, 'status')
  t.equal(outcome.code ?? null, attack.code, 'code')
  if (attack.code === null) {
    t.equal(outcome.sub, 'user-1', 'the principal reached the handler')
    return
  }
  t.equal(outcome.challenge, expectedChallenge(attack.code), 'WWW-Authenticate challenge')
  if (jsonBody) t.same(outcome.body, expectedBody(attack.code), 'JSON body')
}

/**
 * Registers one subtest per corpus case against `target`, then checks that
 * the trap server was never contacted and that the issuer's JWKS server was
 * asked for nothing but its JWKS.
 */
export function runCorpus(t: Test, target: Target, fx: Fixture): Promise<unknown> {
  return t.test(target.name, async (t) => {
    for (const attack of corpus) {
      await t.test(attack.name, async (t) => {
        const request = await attack.build(fx)
        const trapped = fx.trap.requests.length
        let outcome: Outcome
        try {
          outcome = await target.send(request)
        } catch (crash) {
          outcome = { status: 0, crash }
        }
        assertOutcome(t, attack, outcome, target.jsonBody)
        t.equal(fx.trap.requests.length, trapped, 'no request to the jku/x5u/iss trap server')
      })
    }
    t.same(fx.trap.requests, [], 'the trap server received no request at all')
    t.ok(
      fx.jwksServer.requests.every((line) => line === 'GET /jwks'),
      'the JWKS server was asked for its JWKS only',
    )
  })
}

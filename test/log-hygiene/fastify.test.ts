/**
 * Log hygiene of `@tokenward/fastify`: every pino line Fastify writes (level
 * `trace`, so everything) is captured through a stream, for successes,
 * refusals of every kind and key-fetch failures, with Fastify's default
 * serializers and with a request serializer that logs every header plus
 * `redact: ['req.headers.authorization']`. No captured text may contain a
 * token, its payload or signature segment, the `Authorization` value, or a
 * canary claim value (decoded claims must not be logged either).
 *
 * A last check proves the harness can fail: the same capture, with headers
 * logged and no redact, does find the token.
 */
import { randomBytes } from 'node:crypto'
import Fastify from 'fastify'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import t from 'tap'
import type { Test } from 'tap'
import tokenward from '@tokenward/fastify'
import type { TokenwardFastifyOptions } from '@tokenward/fastify'
import {
  AUDIENCE,
  createFixture,
  ISSUER,
  NOW,
  NOW_S,
  rawRequest,
  REALM,
  segments,
  startRecordingServer,
} from '../attacks/fixtures.js'

const fx = await createFixture()
const CANARY = `canary-${randomBytes(8).toString('hex')}`
const BASIC = `Basic ${Buffer.from(`alice:${CANARY}-password`).toString('base64')}`

/** Log capture: a pino destination that keeps every line. */
class Capture {
  readonly lines: string[] = []
  readonly write = (line: string): void => {
    this.lines.push(line)
  }
  get text(): string {
    return this.lines.join('')
  }
  get records(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>)
  }
  /** Lines tokenward wrote (they carry a `tokenward` object). */
  tokenward(msg: string): Record<string, unknown>[] {
    return this.records.filter((record) => record.msg === msg)
  }
}

/** The strings that must never reach a log, for an Authorization value. */
function secretsOf(authorization: string): string[] {
  const secrets = [authorization, CANARY]
  const token = /^bearer +(\S+)$/i.exec(authorization)?.[1]
  if (token !== undefined) {
    const { payload, signature } = segments(token)
    secrets.push(token)
    if (payload.length >= 8) secrets.push(payload)
    if (signature.length >= 8) secrets.push(signature)
  }
  return secrets
}

function assertClean(t: Test, capture: Capture, secrets: readonly string[], message: string): void {
  const text = capture.text
  const leaked = secrets.filter((secret) => text.includes(secret))
  t.same(
    leaked.map((secret) => `${secret.slice(0, 24)}… (${secret.length} chars)`),
    [],
    `${message}: no token, segment, Authorization value or claim in ${capture.lines.length} log lines`,
  )
}

interface Variant {
  readonly name: string
  readonly logger: (capture: Capture) => FastifyServerOptions['logger']
}

const VARIANTS: readonly Variant[] = [
  {
    name: "Fastify's default serializers, no redact",
    logger: (capture) => ({ level: 'trace', stream: capture }),
  },
  {
    name: 'every request header serialized, redact req.headers.authorization',
    logger: (capture) => ({
      level: 'trace',
      stream: capture,
      redact: ['req.headers.authorization'],
      serializers: {
        req: (request: { method: string; url: string; headers: unknown }) => ({
          method: request.method,
          url: request.url,
          headers: request.headers,
        }),
      },
    }),
  },
]

async function buildApp(
  capture: Capture,
  variant: Variant,
  options: Partial<TokenwardFastifyOptions>,
): Promise<{ app: FastifyInstance; origin: string }> {
  const app = Fastify({ logger: variant.logger(capture) })
  await app.register(tokenward, {
    issuer: ISSUER,
    audience: AUDIENCE,
    realm: REALM,
    now: () => NOW,
    ...options,
  })
  app.get('/me', async (request) => {
    request.log.info({ sub: request.auth?.sub }, 'handler ran')
    return { sub: request.auth?.sub }
  })
  app.get('/admin', { config: { auth: { scopes: ['admin'] } } }, async () => ({ ok: true }))
  const origin = await app.listen({ host: '127.0.0.1', port: 0 })
  return { app, origin }
}

interface Scenario {
  readonly name: string
  readonly status: number
  readonly code: string | null
  readonly path?: string
  /** One Authorization value, or several (sent as separate header lines over real HTTP). */
  readonly authorization: () => Promise<string | string[]>
}

const bearerOf = (make: () => Promise<string>) => async () => `Bearer ${await make()}`
const withCanary = (claims: Record<string, unknown> = {}) => ({ email: `${CANARY}@example.test`, ...claims })

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'accepted',
    status: 200,
    code: null,
    authorization: bearerOf(() => fx.jws({ claims: withCanary() })),
  },
  {
    name: 'expired',
    status: 401,
    code: 'TW_EXPIRED',
    authorization: bearerOf(() => fx.jws({ claims: withCanary({ iat: NOW_S - 1200, exp: NOW_S - 600 }) })),
  },
  {
    name: 'bad signature (another key, same kid)',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    authorization: bearerOf(() => fx.jws({ key: fx.keys.evilRsa, claims: withCanary() })),
  },
  {
    name: 'wrong audience (jose error with the claims as cause)',
    status: 401,
    code: 'TW_WRONG_AUDIENCE',
    authorization: bearerOf(() => fx.jws({ claims: withCanary({ aud: 'https://other.test', scope: 'x' }) })),
  },
  {
    name: 'wrong audience, looks like an ID token',
    status: 401,
    code: 'TW_ID_TOKEN',
    authorization: bearerOf(() =>
      fx.jws({ claims: withCanary({ aud: 'client-9', azp: 'client-9', scope: undefined }) }),
    ),
  },
  {
    name: 'ID token (nonce)',
    status: 401,
    code: 'TW_ID_TOKEN',
    authorization: bearerOf(() => fx.jws({ claims: withCanary({ nonce: CANARY }) })),
  },
  {
    name: 'alg none',
    status: 401,
    code: 'TW_ALG_NOT_ALLOWED',
    authorization: bearerOf(() => fx.jws({ header: { alg: 'none' }, claims: withCanary() })),
  },
  {
    name: 'payload not JSON',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    authorization: bearerOf(() => fx.jws({ rawPayload: `{"sub":"${CANARY}",` })),
  },
  {
    // V8 quotes the text it failed on ("Unexpected token 'c', \"{\"sub\":canary…\" is not valid JSON").
    name: 'payload not JSON, an unquoted claim value',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    authorization: bearerOf(() => fx.jws({ rawPayload: `{"sub":${CANARY}}` })),
  },
  {
    name: 'header not JSON, an unquoted kid',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    authorization: bearerOf(() => fx.jws({ rawHeader: `{"alg":"RS256","kid":${CANARY}}` })),
  },
  {
    name: 'exp 1e400',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    authorization: bearerOf(() =>
      fx.jws({
        rawPayload: `${JSON.stringify(fx.claims(withCanary({ exp: undefined }))).slice(0, -1)},"exp":1e400}`,
      }),
    ),
  },
  {
    name: 'opaque token',
    status: 401,
    code: 'TW_OPAQUE_TOKEN',
    authorization: async () => `Bearer ${CANARY}${randomBytes(16).toString('base64url')}`,
  },
  {
    name: 'oversized token',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    authorization: bearerOf(() => fx.jws({ claims: withCanary({ pad: 'x'.repeat(9000) }) })),
  },
  {
    name: 'insufficient scope',
    status: 403,
    code: 'TW_INSUFFICIENT_SCOPE',
    path: '/admin',
    authorization: bearerOf(() => fx.jws({ claims: withCanary() })),
  },
  {
    name: 'Basic credentials',
    status: 401,
    code: 'TW_MISSING_TOKEN',
    authorization: async () => BASIC,
  },
  {
    name: 'two Authorization headers',
    status: 400,
    code: 'TW_INVALID_REQUEST',
    authorization: async () => {
      const token = await fx.jws({ claims: withCanary() })
      return [`Bearer ${token}`, `Bearer ${token}`]
    },
  },
]

async function send(origin: string, path: string, authorization: string | string[]) {
  const values = typeof authorization === 'string' ? [authorization] : authorization
  return rawRequest(origin, { path, headers: values.map((value) => ['Authorization', value] as const) })
}

for (const variant of VARIANTS) {
  t.test(variant.name, async (t) => {
    const capture = new Capture()
    const { app, origin } = await buildApp(capture, variant, { jwks: fx.jwks })
    t.teardown(() => app.close())
    for (const scenario of SCENARIOS) {
      await t.test(scenario.name, async (t) => {
        const from = capture.lines.length
        const authorization = await scenario.authorization()
        const res = await send(origin, scenario.path ?? '/me', authorization)
        t.equal(res.status, scenario.status, 'status')
        const lines = new Capture()
        lines.lines.push(...capture.lines.slice(from))
        t.ok(lines.lines.length > 0, 'something was logged at trace level')
        const refusals = lines.tokenward('tokenward: request refused')
        if (scenario.code === null) {
          t.equal(refusals.length, 0, 'no refusal logged')
        } else {
          t.same(
            refusals.map((record) => record.tokenward),
            [{ code: scenario.code, statusCode: scenario.status }],
            'one refusal line, with the code',
          )
          t.equal(refusals[0]?.level, 30, 'at info')
        }
        const secrets = [authorization].flat().flatMap(secretsOf)
        assertClean(t, lines, secrets, scenario.name)
      })
    }
    t.equal(app.log.level, 'trace', 'every level is captured')
    await app.close()
    t.ok(
      capture.records.some((record) => record.msg === 'incoming request'),
      "Fastify's request lines were captured",
    )
    if (process.env.TOKENWARD_SHOW_LOGS) t.comment(capture.text)
  })
}

t.test('key fetch failures', async (t) => {
  for (const variant of VARIANTS) {
    await t.test(`JWKS answers 500 (${variant.name})`, async (t) => {
      const failing = await startRecordingServer(() => ({ status: 500, body: `{"error":"${CANARY}"}` }))
      t.teardown(() => failing.close())
      const capture = new Capture()
      const { app, origin } = await buildApp(capture, variant, { jwksUri: `${failing.url}/jwks` })
      t.teardown(() => app.close())
      const authorization = `Bearer ${await fx.jws({ claims: withCanary() })}`
      const res = await send(origin, '/me', authorization)
      t.equal(res.status, 503, '503 without keys')
      const failures = capture.tokenward('tokenward: fetching the issuer keys failed')
      t.equal(failures.length, 1, 'one error line per failure streak')
      t.equal(failures[0]?.level, 50, 'at error')
      t.same(
        capture.tokenward('tokenward: request refused').map((record) => record.tokenward),
        [{ code: 'TW_KEYS_UNAVAILABLE', statusCode: 503 }],
      )
      await app.close()
      assertClean(t, capture, secretsOf(authorization), 'JWKS 500')
    })

    await t.test(`JWKS unreachable (${variant.name})`, async (t) => {
      const gone = await startRecordingServer()
      await gone.close()
      const capture = new Capture()
      const { app, origin } = await buildApp(capture, variant, {
        jwksUri: `${gone.url}/jwks`,
        keys: { timeoutDuration: 500 },
      })
      t.teardown(() => app.close())
      const authorization = `Bearer ${await fx.jws({ claims: withCanary() })}`
      const res = await send(origin, '/me', authorization)
      t.equal(res.status, 503, '503 without keys')
      t.equal(capture.tokenward('tokenward: fetching the issuer keys failed').length, 1, 'error logged')
      await app.close()
      assertClean(t, capture, secretsOf(authorization), 'JWKS unreachable')
    })

    await t.test(`stale keys while the issuer is down (${variant.name})`, async (t) => {
      let up = true
      const jwksBody = JSON.stringify(fx.jwks)
      const flaky = await startRecordingServer(() =>
        up ? { status: 200, body: jwksBody } : { status: 503, body: '{}' },
      )
      t.teardown(() => flaky.close())
      let clock = NOW
      const capture = new Capture()
      const { app, origin } = await buildApp(capture, variant, {
        jwksUri: `${flaky.url}/jwks`,
        now: () => clock,
      })
      t.teardown(() => app.close())
      up = false
      clock += 11 * 60 * 1000 // past cacheMaxAge: the next request refetches, and fails
      const authorization = `Bearer ${await fx.jws({ claims: withCanary({ iat: NOW_S + 660, exp: NOW_S + 1200 }) })}`
      const res = await send(origin, '/me', authorization)
      t.equal(res.status, 200, 'served with the stale keys')
      t.equal(capture.tokenward('tokenward: fetching the issuer keys failed').length, 1, 'error logged')
      const stale = capture.tokenward('tokenward: serving stale issuer keys while the issuer is unavailable')
      t.equal(stale.length, 1, 'stale keys logged')
      t.equal(stale[0]?.level, 40, 'at warn')
      await app.close()
      assertClean(t, capture, secretsOf(authorization), 'stale keys')
    })
  }
})

t.test('the harness finds a leak when there is one (headers logged, no redact)', async (t) => {
  const capture = new Capture()
  const leaky: Variant = {
    name: 'leaky',
    logger: (c) => ({
      level: 'trace',
      stream: c,
      serializers: { req: (request: { headers: unknown }) => ({ headers: request.headers }) },
    }),
  }
  const { app, origin } = await buildApp(capture, leaky, { jwks: fx.jwks })
  t.teardown(() => app.close())
  const token = await fx.jws({ claims: withCanary() })
  await send(origin, '/me', `Bearer ${token}`)
  await app.close()
  t.ok(capture.text.includes(token), 'the token is found in the captured lines')
})

t.teardown(() => fx.close())

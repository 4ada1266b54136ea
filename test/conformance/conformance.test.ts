// The adapter conformance suite: every case of ./cases.ts against the Fastify
// plugin and the Express middleware (with errorHandler() and with Express's
// own default handler), over real HTTP. Each answer must match the expected
// status, code and challenge, and the adapters must agree with each other.
import t from 'tap'
import { cases, createFixture } from './cases.js'
import type { Case, Fixture } from './cases.js'
import { rawRequest } from './raw-http.js'
import type { RawResponse } from './raw-http.js'
import { startExpress, startFastify } from './servers.js'
import type { Target } from './servers.js'

const fixture: Fixture = await createFixture()
const targets = {
  up: [
    await startFastify(fixture.options),
    await startExpress(fixture.options),
    await startExpress(fixture.options, false),
  ],
  down: [
    await startFastify(fixture.downOptions),
    await startExpress(fixture.downOptions),
    await startExpress(fixture.downOptions, false),
  ],
}
t.teardown(async () => {
  for (const target of [...targets.up, ...targets.down]) await target.close()
})

interface Answer {
  readonly status: number
  readonly code: string | undefined
  readonly challenge: string | undefined
  readonly retryAfter: string | undefined
  readonly body: Record<string, unknown> | undefined
}

async function ask(target: Target, testCase: Case): Promise<Answer> {
  const { headers, body, query } = await testCase.request(fixture)
  const path = query === undefined ? testCase.path : `${testCase.path}?${query}`
  const response: RawResponse = await rawRequest(target.port, {
    path,
    ...(testCase.method === undefined ? {} : { method: testCase.method }),
    ...(headers === undefined ? {} : { headers }),
    ...(body === undefined ? {} : { body }),
  })
  let json: Record<string, unknown> | undefined
  try {
    json = JSON.parse(response.body) as Record<string, unknown>
  } catch {
    json = undefined
  }
  return {
    status: response.status,
    code: typeof json?.code === 'string' ? json.code : undefined,
    challenge: response.headers['www-authenticate'],
    retryAfter: response.headers['retry-after'],
    body: json,
  }
}

t.ok(cases.length >= 50, `the table holds ${cases.length} cases`)

for (const testCase of cases) {
  t.test(testCase.name, async (t) => {
    const answers = new Map<string, Answer>()
    for (const target of targets[testCase.keys ?? 'up']) {
      const answer = await ask(target, testCase)
      answers.set(target.name, answer)
      const { expect } = testCase
      t.equal(answer.status, expect.status, `${target.name}: status`)
      const jsonBody = target.name !== 'express (default handler)' || answer.status < 400
      if (jsonBody && expect.code !== undefined) t.equal(answer.code, expect.code, `${target.name}: code`)
      if (jsonBody && answer.status >= 400) {
        t.equal(answer.body?.statusCode, expect.status, `${target.name}: body statusCode`)
        t.type(answer.body?.message, 'string', `${target.name}: body message`)
      }
      if (expect.challenge === null) t.equal(answer.challenge, undefined, `${target.name}: no challenge`)
      else if (expect.challenge !== undefined)
        t.equal(answer.challenge, expect.challenge, `${target.name}: challenge`)
      else if (answer.status === 401 || answer.status === 403 || answer.status === 400) {
        t.match(answer.challenge, /^Bearer realm="api"/, `${target.name}: a Bearer challenge`)
      }
      if (expect.status === 503) t.match(answer.retryAfter, /^\d+$/, `${target.name}: Retry-After`)
      if (expect.sub !== undefined) t.equal(answer.body?.sub, expect.sub, `${target.name}: sub`)
    }
    // The adapters agree with each other, whatever the table says.
    const [reference, ...others] = [...answers.entries()]
    for (const [name, answer] of others) {
      const [refName, ref] = reference as [string, Answer]
      t.equal(answer.status, ref.status, `${name} and ${refName} agree on the status`)
      t.equal(answer.challenge, ref.challenge, `${name} and ${refName} agree on the challenge`)
      t.equal(
        answer.retryAfter === undefined,
        ref.retryAfter === undefined,
        `${name} and ${refName} agree on Retry-After`,
      )
      if (name === 'express') t.equal(answer.code, ref.code, `${name} and ${refName} agree on the code`)
    }
  })
}

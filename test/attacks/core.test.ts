/**
 * The attack corpus against `@tokenward/core`'s verifier, with static keys
 * (`jwks`) and with keys fetched from a JWKS server on 127.0.0.1 (`jwksUri`).
 */
import t from 'tap'
import { createVerifier, errorCodes, isTokenwardError } from '@tokenward/core'
import type { Verifier, VerifierOptions } from '@tokenward/core'
import { corpus } from './corpus.js'
import { AUDIENCE, CLIENT_ID, createFixture, ISSUER, now, REALM } from './fixtures.js'
import { runCorpus } from './runner.js'
import type { Target } from './runner.js'

const fx = await createFixture()
t.teardown(() => fx.close())

function coreTarget(name: string, verifier: Verifier): Target {
  return {
    name,
    jsonBody: false,
    async send(request) {
      try {
        const principal = await verifier.verify({
          authorization: request.authorization,
          method: request.method ?? 'GET',
          url: request.path ?? '/me',
        })
        return { status: 200, sub: principal.sub }
      } catch (error) {
        if (!isTokenwardError(error)) return { status: 500, crash: error }
        return { status: error.statusCode, code: error.code, challenge: error.headers['WWW-Authenticate'] }
      }
    },
  }
}

const base: VerifierOptions = {
  issuer: ISSUER,
  audience: AUDIENCE,
  clientIds: [CLIENT_ID],
  realm: REALM,
  now,
}

// Everything is set up before the first test is registered: tap ends the root
// test (and runs its teardowns) as soon as its queue of subtests is empty.
const staticVerifier = createVerifier({ ...base, jwks: fx.jwks })
const remoteVerifier = createVerifier({ ...base, jwksUri: `${fx.jwksServer.url}/jwks` })
await remoteVerifier.ready()
const fetchedAtStart = fx.jwksServer.requests.length
t.teardown(() => {
  staticVerifier.close()
  remoteVerifier.close()
})

t.test('the corpus', async (t) => {
  t.ok(corpus.length >= 50, `at least 50 cases (${corpus.length})`)
  t.equal(new Set(corpus.map((c) => c.name)).size, corpus.length, 'case names are unique')
  for (const attack of corpus) {
    const status = attack.code === null ? 200 : errorCodes[attack.code].statusCode
    t.equal(attack.status, status, `${attack.name}: status agrees with DESIGN.md for ${attack.code}`)
  }
})

void runCorpus(t, coreTarget('core, static jwks', staticVerifier), fx)
void runCorpus(t, coreTarget('core, jwksUri on 127.0.0.1', remoteVerifier), fx)
t.test('key fetches', async (t) => {
  t.equal(fetchedAtStart, 1, 'one JWKS fetch at start-up')
  t.ok(
    fx.jwksServer.requests.length - fetchedAtStart <= 1,
    'unknown kids made at most one refetch (cooldown)',
  )
})

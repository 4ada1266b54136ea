import t from 'tap'
import { buildChallenge, quote } from '@tokenward/core'
import { challengeFor } from '../src/challenge.js'

t.test('quote escapes quotes and backslashes and replaces what a header cannot carry', async (t) => {
  t.equal(quote('api'), '"api"')
  t.equal(quote(''), '""')
  t.equal(quote('say "hi"'), '"say \\"hi\\""')
  t.equal(quote('C:\\keys'), '"C:\\\\keys"')
  t.equal(quote('a\r\nSet-Cookie: x=1'), '"a??Set-Cookie: x=1"', 'no header injection through CRLF')
  t.equal(quote('tab\there'), '"tab?here"')
  t.equal(quote('café'), '"caf?"', 'non-ASCII replaced')
  t.equal(quote('\u0000\u007f'), '"??"', 'NUL and DEL replaced')
  t.equal(quote('~ !#'), '"~ !#"', 'printable ASCII kept')
})

t.test('buildChallenge writes parameters in order, each quoted', async (t) => {
  t.equal(buildChallenge(), 'Bearer')
  t.equal(buildChallenge({}), 'Bearer')
  t.equal(buildChallenge({ realm: 'api' }), 'Bearer realm="api"')
  t.equal(
    buildChallenge({
      resourceMetadata: 'https://api.example/.well-known/oauth-protected-resource',
      scope: ['read:a', 'write:b'],
      errorDescription: 'The access token lacks the scope this request needs',
      error: 'insufficient_scope',
      realm: 'api',
    }),
    'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks the scope this request needs", scope="read:a write:b", resource_metadata="https://api.example/.well-known/oauth-protected-resource"',
  )
  t.equal(
    buildChallenge({ error: 'invalid_token', errorDescription: 'The access token expired' }),
    'Bearer error="invalid_token", error_description="The access token expired"',
    'no realm when none is configured',
  )
  t.equal(
    buildChallenge({ realm: 'api', scope: [] }),
    'Bearer realm="api"',
    'an empty scope list is left out',
  )
  t.equal(
    buildChallenge({ resourceMetadata: 'https://api.example/meta' }),
    'Bearer resource_metadata="https://api.example/meta"',
  )
  t.equal(buildChallenge({ realm: 'my "api"' }), 'Bearer realm="my \\"api\\""', 'realm escaped')
})

t.test('challengeFor: no error means a bare challenge without description', async (t) => {
  t.equal(
    challengeFor(undefined, 'An access token is required', { realm: 'api', resourceMetadata: 'https://m/' }),
    'Bearer realm="api", resource_metadata="https://m/"',
  )
  t.equal(
    challengeFor('invalid_token', 'The access token expired', { realm: 'api' }),
    'Bearer realm="api", error="invalid_token", error_description="The access token expired"',
  )
  t.equal(
    challengeFor('insufficient_scope', 'needs scope', { scope: ['a', 'b'] }),
    'Bearer error="insufficient_scope", error_description="needs scope", scope="a b"',
  )
})

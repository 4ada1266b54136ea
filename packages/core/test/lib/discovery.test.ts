import t from 'tap'
import { discoverJwksUri, discoveryUrls } from '../../src/lib/discovery.js'
import { KeyFetchError } from '../../src/lib/fetch-json.js'
import { TestServer } from '../fixtures/helpers.js'

const never = new AbortController().signal

t.test('discoveryUrls: OpenID Connect first, then RFC 8414', async (t) => {
  t.same(discoveryUrls('https://issuer.example'), [
    'https://issuer.example/.well-known/openid-configuration',
    'https://issuer.example/.well-known/oauth-authorization-server',
  ])
  t.same(discoveryUrls('https://issuer.example/'), [
    'https://issuer.example/.well-known/openid-configuration',
    'https://issuer.example/.well-known/oauth-authorization-server',
  ])
  t.same(discoveryUrls('https://login.example/tenant/v2.0/'), [
    'https://login.example/tenant/v2.0/.well-known/openid-configuration',
    'https://login.example/.well-known/oauth-authorization-server/tenant/v2.0',
  ])
  t.throws(() => discoveryUrls('not a url'), TypeError)
})

t.test('discoverJwksUri', async (t) => {
  const server = await TestServer.start(t)
  const issuer = server.url('/realms/a')
  server.route('/realms/a/.well-known/openid-configuration', {
    body: { issuer, jwks_uri: server.url('/realms/a/certs') },
  })
  t.equal(await discoverJwksUri(issuer, 1000, never), server.url('/realms/a/certs'))
  t.same(server.requests, ['/realms/a/.well-known/openid-configuration'], 'stops at the first good document')
})

t.test('discoverJwksUri: fallback, and the last error when nothing fits', async (t) => {
  const server = await TestServer.start(t)
  const issuer = server.url('/b')
  server.route('/.well-known/oauth-authorization-server/b', {
    body: { issuer, jwks_uri: 'https://keys.example/b' },
  })
  t.equal(await discoverJwksUri(issuer, 1000, never), 'https://keys.example/b', 'after a 404 on the first')
  server.route('/b/.well-known/openid-configuration', {
    body: { issuer: `${issuer}/`, jwks_uri: 'https://evil/' },
  })
  t.equal(await discoverJwksUri(issuer, 1000, never), 'https://keys.example/b', 'issuer must match exactly')

  server.route('/.well-known/oauth-authorization-server/b', { body: { issuer } })
  const error = await discoverJwksUri(issuer, 1000, never).then(
    () => undefined,
    (e: unknown) => e,
  )
  t.type(error, KeyFetchError)
  t.equal(
    (error as KeyFetchError).message,
    `${server.url('/.well-known/oauth-authorization-server/b')} has no valid jwks_uri`,
    'the error of the last document tried',
  )
})

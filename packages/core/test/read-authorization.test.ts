import t from 'tap'
import { request } from 'node:http'
import { createVerifier, readAuthorization } from '@tokenward/core'
import { AUDIENCE, ISSUER, refused, TestServer } from './fixtures/helpers.js'

t.test('plain objects', async (t) => {
  t.equal(readAuthorization({ headers: {} }), undefined)
  t.equal(
    readAuthorization({ headers: {}, rawHeaders: ['Authorization', 'Bearer a'] }),
    undefined,
    'headers decide presence',
  )
  t.equal(readAuthorization({ headers: { authorization: 'Bearer a' } }), 'Bearer a', 'no rawHeaders')
  t.equal(
    readAuthorization({
      headers: { authorization: 'Bearer a' },
      rawHeaders: ['Host', 'x', 'Authorization', 'Bearer a'],
    }),
    'Bearer a',
  )
  t.same(
    readAuthorization({
      headers: { authorization: 'Bearer a' },
      rawHeaders: ['authorization', 'Bearer a', 'Accept', '*/*', 'AUTHORIZATION', 'Basic b'],
    }),
    ['Bearer a', 'Basic b'],
    'every value when sent twice, names case-insensitive',
  )
  t.equal(
    readAuthorization({
      headers: { authorization: 'Bearer a' },
      rawHeaders: ['Authorizations', 'x', 'Authorization', 'Bearer a'],
    }),
    'Bearer a',
    'a longer header name is another header',
  )
  const list = ['Bearer a', 'Bearer b']
  t.equal(readAuthorization({ headers: { authorization: list } }), list, 'an array is passed through')
})

/** Sends a GET with the given raw header lines and returns what readAuthorization saw. */
async function seen(t: Parameters<typeof TestServer.start>[0], headers: Record<string, string | string[]>) {
  let result: unknown
  const server = await TestServer.start(t, {
    '/': (req, res) => {
      result = readAuthorization(req)
      res.writeHead(204).end()
    },
  })
  await new Promise<void>((resolve, reject) => {
    request(server.url('/'), { headers }, (res) => {
      res.resume()
      res.on('end', resolve)
    })
      .on('error', reject)
      .end()
  })
  return result
}

t.test('a real Node request', async (t) => {
  t.equal(await seen(t, { authorization: 'Bearer one' }), 'Bearer one')
  t.equal(await seen(t, {}), undefined)
  t.same(
    await seen(t, { authorization: ['Bearer one', 'Bearer two'] }),
    ['Bearer one', 'Bearer two'],
    'Node keeps only the first in req.headers; both are found',
  )

  const verifier = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [] }, realm: 'api' })
  t.teardown(() => verifier.close())
  const twice = (await seen(t, { authorization: ['Bearer one', 'Bearer two'] })) as string[]
  await refused(
    t,
    verifier.verify({ authorization: twice }),
    'TW_INVALID_REQUEST',
    'Bearer realm="api", error="invalid_request", error_description="The Authorization header is malformed: send exactly one \\"Authorization: Bearer <access token>\\" header"',
    400,
  )
})

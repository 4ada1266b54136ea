import t from 'tap'
import { fetchJson, KeyFetchError } from '../../src/lib/fetch-json.js'
import { TestServer } from '../fixtures/helpers.js'

const never = new AbortController().signal

t.test('JSON body and Cache-Control max-age', async (t) => {
  const server = await TestServer.start(t, {
    '/plain': { body: { a: 1 } },
    '/max-age': { body: [1], headers: { 'cache-control': 'public, max-age=300' } },
    '/quoted': { body: 'x', headers: { 'cache-control': 'max-age="60", must-revalidate' } },
    '/spaces': { body: null, headers: { 'cache-control': 'private , MAX-AGE = 7' } },
    '/no-store': { body: {}, headers: { 'cache-control': 'no-store' } },
    '/no-cache': { body: {}, headers: { 'cache-control': 'max-age=600, no-cache' } },
    '/public': { body: {}, headers: { 'cache-control': 'public' } },
    '/s-maxage': { body: {}, headers: { 'cache-control': 's-maxage=60' } },
  })
  t.same(await fetchJson(server.url('/plain'), 1000, never), { body: { a: 1 }, maxAge: undefined })
  t.same(await fetchJson(server.url('/max-age'), 1000, never), { body: [1], maxAge: 300_000 })
  t.same(await fetchJson(server.url('/quoted'), 1000, never), { body: 'x', maxAge: 60_000 })
  t.same(await fetchJson(server.url('/spaces'), 1000, never), { body: null, maxAge: 7_000 })
  t.equal((await fetchJson(server.url('/no-store'), 1000, never)).maxAge, 0)
  t.equal((await fetchJson(server.url('/no-cache'), 1000, never)).maxAge, 0, 'no-cache wins over max-age')
  t.equal((await fetchJson(server.url('/public'), 1000, never)).maxAge, undefined, 'no max-age directive')
  t.equal(
    (await fetchJson(server.url('/s-maxage'), 1000, never)).maxAge,
    undefined,
    's-maxage is not max-age',
  )
})

async function failure(promise: Promise<unknown>): Promise<KeyFetchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof KeyFetchError)) throw new Error(`expected a KeyFetchError, got ${String(error)}`)
  return error
}

t.test('failures are KeyFetchErrors naming the URL', async (t) => {
  const server = await TestServer.start(t, {
    '/500': { status: 500, body: { error: 'boom' } },
    '/304': (_req, res) => void res.writeHead(304).end(),
    '/redirect': { status: 301, headers: { location: '/plain' }, body: {} },
    '/garbage': { raw: 'not json' },
    '/empty': { raw: '' },
    '/hang': () => undefined,
    '/plain': { body: {} },
  })
  const http500 = await failure(fetchJson(server.url('/500'), 1000, never))
  t.equal(http500.name, 'KeyFetchError')
  t.equal(http500.url, server.url('/500'))
  t.equal(http500.message, `GET ${server.url('/500')} answered HTTP 500`)
  t.equal(
    (await failure(fetchJson(server.url('/304'), 1000, never))).message,
    `GET ${server.url('/304')} answered HTTP 304`,
  )
  const redirect = await failure(fetchJson(server.url('/redirect'), 1000, never))
  t.match(redirect.message, /answered HTTP 301$/)
  t.equal(server.count('/plain'), 0, 'redirects are not followed')
  const garbage = await failure(fetchJson(server.url('/garbage'), 1000, never))
  t.match(garbage.message, /did not answer JSON$/)
  t.type(garbage.cause, SyntaxError)
  t.match((await failure(fetchJson(server.url('/empty'), 1000, never))).message, /did not answer JSON$/)

  const started = performance.now()
  const timeout = await failure(fetchJson(server.url('/hang'), 100, never))
  t.equal(timeout.message, `GET ${server.url('/hang')} timed out after 100 ms`)
  t.ok(performance.now() - started < 1000)

  const controller = new AbortController()
  const pending = fetchJson(server.url('/hang'), 5000, controller.signal)
  setTimeout(() => controller.abort(), 20)
  t.equal((await failure(pending)).message, `GET ${server.url('/hang')} failed`, 'aborted by the caller')

  const aborted = new AbortController()
  aborted.abort()
  t.match((await failure(fetchJson(server.url('/plain'), 1000, aborted.signal))).message, /failed$/)
  t.equal(server.count('/plain'), 0, 'an aborted signal sends nothing')

  await server.close()
  const refused = await failure(fetchJson(server.url('/plain'), 1000, never))
  t.match(refused.message, /failed$/)
  t.ok(refused.cause, 'the network error is kept as cause')
})

import t from 'tap'
import { keySetLogRecord, refusalLogRecord, TokenwardError } from '@tokenward/core'

t.test('a refusal is one info record with the code and status, never the token', async (t) => {
  const record = refusalLogRecord(new TokenwardError('TW_EXPIRED', { realm: 'api' }))
  t.same(record, {
    level: 'info',
    data: { tokenward: { code: 'TW_EXPIRED', statusCode: 401 } },
    message: 'tokenward: request refused',
  })
})

t.test('key-set events map to debug, error and warn records', async (t) => {
  t.same(
    keySetLogRecord({ type: 'keys-fetched', issuer: 'https://i/', url: 'https://i/jwks', keyCount: 2 }),
    {
      level: 'debug',
      data: { tokenward: { issuer: 'https://i/', keyCount: 2 } },
      message: 'tokenward: keys fetched',
    },
  )
  const failed = keySetLogRecord({
    type: 'keys-fetch-failed',
    issuer: 'https://i/',
    error: new Error('GET https://i/jwks answered HTTP 500'),
    servingStale: true,
  })
  t.equal(failed.level, 'error')
  t.same(failed.data, {
    tokenward: { issuer: 'https://i/', servingStale: true, reason: 'GET https://i/jwks answered HTTP 500' },
  })
  const stale = keySetLogRecord({ type: 'keys-stale', issuer: 'https://i/', ageMs: 1234 })
  t.equal(stale.level, 'warn')
  t.same(stale.data, { tokenward: { issuer: 'https://i/', ageMs: 1234 } })
  t.match(stale.message, /stale/)
})

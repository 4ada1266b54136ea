// Memory: push 1,000,000 distinct valid tokens through one verifier and watch
// the heap. The verified-token cache must keep it bounded by `cache.max`.
// HS256 tokens are minted here with node:crypto (cheap), one batch at a time,
// so the tokens themselves never pile up.
//   node --expose-gc bench/memory.mjs [--tokens 1000000] [--max 10000]
import { createHmac, randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { memoryReport } from './lib/report.mjs'
import { isMain } from './lib/serve.mjs'

const ISSUER = 'https://issuer.bench.test/'
const AUDIENCE = 'https://api.bench.test'
const BATCH = 100 // verifications in flight; raw heap sampled after each batch
const SAMPLE_EVERY = 50_000 // tokens between gc'ed samples
const BOUND_SLACK = 16 * 1024 * 1024 // allowed live-heap growth once the cache is full

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
const gc = globalThis.gc ?? (() => {})

function minter(secret) {
  const header = b64url({ alg: 'HS256', typ: 'at+jwt' })
  const iat = Math.floor(Date.now() / 1000)
  return (i) => {
    const payload = b64url({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: `user-${i}`,
      scope: 'read:me',
      client_id: 'bench-client',
      iat,
      exp: iat + 3600,
      jti: `jti-${i}`,
    })
    const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')
    return `${header}.${payload}.${signature}`
  }
}

export async function run({ tokens = 1_000_000, max = 10_000 } = {}) {
  let createVerifier
  try {
    ;({ createVerifier } = await import('@tokenward/core'))
  } catch (err) {
    return { skipped: `@tokenward/core not loadable: ${err.message.split('\n')[0]}` }
  }
  if (!globalThis.gc) console.error('memory.mjs: run with --expose-gc for live-heap samples')

  const secret = randomBytes(32)
  const mint = minter(secret)
  const verifier = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    secret,
    algorithms: ['HS256'],
    cache: { max },
  })
  await verifier.verify(mint(-1)) // load lazily-initialised code before the baseline
  gc()
  const baseline = process.memoryUsage().heapUsed
  const samples = []
  let peakRaw = 0
  let peakRss = 0
  let failures = 0
  let firstError
  const started = performance.now()

  for (let done = 0; done < tokens;) {
    const n = Math.min(BATCH, tokens - done)
    const batch = Array.from({ length: n }, (_, k) => verifier.verify(mint(done + k)))
    for (const r of await Promise.allSettled(batch)) {
      if (r.status === 'rejected') {
        failures++
        firstError ??= `${r.reason?.code ?? ''} ${r.reason?.message ?? r.reason}`.trim()
      }
    }
    done += n
    const { heapUsed, rss } = process.memoryUsage()
    peakRaw = Math.max(peakRaw, heapUsed)
    peakRss = Math.max(peakRss, rss)
    if (done % SAMPLE_EVERY === 0 || done === tokens) {
      gc()
      samples.push({ tokens: done, heapUsed: process.memoryUsage().heapUsed })
    }
  }

  const seconds = (performance.now() - started) / 1000
  gc()
  const finalLive = process.memoryUsage().heapUsed
  verifier.close()
  const peakLive = Math.max(...samples.map((s) => s.heapUsed))
  const first = samples[0]?.heapUsed ?? baseline
  return {
    alg: 'HS256',
    tokens,
    max,
    concurrency: BATCH,
    seconds,
    failures,
    firstError,
    baseline,
    samples,
    peakLive,
    peakRaw,
    peakRss,
    finalLive,
    bytesPerEntry: (first - baseline) / Math.min(max, samples[0]?.tokens ?? max),
    boundSlack: BOUND_SLACK,
    bounded: failures === 0 && peakLive - first < BOUND_SLACK,
  }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { tokens: { type: 'string' }, max: { type: 'string' } } })
  const result = await run({ tokens: Number(values.tokens ?? 1_000_000), max: Number(values.max ?? 10_000) })
  if (process.send) process.send(result)
  else console.log(memoryReport(result))
}

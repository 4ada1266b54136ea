// Cold start: a freshly started server gets 200 concurrent requests while its
// issuer's JWKS endpoint is slow; how many times are the keys fetched?
// Target for tokenward: exactly one fetch (start-up prefetch or first request,
// shared by every waiting request). Peers are shown for comparison.
//   node bench/cold-start.mjs [--concurrency 200] [--delay 100]
import { request } from 'node:http'
import { parseArgs } from 'node:util'
import { setupBench } from './keys.mjs'
import { startServer } from './lib/spawn.mjs'
import { contenders } from './contenders.mjs'
import { coldStartReport } from './lib/report.mjs'
import { isMain } from './lib/serve.mjs'

const NAMES = [
  ['tokenward-fastify-es256-cache', true],
  ['tokenward-express', true],
  ['fastify-jose-hook-es256', false],
  ['fastify-auth0-verify', false],
  ['express-oauth2-jwt-bearer', false],
]

function get(url, token) {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume()
      res.on('end', () => resolve(String(res.statusCode)))
    })
    req.on('error', (err) => resolve(err.code ?? 'error'))
    req.end()
  })
}

async function one(contender, { concurrency, delayMs }) {
  const bench = await setupBench({ delayMs })
  let server
  try {
    server = await startServer(contender.file, { ...contender.env, BENCH_CONFIG: bench.configPath })
    const token = bench.config.tokens[contender.alg]
    const answers = await Promise.all(Array.from({ length: concurrency }, () => get(server.url, token)))
    const statuses = {}
    for (const s of answers) statuses[s] = (statuses[s] ?? 0) + 1
    return {
      fetches: bench.jwksServer.counts.jwks,
      discovery: bench.jwksServer.counts.discovery,
      ok: statuses['200'] ?? 0,
      statuses,
    }
  } catch (err) {
    return { error: err.message }
  } finally {
    await server?.stop()
    await bench.cleanup()
  }
}

// The same with no HTTP server in between: `concurrency` verify() calls on a
// verifier that has never fetched its keys.
async function core({ concurrency, delayMs }) {
  const bench = await setupBench({ delayMs })
  let verifier
  try {
    const { createVerifier } = await import('@tokenward/core')
    const { issuer, audience, jwksUri, tokens } = bench.config
    verifier = createVerifier({ issuer, audience, jwksUri })
    const answers = await Promise.all(
      Array.from({ length: concurrency }, () =>
        verifier.verify(tokens.ES256).then(
          () => '200',
          (err) => err.code ?? 'error',
        ),
      ),
    )
    const statuses = {}
    for (const s of answers) statuses[s] = (statuses[s] ?? 0) + 1
    return { fetches: bench.jwksServer.counts.jwks, ok: statuses['200'] ?? 0, statuses }
  } catch (err) {
    return { error: `${err.code ? `${err.code}: ` : ''}${err.message.split('\n')[0]}` }
  } finally {
    verifier?.close()
    await bench.cleanup()
  }
}

export async function run({ concurrency = 200, delayMs = 100 } = {}) {
  const rows = [
    { name: '@tokenward/core verify() in-process', target: true, ...(await core({ concurrency, delayMs })) },
  ]
  for (const [name, target] of NAMES) {
    const contender = contenders.find((c) => c.name === name)
    rows.push({ name, target, ...(await one(contender, { concurrency, delayMs })) })
  }
  return { concurrency, delayMs, rows }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { concurrency: { type: 'string' }, delay: { type: 'string' } } })
  const result = await run({
    concurrency: Number(values.concurrency ?? 200),
    delayMs: Number(values.delay ?? 100),
  })
  if (process.send) process.send(result)
  else console.log(coldStartReport(result))
}

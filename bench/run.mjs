// `pnpm bench`: throughput of tokenward and its peers, each server in its own
// process driven by autocannon over loopback, plus the cold-start and memory
// checks. Markdown to stdout and bench/results/latest.md; progress to stderr.
//   node bench/run.mjs [--quick] [--only a,b] [--duration 3] [--rounds 4] [--warmup 2]
//                      [--no-memory] [--no-cold-start]
import { mkdir, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { setupBench } from './keys.mjs'
import { select } from './contenders.mjs'
import { CONNECTIONS, probe, runLoad } from './lib/load.mjs'
import { runScript, startServer } from './lib/spawn.mjs'
import { coldStartReport, loadReport, machine, memoryReport, summarize } from './lib/report.mjs'

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    duration: { type: 'string' },
    rounds: { type: 'string' },
    warmup: { type: 'string' },
    'no-memory': { type: 'boolean', default: false },
    'no-cold-start': { type: 'boolean', default: false },
  },
})
const duration = Number(opts.duration ?? (opts.quick ? 1 : 3))
const rounds = Number(opts.rounds ?? (opts.quick ? 1 : 4))
const warmup = Number(opts.warmup ?? (opts.quick ? 0.5 : 2))
const log = (...args) => console.error('[bench]', ...args)
const here = (file) => fileURLToPath(new URL(file, import.meta.url))

const selected = select(opts.only)
const bench = await setupBench()
const live = []
const skipped = []

// Start every server, probe it (lib/load.mjs), warm it up. A server that
// fails any of that is reported as not run, with the reason.
for (const contender of selected) {
  try {
    const server = await startServer(contender.file, { ...contender.env, BENCH_CONFIG: bench.configPath })
    const token = bench.config.tokens[contender.alg ?? 'ES256']
    live.push({ contender, server, token, runs: [] })
    await probe({ url: server.url, token, sub: contender.alg ? bench.config.sub : undefined })
    await runLoad({ url: server.url, token, duration: warmup })
    log(`${contender.name}: ready on ${server.url}`)
  } catch (err) {
    log(`${contender.name}: skipped — ${err.message}`)
    skipped.push({ contender, reason: err.message })
    const i = live.findIndex((l) => l.contender === contender)
    if (i >= 0) await live.splice(i, 1)[0].server.stop()
  }
}

// Rounds: every server once per round, the order reversed every other round
// so that drift (thermal, GC of the runner) does not favour one end.
for (let round = 0; round < rounds; round++) {
  const order = round % 2 ? [...live].reverse() : live
  for (const entry of order) {
    const { url, child } = entry.server
    const r = await runLoad({ url, token: entry.token, duration, serverPid: child.pid })
    entry.runs.push(r)
    log(
      `round ${round + 1}/${rounds} ${entry.contender.name}: ${Math.round(r.rps)} req/s, p99 ${r.p99} ms${r.non2xx || r.errors ? `, ${r.non2xx} non-2xx, ${r.errors} errors` : ''}`,
    )
  }
}
await Promise.all(live.map((l) => l.server.stop()))
const jwksFetches = bench.jwksServer.counts.jwks
await bench.cleanup()

let coldStart = { skipped: '--no-cold-start' }
if (!opts['no-cold-start']) {
  log('cold start …')
  coldStart = await runScript(here('./cold-start.mjs'))
}
let memory = { skipped: '--no-memory' }
if (!opts['no-memory']) {
  const tokens = opts.quick ? '200000' : '1000000'
  log(`memory (${tokens} tokens) …`)
  memory = await runScript(here('./memory.mjs'), { execArgv: ['--expose-gc'], args: ['--tokens', tokens] })
}

const statistic = `req/s: autocannon's mean req/s in the best of ${rounds} round(s), p99: that round's p99 latency; median req/s: over all rounds.`
const report = [
  `# tokenward benchmark, ${new Date().toISOString()}`,
  '',
  `Machine: ${machine()}.`,
  '',
  `Method: every server in its own process on 127.0.0.1:0 with one route \`GET /me\` → \`{ sub }\`; autocannon (in the runner process) with ${CONNECTIONS} connections, no pipelining, the same valid access token on every request (\`typ: at+jwt\`, 1 h). Keys come from a local JWKS server over HTTP (${jwksFetches} JWKS fetches in total). Each server: a probe (200 with the token's \`sub\`; 401 without a token), ${warmup} s warm-up, then ${rounds} round(s) of ${duration} s, the order reversed every other round.${opts.quick ? ' **--quick run: numbers are for smoke testing only.**' : ''}`,
  '',
  loadReport({ summary: summarize(live), skipped, method: { statistic } }),
  '',
  coldStartReport(coldStart),
  '',
  memoryReport(memory),
  '',
].join('\n')

console.log(report)
await mkdir(here('./results'), { recursive: true })
await writeFile(here('./results/latest.md'), report)
await writeFile(
  here('./results/latest.json'),
  JSON.stringify(
    { live: live.map(({ contender, runs }) => ({ name: contender.name, runs })), skipped, coldStart, memory },
    null,
    2,
  ),
)
log('written to bench/results/latest.md')

// Markdown for the results of run.mjs, cold-start.mjs and memory.mjs.
import os from 'node:os'

const MiB = 1024 * 1024
const mib = (bytes) => `${(bytes / MiB).toFixed(1)} MiB`
const int = (n) => Math.round(n).toLocaleString('en-US')
const pct = (n) => (n == null ? '—' : `${Math.round(n * 100)}%`)
const x = (n) => (n == null ? '—' : `${n.toFixed(2)}×`)

export function median(values) {
  if (!values.length) return null
  const v = [...values].sort((a, b) => a - b)
  const m = v.length >> 1
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2
}

export function machine() {
  const cpus = os.cpus()
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`
}

/**
 * rows: [{ contender, runs: [{ rps, p99, non2xx, errors, total }] }] → per
 * contender: the best round (highest req/s, with that round's p99) and the
 * median req/s. On a shared machine interference only ever takes throughput
 * away, so the best round is the closest to what the code can do.
 */
export function summarize(rows) {
  const byName = new Map()
  for (const { contender, runs } of rows) {
    const best = runs.reduce((a, b) => (b.rps > a.rps ? b : a))
    byName.set(contender.name, {
      contender,
      rps: best.rps,
      p99: best.p99,
      other: best.other,
      cpu: median(runs.map((r) => r.cpuPerRequest).filter((c) => c != null)),
      median: median(runs.map((r) => r.rps)),
      non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
      errors: runs.reduce((n, r) => n + r.errors, 0),
      total: runs.reduce((n, r) => n + r.total, 0),
    })
  }
  return byName
}

const ratio = (summary, a, b) => {
  const sa = summary.get(a)
  const sb = summary.get(b)
  return sa && sb && sb.rps ? sa.rps / sb.rps : null
}

const TARGETS = [
  ['tokenward Fastify, cache on, ES256', 'tokenward-fastify-es256-cache', 'fastify-noauth', 0.95],
  ['tokenward Fastify, cache on, RS256', 'tokenward-fastify-rs256-cache', 'fastify-noauth', 0.95],
  ['tokenward Fastify, cache off, ES256', 'tokenward-fastify-es256-nocache', 'fastify-jose-hook-es256', 1.0],
  ['tokenward Fastify, cache off, RS256', 'tokenward-fastify-rs256-nocache', 'fastify-jose-hook-rs256', 1.0],
  ['tokenward Express (cache on)', 'tokenward-express', 'express-noauth', 0.9],
]

function interference(summary) {
  const others = [...summary.values()].map((s) => s.other).filter((o) => o != null)
  if (!others.length) return 'not measurable here.'
  const worst = Math.max(...others)
  return worst > 0.1
    ? `**up to ${pct(worst)}: other work disturbed this run, compare with care.**`
    : `at most ${pct(worst)}, a quiet machine.`
}

const clean = (s) => s && s.non2xx === 0 && s.errors === 0

export function loadReport({ summary, skipped, method }) {
  const out = []
  out.push(
    '| contender | alg | req/s | median req/s | p99 (ms) | server CPU µs/req | × no-auth | all 200? | other CPU | configuration |',
  )
  out.push('|---|---|--:|--:|--:|--:|--:|---|--:|---|')
  for (const [name, s] of summary) {
    const check = clean(s)
      ? `yes (${int(s.total)})`
      : `**NO: ${int(s.non2xx)} non-2xx, ${int(s.errors)} errors**`
    out.push(
      `| ${name} | ${s.contender.alg ?? '—'} | ${int(s.rps)} | ${int(s.median)} | ${s.p99} | ${s.cpu == null ? '—' : s.cpu.toFixed(1)} | ${x(ratio(summary, name, s.contender.baseline))} | ${check} | ${pct(s.other)} | ${s.contender.note} |`,
    )
  }
  for (const { contender, reason } of skipped) {
    out.push(
      `| ${contender.name} | ${contender.alg ?? '—'} | not run | | | | | | | ${reason.replaceAll('|', '\\|')} |`,
    )
  }
  out.push(
    '',
    `${method.statistic} × no-auth (from req/s): against fastify-noauth for Fastify rows, express-noauth for Express rows.`,
    '',
    `server CPU µs/req: the server process's CPU time (user + system, from /proc) divided by the requests it answered, median over rounds; unlike req/s it does not depend on how fast the load generator is. other CPU: share of the machine's CPU used by processes other than the runner and that server during the best round (steal included); ${interference(summary)}`,
  )

  out.push('', '| target | measured | verdict |', '|---|--:|---|')
  for (const [what, a, b, min] of TARGETS) {
    const r = ratio(summary, a, b)
    const verdict =
      r == null ? 'not run' : !clean(summary.get(a)) ? 'invalid (non-2xx)' : r >= min ? 'met' : 'missed'
    out.push(`| ${what} ≥ ${min.toFixed(2)}× ${b} | ${x(r)} | ${verdict} |`)
  }
  return out.join('\n')
}

export function coldStartReport(result) {
  if (result.skipped) return `Cold start: not run (${result.skipped}).`
  const out = [
    `Cold start: ${result.concurrency} concurrent requests (one connection each) at a server that has just started; the JWKS server answers after ${result.delayMs} ms. JWKS fetches are counted from process start (so a start-up prefetch counts too).`,
    '',
    '| contender | JWKS fetches | 200 answers | other answers | verdict |',
    '|---|--:|--:|--:|---|',
  ]
  for (const r of result.rows) {
    if (r.error) {
      out.push(`| ${r.name} | — | — | — | not run: ${r.error.replaceAll('|', '\\|')} |`)
      continue
    }
    const others =
      Object.entries(r.statuses)
        .filter(([s]) => s !== '200')
        .map(([s, n]) => `${n}×${s}`)
        .join(', ') || '0'
    const verdict = r.target
      ? r.fetches === 1 && r.ok === result.concurrency
        ? 'met (target: 1)'
        : 'missed (target: 1)'
      : 'peer'
    out.push(`| ${r.name} | ${r.fetches} | ${r.ok} | ${others} | ${verdict} |`)
  }
  return out.join('\n')
}

export function memoryReport(r) {
  if (r.skipped) return `Memory: not run (${r.skipped}).`
  const series = r.samples.map((s) => `${s.tokens / 1000}k: ${(s.heapUsed / MiB).toFixed(1)}`).join(', ')
  return [
    `Memory: ${int(r.tokens)} distinct valid ${r.alg} tokens through \`createVerifier({ cache: { max: ${int(r.max)} } }).verify(token)\` in one process (\`--expose-gc\`), ${r.concurrency} verifications in flight, ${int(r.tokens / r.seconds)} tokens/s; ${r.failures ? `**${int(r.failures)} failed** (first: ${r.firstError})` : 'all accepted'}.`,
    '',
    '| heap (heapUsed) | value |',
    '|---|--:|',
    `| before any token (after gc) | ${mib(r.baseline)} |`,
    `| after the first ${int(r.samples[0]?.tokens ?? 0)} tokens (after gc) | ${mib(r.samples[0]?.heapUsed ?? 0)} |`,
    `| peak of samples after gc | ${mib(r.peakLive)} |`,
    `| peak of raw samples (no gc, every ${int(r.concurrency)} tokens) | ${mib(r.peakRaw)} |`,
    `| final (after gc, verifier still open) | ${mib(r.finalLive)} |`,
    `| peak RSS | ${mib(r.peakRss)} |`,
    '',
    `≈ ${int(r.bytesPerEntry)} bytes per cached token. Heap after gc, MiB, by tokens verified: ${series}.`,
    `Verdict: ${r.bounded ? 'bounded' : '**not bounded**'} (live heap grew ${mib(r.peakLive - (r.samples[0]?.heapUsed ?? 0))} between the first sample and the peak; bounded means < ${mib(r.boundSlack)}).`,
  ].join('\n')
}

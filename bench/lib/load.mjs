// Drive a server with autocannon (in this process) and keep what we report.
import autocannon from 'autocannon'
import { cpuMeter } from './cpu.mjs'

export const CONNECTIONS = 50

/**
 * `serverPid`: to report the server's CPU time per request (`cpuPerRequest`,
 * µs) and the share of the machine used by other processes (`other`).
 */
export async function runLoad({ url, token, duration, connections = CONNECTIONS, serverPid }) {
  const headers = token ? { authorization: `Bearer ${token}` } : {}
  const meter = cpuMeter(serverPid)
  const r = await autocannon({ url, connections, duration, headers })
  const { other, serverSeconds } = meter()
  return {
    rps: r.requests.average,
    p99: r.latency.p99,
    total: r.requests.total,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    other,
    cpuPerRequest: serverSeconds == null ? null : (serverSeconds * 1e6) / r.requests.total,
  }
}

/**
 * Before measuring: the token must get 200 with its `sub`, and for servers
 * that authenticate (`sub` given) a request without a token must be refused.
 */
export async function probe({ url, token, sub }) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`probe answered ${res.status}: ${text.slice(0, 200)}`)
  const body = JSON.parse(text)
  if (!sub) return
  if (body.sub !== sub) throw new Error(`probe answered sub=${JSON.stringify(body.sub)}, expected ${sub}`)
  const anonymous = await fetch(url)
  await anonymous.arrayBuffer()
  if (anonymous.status !== 401)
    throw new Error(`request without a token answered ${anonymous.status}, not 401`)
}

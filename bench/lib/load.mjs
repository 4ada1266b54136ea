// Drive a server with autocannon (in this process) and keep what we report.
import autocannon from 'autocannon'

export const CONNECTIONS = 50

export async function runLoad({ url, token, duration, connections = CONNECTIONS }) {
  const headers = token ? { authorization: `Bearer ${token}` } : {}
  const r = await autocannon({ url, connections, duration, headers })
  return {
    rps: r.requests.average,
    p99: r.latency.p99,
    total: r.requests.total,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts
  }
}

/** One request, to check the server answers 200 with the token's `sub` before we measure. */
export async function probe({ url, token, sub }) {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`probe answered ${res.status}: ${text.slice(0, 200)}`)
  const body = JSON.parse(text)
  if (sub && body.sub !== sub) throw new Error(`probe answered sub=${JSON.stringify(body.sub)}, expected ${sub}`)
}

/**
 * A controllable issuer for fault tests: a node:http server on 127.0.0.1:0
 * serving OpenID discovery metadata and a JWKS, counting every request it
 * receives per path, and failing on demand.
 *
 * Faults (`fault(mode, path?)`, for one path or, without `path`, all):
 * - `ok`         answers normally (optionally with `cacheControl`);
 * - `reset`      the socket is destroyed as soon as the request arrives (counted);
 * - `http500`    `500 Internal Server Error` with a JSON body;
 * - `garbage`    `200` with a body that is not JSON;
 * - `notJwks`    `200` with JSON that is not a key set (`{"keys":"none"}`);
 * - `{ slow }`   headers and body after `slow` ms (a hang when larger than the client's timeout);
 * - `{ slowBody }` headers at once, then the body after `slowBody` ms.
 * `down()` closes the listener so that connections are refused (nothing is
 * counted), `up()` listens again on the same port.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { JSONWebKeySet } from 'jose'

export const DISCOVERY_PATH = '/.well-known/openid-configuration'
export const RFC8414_PATH = '/.well-known/oauth-authorization-server'
export const JWKS_PATH = '/jwks'

export type Fault =
  | 'ok'
  | 'reset'
  | 'http500'
  | 'garbage'
  | 'notJwks'
  | { readonly slow: number }
  | { readonly slowBody: number }

export interface JwksServer {
  /** `http://127.0.0.1:<port>`: the issuer identifier, also the discovery base. */
  readonly issuer: string
  readonly jwksUri: string
  /** The key set served at `/jwks`. */
  keys: JSONWebKeySet
  /** `Cache-Control` sent with the JWKS (none when undefined). */
  cacheControl: string | undefined
  /** Fields overriding the discovery metadata (`{ issuer, jwks_uri }`). */
  metadata: Record<string, unknown>
  /** Sets the fault of `path` (every path when omitted). */
  fault(mode: Fault, path?: string): void
  /** Requests received on `path` since the start (or the last `resetCounts()`). */
  count(path: string): number
  /** Every path's count, for assertion messages. */
  counts(): Record<string, number>
  resetCounts(): void
  /** Closes the listener: connections are refused until `up()`. */
  down(): Promise<void>
  /** Listens again on the same port. */
  up(): Promise<void>
  close(): Promise<void>
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

function shut(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve()
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

/** Starts a server serving `keys`. */
export async function startJwksServer(keys: JSONWebKeySet): Promise<JwksServer> {
  const counts = new Map<string, number>()
  const faults = new Map<string, Fault>()
  let defaultFault: Fault = 'ok'
  const timers = new Set<NodeJS.Timeout>()
  let issuer = ''

  const later = (req: IncomingMessage, ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      fn()
    }, ms)
    timers.add(timer)
    // The client gave up (timeout): forget the answer.
    req.socket.once('close', () => {
      clearTimeout(timer)
      timers.delete(timer)
    })
  }

  const body = (path: string): { status: number; text: string } | undefined => {
    if (path === JWKS_PATH) return { status: 200, text: JSON.stringify(api.keys) }
    if (path === DISCOVERY_PATH || path === RFC8414_PATH) {
      const metadata = { issuer, jwks_uri: `${issuer}${JWKS_PATH}`, ...api.metadata }
      return { status: 200, text: JSON.stringify(metadata) }
    }
    return undefined
  }

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    counts.set(path, (counts.get(path) ?? 0) + 1)
    const fault = faults.get(path) ?? defaultFault
    const answer = body(path)
    if (fault === 'reset') {
      req.socket.destroy()
      return
    }
    if (answer === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}')
      return
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (path === JWKS_PATH && api.cacheControl !== undefined) headers['cache-control'] = api.cacheControl
    if (fault === 'http500') {
      res.writeHead(500, headers).end('{"error":"server_error"}')
    } else if (fault === 'garbage') {
      res.writeHead(200, headers).end('<html>this is not { json')
    } else if (fault === 'notJwks') {
      res.writeHead(200, headers).end('{"keys":"none"}')
    } else if (fault === 'ok') {
      res.writeHead(answer.status, headers).end(answer.text)
    } else if ('slow' in fault) {
      later(req, fault.slow, () => res.writeHead(answer.status, headers).end(answer.text))
    } else {
      res.writeHead(answer.status, headers)
      res.flushHeaders()
      later(req, fault.slowBody, () => res.end(answer.text))
    }
  }

  const server = createServer(handle)
  // Undici keeps connections alive; short server-side keep-alive keeps close() quick.
  server.keepAliveTimeout = 1000
  const port = await listen(server, 0)
  issuer = `http://127.0.0.1:${port}`
  // Load fetch (undici) now, so that the first key fetch of a test is not the
  // one that pays for it; the warm-up path is never asserted on.
  await (await fetch(`${issuer}/warm-up`)).text()
  counts.clear()

  const api: JwksServer = {
    issuer,
    jwksUri: `${issuer}${JWKS_PATH}`,
    keys,
    cacheControl: undefined,
    metadata: {},
    fault(mode, path) {
      if (path === undefined) {
        faults.clear()
        defaultFault = mode
      } else {
        faults.set(path, mode)
      }
    },
    count: (path) => counts.get(path) ?? 0,
    counts: () => Object.fromEntries(counts),
    resetCounts: () => counts.clear(),
    down: () => shut(server),
    up: async () => {
      await listen(server, port)
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      await shut(server)
    },
  }
  return api
}

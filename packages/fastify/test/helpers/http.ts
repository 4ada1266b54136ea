/**
 * Real HTTP on loopback: JWKS servers under the test's control, and raw
 * requests (for what `app.inject` cannot send, such as two Authorization lines).
 */
import { createServer, request } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { JSONWebKeySet } from 'jose'

export interface JwksServer {
  readonly url: string
  readonly origin: string
  /** Requests received, by path. */
  readonly hits: string[]
  /** What the server answers: a key set, or an HTTP error status. */
  answer: { jwks: JSONWebKeySet } | { status: number }
  /** Extra routes (discovery documents …). */
  routes: Record<string, unknown>
  close(): Promise<void>
}

export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; port: number }> {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, port: (server.address() as AddressInfo).port }
}

export async function startJwksServer(jwks: JSONWebKeySet): Promise<JwksServer> {
  const state: JwksServer = {
    url: '',
    origin: '',
    hits: [],
    answer: { jwks },
    routes: {},
    close: async () => undefined,
  }
  const { server, port } = await listen((req, res) => {
    const path = req.url ?? '/'
    state.hits.push(path)
    const route = state.routes[path]
    if (route !== undefined) {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(route))
      return
    }
    if (path !== '/jwks' || 'status' in state.answer) {
      res.statusCode = 'status' in state.answer ? state.answer.status : 404
      res.end('no')
      return
    }
    res.setHeader('content-type', 'application/jwk-set+json')
    res.end(JSON.stringify(state.answer.jwks))
  })
  Object.assign(state, {
    origin: `http://127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/jwks`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  })
  return state
}

/** A loopback port nothing listens on (a server was bound to it, then closed). */
export async function closedPort(): Promise<number> {
  const { server, port } = await listen(() => undefined)
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export interface RawResponse {
  readonly statusCode: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
  json(): unknown
}

/** GETs `path` with each header sent as given; an array value is sent as several header lines. */
export function rawGet(
  port: number,
  path: string,
  headers: Record<string, string | string[]>,
  method = 'GET',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () =>
        resolve({
          statusCode: res.statusCode ?? 0,
          headers: res.headers,
          body,
          json: () => JSON.parse(body) as unknown,
        }),
      )
    })
    for (const [name, value] of Object.entries(headers)) req.setHeader(name, value)
    req.on('error', reject)
    req.end()
  })
}

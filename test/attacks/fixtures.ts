/**
 * Shared fixture of the attack corpus: the issuer's keys, an attacker's keys
 * (with the same `kid`s), a pinned clock, a hand-rolled JWS builder that
 * signs whatever header and payload bytes it is given (jose's `SignJWT`
 * refuses `crit`, duplicate keys, `1e400` …), and two real HTTP servers on
 * 127.0.0.1:0 that record every request: the issuer's JWKS endpoint and a
 * trap that `jku`/`x5u` headers point at (it must never be contacted).
 *
 * Also the raw HTTP/1.1 client the HTTP targets use: request lines are
 * written to a socket as given, so that a request can carry two
 * `Authorization` headers, a tab after `Bearer`, or a 100 KB header.
 */
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import { exportJWK, exportSPKI, generateKeyPair } from 'jose'
import type { CryptoKey, JWK } from 'jose'

export const ISSUER = 'https://issuer.tokenward.test/'
export const AUDIENCE = 'https://api.tokenward.test'
/** A client id of this system: a token whose `aud` is it is an ID token. */
export const CLIENT_ID = 'spa-client'
export const REALM = 'api'
/** Pinned clock: 2030-01-01T00:00:00Z. */
export const NOW = Date.UTC(2030, 0, 1)
export const NOW_S = NOW / 1000
export const now = (): number => NOW
/** Large enough for the 100 KB token to reach the application over real HTTP. */
export const MAX_HEADER_SIZE = 256 * 1024

export type SigningAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA'

/** A key pair with its public forms; `kid` goes into the header by default. */
export interface SigningKey {
  readonly alg: SigningAlg
  readonly kid: string | undefined
  readonly privateKey: CryptoKey
  readonly publicJwk: JWK
  /** SubjectPublicKeyInfo PEM of the public key, as `exportSPKI` writes it. */
  readonly spkiPem: string
}

async function makeKey(alg: SigningAlg, kid: string | undefined): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const jwk = await exportJWK(publicKey)
  const publicJwk: JWK = { ...jwk, alg, use: 'sig', ...(kid === undefined ? {} : { kid }) }
  return { alg, kid, privateKey, publicJwk, spkiPem: await exportSPKI(publicKey) }
}

export function b64url(value: string | Uint8Array): string {
  return Buffer.from(value).toString('base64url')
}

/** Signs `input` (the JWS signing input) the way the JWS `alg` prescribes. */
export async function signBytes(key: SigningKey, input: string): Promise<Uint8Array> {
  const data = new TextEncoder().encode(input)
  const algorithm =
    key.alg === 'RS256'
      ? { name: 'RSASSA-PKCS1-v1_5' }
      : key.alg === 'PS256'
        ? { name: 'RSA-PSS', saltLength: 32 }
        : key.alg === 'ES256'
          ? { name: 'ECDSA', hash: 'SHA-256' }
          : { name: 'Ed25519' }
  return new Uint8Array(await crypto.subtle.sign(algorithm, key.privateKey, data))
}

/** What {@link Fixture.jws} builds. Objects are JSON-encoded; `undefined` members are dropped. */
export interface JwsSpec {
  /** Signs, and gives `alg`/`kid` defaults. Default: the issuer's RSA key. */
  readonly key?: SigningKey
  /** Merged over `{ alg, typ: 'JWT', kid }`; a member set to `undefined` is removed. */
  readonly header?: Readonly<Record<string, unknown>>
  /** The exact protected-header JSON text (duplicate keys, non-objects …). */
  readonly rawHeader?: string
  /** Merged over the claims of a good access token; `undefined` removes one. */
  readonly claims?: Readonly<Record<string, unknown>>
  /** The exact payload JSON text. */
  readonly rawPayload?: string
  /** Replaces the signature segment; a function receives the real signature. */
  readonly signature?: string | ((signature: Uint8Array) => string)
}

/** A real HTTP server on 127.0.0.1:0 that records every request line. */
export interface RecordingServer {
  readonly url: string
  /** `METHOD path` of every request received, in order. */
  readonly requests: string[]
  close(): Promise<void>
}

export async function startRecordingServer(
  respond: (path: string) => { status: number; body: string } = () => ({ status: 404, body: '{}' }),
): Promise<RecordingServer> {
  const requests: string[] = []
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    const { status, body } = respond(req.url ?? '/')
    res.writeHead(status, { 'content-type': 'application/json' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export interface Fixture {
  readonly keys: {
    /** The issuer's keys (in `jwks`). */
    readonly rsa: SigningKey
    readonly ec: SigningKey
    /** The attacker's keys, with the same `kid`s as the issuer's. */
    readonly evilRsa: SigningKey
    readonly evilEc: SigningKey
    /** An attacker's Ed25519 key (alg EdDSA; the issuer has none). */
    readonly evilEd: SigningKey
  }
  /** The issuer's public keys (RSA and EC). */
  readonly jwks: { keys: JWK[] }
  /** Serves `jwks` at `/jwks`; every request is recorded. */
  readonly jwksServer: RecordingServer
  /** Where injected `jku`/`x5u` point; must receive no request at all. */
  readonly trap: RecordingServer
  /** Claims of a good access token, with `overrides` (`undefined` removes one). */
  claims(overrides?: Readonly<Record<string, unknown>>): Record<string, unknown>
  /** A compact JWS built and signed as `spec` says. */
  jws(spec?: JwsSpec): Promise<string>
  /** A good access token (RS256, the issuer's key). */
  access(): Promise<string>
  close(): Promise<void>
}

export async function createFixture(): Promise<Fixture> {
  const [rsa, ec, evilRsa, evilEc, evilEd] = await Promise.all([
    makeKey('RS256', 'rsa-1'),
    makeKey('ES256', 'ec-1'),
    makeKey('RS256', 'rsa-1'),
    makeKey('ES256', 'ec-1'),
    makeKey('EdDSA', 'ed-1'),
  ])
  const jwks = { keys: [rsa.publicJwk, ec.publicJwk] }
  const jwksBody = JSON.stringify(jwks)
  const jwksServer = await startRecordingServer((path) =>
    path === '/jwks' ? { status: 200, body: jwksBody } : { status: 404, body: '{}' },
  )
  // The trap answers like a JWKS endpoint serving the attacker's keys, in case anything asks.
  const trapBody = JSON.stringify({ keys: [evilRsa.publicJwk, evilEc.publicJwk, evilEd.publicJwk] })
  const trap = await startRecordingServer(() => ({ status: 200, body: trapBody }))

  const claims = (overrides: Readonly<Record<string, unknown>> = {}): Record<string, unknown> => ({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    client_id: 'backend-client',
    iat: NOW_S,
    exp: NOW_S + 600,
    jti: 'jti-1',
    scope: 'read:me',
    ...overrides,
  })

  const jws = async (spec: JwsSpec = {}): Promise<string> => {
    const key = spec.key ?? rsa
    const header =
      spec.rawHeader ?? JSON.stringify({ alg: key.alg, typ: 'JWT', kid: key.kid, ...spec.header })
    const payload = spec.rawPayload ?? JSON.stringify(claims(spec.claims))
    const input = `${b64url(header)}.${b64url(payload)}`
    const real = await signBytes(key, input)
    const signature =
      spec.signature === undefined
        ? b64url(real)
        : typeof spec.signature === 'string'
          ? spec.signature
          : spec.signature(real)
    return `${input}.${signature}`
  }

  return {
    keys: { rsa, ec, evilRsa, evilEc, evilEd },
    jwks,
    jwksServer,
    trap,
    claims,
    jws,
    access: () => jws(),
    close: async () => {
      await Promise.all([jwksServer.close(), trap.close()])
    },
  }
}

/** The parts of a compact JWS. */
export function segments(token: string): { header: string; payload: string; signature: string } {
  const [header = '', payload = '', signature = ''] = token.split('.')
  return { header, payload, signature }
}

/** A response read off the wire. */
export interface RawResponse {
  readonly status: number
  /** Header names lower-cased; repeated headers joined with ", ". */
  readonly headers: Record<string, string>
  readonly body: string
}

function decodeChunked(body: Buffer): Buffer {
  const parts: Buffer[] = []
  let offset = 0
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset)
    if (lineEnd === -1) break
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('latin1'), 16)
    if (!Number.isFinite(size) || size === 0) break
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size))
    offset = lineEnd + 2 + size + 2
  }
  return Buffer.concat(parts)
}

/**
 * Sends one HTTP/1.1 request exactly as given (`headers` is a list of
 * name/value pairs, written in order, duplicates included) and reads the
 * response until the server closes the connection.
 */
export function rawRequest(
  origin: string,
  {
    method = 'GET',
    path = '/',
    headers = [],
    body,
  }: { method?: string; path?: string; headers?: readonly (readonly [string, string])[]; body?: string },
): Promise<RawResponse> {
  const { hostname, port } = new URL(origin)
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: close']
  for (const [name, value] of headers) lines.push(`${name}: ${value}`)
  if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`)
  const head = `${lines.join('\r\n')}\r\n\r\n`
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) })
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('end', () => {
      const raw = Buffer.concat(chunks)
      const split = raw.indexOf('\r\n\r\n')
      if (split === -1) return reject(new Error(`no HTTP response head in ${raw.length} bytes`))
      const [statusLine = '', ...headerLines] = raw.subarray(0, split).toString('latin1').split('\r\n')
      const status = Number(statusLine.split(' ')[1])
      const responseHeaders: Record<string, string> = {}
      for (const line of headerLines) {
        const colon = line.indexOf(':')
        const name = line.slice(0, colon).trim().toLowerCase()
        const value = line.slice(colon + 1).trim()
        responseHeaders[name] = name in responseHeaders ? `${responseHeaders[name]}, ${value}` : value
      }
      let payload: Buffer = raw.subarray(split + 4)
      if (/chunked/i.test(responseHeaders['transfer-encoding'] ?? '')) payload = decodeChunked(payload)
      resolve({ status, headers: responseHeaders, body: payload.toString('utf8') })
    })
    socket.write(head)
    if (body !== undefined) socket.write(body)
  })
}

// Keys, tokens and a tiny JWKS/discovery server on 127.0.0.1 for the benchmarks.
// Every contender fetches its keys from this server over real HTTP.
import { createServer } from 'node:http'
import { mkdtemp, writeFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'

export const AUDIENCE = 'https://api.bench.test'
export const SUB = 'bench-user-1'
export const ALGS = ['ES256', 'RS256']

/** One signing key per algorithm; `jwks` holds the public halves. */
export async function createKeys() {
  const keys = {}
  for (const alg of ALGS) {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
    const kid = `${alg.toLowerCase()}-1`
    keys[alg] = { alg, kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } }
  }
  return { keys, jwks: { keys: Object.values(keys).map((k) => k.jwk) } }
}

/** An RFC 9068 access token, valid for an hour. */
export function mintToken(key, { issuer, audience = AUDIENCE, sub = SUB } = {}) {
  return new SignJWT({ scope: 'read:me', client_id: 'bench-client' })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject(sub)
    .setIssuedAt()
    .setJti(randomUUID())
    .setExpirationTime('1h')
    .sign(key.privateKey)
}

/**
 * Serves /.well-known/jwks.json and the two discovery documents; counts
 * requests per path. `delayMs` holds back JWKS answers (cold-start test).
 */
export async function startJwksServer(jwks, { delayMs = 0 } = {}) {
  const counts = { jwks: 0, discovery: 0, other: 0 }
  let origin
  const server = createServer((req, res) => {
    const path = req.url.split('?')[0]
    const send = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'max-age=600' })
      res.end(JSON.stringify(body))
    }
    if (path === '/.well-known/jwks.json') {
      counts.jwks++
      return setTimeout(() => send(200, jwks), delayMs)
    }
    if (path === '/.well-known/openid-configuration' || path === '/.well-known/oauth-authorization-server') {
      counts.discovery++
      return send(200, { issuer: `${origin}/`, jwks_uri: `${origin}/.well-known/jwks.json` })
    }
    counts.other++
    send(404, { error: 'not found' })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${server.address().port}`
  return {
    origin,
    issuer: `${origin}/`,
    jwksUri: `${origin}/.well-known/jwks.json`,
    counts,
    close: () => new Promise((resolve) => server.close(resolve).closeAllConnections()),
  }
}

/**
 * Keys + JWKS server + one token per algorithm, written to a temp JSON file
 * whose path the server processes get in BENCH_CONFIG.
 */
export async function setupBench(options = {}) {
  const { keys, jwks } = await createKeys()
  const jwksServer = await startJwksServer(jwks, options)
  const { issuer, jwksUri, origin } = jwksServer
  const tokens = {}
  for (const alg of ALGS) tokens[alg] = await mintToken(keys[alg], { issuer })
  const config = { issuer, audience: AUDIENCE, jwksUri, origin, sub: SUB, tokens }
  const dir = await mkdtemp(join(tmpdir(), 'tokenward-bench-'))
  const configPath = join(dir, 'config.json')
  await writeFile(configPath, JSON.stringify(config))
  return {
    config,
    configPath,
    keys,
    jwksServer,
    async cleanup() {
      await jwksServer.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

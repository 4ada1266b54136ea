// Smoke test of the Express example: in-process through createApp(), and as
// a user starts it (`node server.mjs` with ISSUER, AUDIENCE, JWKS_URI, PORT).
// Tokens are minted here with jose; keys are served on 127.0.0.1.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import type { JWTPayload } from 'jose'
import { createApp } from './server.mjs'

const ISSUER = 'https://issuer.tokenward.test/'
const AUDIENCE = 'https://api.tokenward.test'
const { privateKey, publicKey } = await generateKeyPair('ES256')
const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] }

const keyServer = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks))
})
await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve))
const JWKS_URI = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}/jwks`
t.teardown(() => {
  keyServer.closeAllConnections()
  keyServer.close()
})

const mint = (claims: JWTPayload = {}, typ = 'at+jwt') => {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'alice',
    client_id: 'web',
    scope: 'read:appointments',
    iat: now,
    exp: now + 300,
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ })
    .sign(privateKey)
}

async function call(base: string, path: string, token?: string, method = 'GET') {
  const res = await fetch(base + path, {
    method,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  })
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    challenge: res.headers.get('www-authenticate'),
  }
}

t.test('createApp(): the routes and their answers', async (t) => {
  const app = createApp({ issuer: ISSUER, audience: AUDIENCE, jwksUri: JWKS_URI })
  await app.ready()
  const server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => {
    app.close()
    server.closeAllConnections()
    server.close()
  })
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  t.same(await call(base, '/health'), { status: 200, body: { status: 'ok' }, challenge: null })

  const anonymous = await call(base, '/me')
  t.equal(anonymous.status, 401)
  t.equal(anonymous.challenge, 'Bearer realm="appointments-api"')
  t.match(anonymous.body, { statusCode: 401, code: 'TW_MISSING_TOKEN', error: 'Unauthorized' })

  const token = await mint()
  t.same((await call(base, '/me', token)).body, {
    sub: 'alice',
    clientId: 'web',
    scopes: ['read:appointments'],
  })
  const appointments = await call(base, '/appointments', token)
  t.equal(appointments.status, 200)
  t.match(appointments.body, { sub: 'alice', scopes: ['read:appointments'], appointments: [{ id: 1 }] })

  const write = await call(base, '/appointments', token, 'POST')
  t.equal(write.status, 403)
  t.equal(write.body.code, 'TW_INSUFFICIENT_SCOPE')
  t.match(
    write.challenge,
    /^Bearer realm="appointments-api", error="insufficient_scope", .*scope="write:appointments"$/,
  )
  const writer = await mint({ scope: 'write:appointments' })
  t.same((await call(base, '/appointments', writer, 'POST')).body, { created: true, by: 'alice' })

  t.equal((await call(base, '/reports', token)).status, 403)
  t.equal((await call(base, '/reports', await mint({ scope: 'admin' }))).status, 200)

  t.same((await call(base, '/feed')).body, { personalisedFor: null })
  t.same((await call(base, '/feed', token)).body, { personalisedFor: 'alice' })

  const idToken = await mint({ aud: 'web', azp: 'web', nonce: 'n', scope: undefined }, 'JWT')
  const refused = await call(base, '/me', idToken)
  t.equal(refused.status, 401)
  t.equal(refused.body.code, 'TW_ID_TOKEN')
  t.match(
    refused.challenge,
    /^Bearer realm="appointments-api", error="invalid_token", error_description="An ID token was sent/,
  )
})

t.test('node server.mjs, configured from the environment', async (t) => {
  const script = fileURLToPath(new URL('./server.mjs', import.meta.url))
  const child = spawn(process.execPath, [...process.execArgv, script], {
    env: { ...process.env, ISSUER, AUDIENCE, JWKS_URI, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGTERM')
  })
  const lines: string[] = []
  let buffered = ''
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk
      const parts = buffered.split('\n')
      buffered = parts.pop() as string
      for (const line of parts) {
        lines.push(line)
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line)
        if (match !== null) resolve(match[1] as string)
      }
    })
    child.once('exit', (code) => reject(new Error(`server.mjs exited with ${code}`)))
  })
  const base = await listening
  t.same((await call(base, '/health')).body, { status: 'ok' })
  const token = await mint()
  t.equal((await call(base, '/appointments', token)).status, 200)
  const expired = await mint({ exp: Math.floor(Date.now() / 1000) - 600 })
  t.equal((await call(base, '/me', expired)).body.code, 'TW_EXPIRED')

  child.kill('SIGTERM')
  const [code] = await once(child, 'exit')
  t.equal(code, 0, 'SIGTERM stops it cleanly')
  const logs = lines
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
  t.match(logs, [
    { level: 'debug', msg: 'tokenward: keys fetched' },
    { level: 'debug', msg: 'tokenward: keys fetched' },
    { level: 'info', tokenward: { code: 'TW_EXPIRED', statusCode: 401 }, msg: 'tokenward: request refused' },
  ])
  const output = lines.join('\n')
  t.notOk(output.includes(token) || output.includes(expired), 'no token in the logs')
})

t.test('node server.mjs without ISSUER/AUDIENCE exits 1', async (t) => {
  const script = fileURLToPath(new URL('./server.mjs', import.meta.url))
  const env = { ...process.env }
  delete env.ISSUER
  delete env.AUDIENCE
  const child = spawn(process.execPath, [...process.execArgv, script], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const [code] = await once(child, 'exit')
  t.equal(code, 1)
  t.match(stderr, /Set ISSUER and AUDIENCE/)
})

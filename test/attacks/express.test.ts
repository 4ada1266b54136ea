/**
 * The attack corpus against `@tokenward/express`, over real HTTP (raw request
 * lines on a socket), with static keys and with a JWKS server on 127.0.0.1.
 *
 * The target is registered only when `@tokenward/express` resolves and
 * exports `tokenward`; otherwise this file registers nothing.
 */
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import t from 'tap'
import { AUDIENCE, CLIENT_ID, createFixture, ISSUER, MAX_HEADER_SIZE, now, REALM } from './fixtures.js'
import { runCorpus, sendRaw } from './runner.js'
import type { Target } from './runner.js'

type Handler = (req: unknown, res: unknown, next: (error?: unknown) => void) => void
interface ExpressAdapter {
  tokenward(options: Record<string, unknown>): Handler & { ready(): Promise<void> }
  errorHandler?: () => (error: unknown, req: unknown, res: unknown, next: (error?: unknown) => void) => void
}

async function loadAdapter(): Promise<ExpressAdapter | undefined> {
  try {
    const adapter = (await import('@tokenward/express')) as unknown as Partial<ExpressAdapter>
    return typeof adapter.tokenward === 'function' ? (adapter as ExpressAdapter) : undefined
  } catch {
    return undefined
  }
}

async function startExpress(
  adapter: ExpressAdapter,
  keys: Record<string, unknown>,
): Promise<{ origin: string; server: Server }> {
  const app = express()
  const auth = adapter.tokenward({
    issuer: ISSUER,
    audience: AUDIENCE,
    clientIds: [CLIENT_ID],
    realm: REALM,
    now,
    ...keys,
  })
  await auth.ready()
  app.use(auth as never)
  const me = (req: { auth?: { sub: string } | null }, res: { json(body: unknown): void }): void => {
    res.json({ sub: req.auth?.sub })
  }
  app.get('/me', me as never)
  app.post('/me', me as never)
  // Without errorHandler() Express answers with its own HTML body: status and challenge only.
  if (adapter.errorHandler !== undefined) app.use(adapter.errorHandler() as never)
  const server = createServer({ maxHeaderSize: MAX_HEADER_SIZE }, app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

const adapter = await loadAdapter()
if (adapter === undefined) {
  t.comment('@tokenward/express does not resolve or export tokenward: Express target not registered')
  t.pass('no Express target')
} else {
  const fx = await createFixture()
  const staticServer = await startExpress(adapter, { jwks: fx.jwks })
  const remoteServer = await startExpress(adapter, { jwksUri: `${fx.jwksServer.url}/jwks` })
  t.teardown(async () => {
    for (const { server } of [staticServer, remoteServer]) {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
    await fx.close()
  })
  const target = (name: string, origin: string): Target => ({
    name,
    jsonBody: adapter.errorHandler !== undefined,
    send: (request) => sendRaw(origin, request),
  })
  void runCorpus(t, target('express over real HTTP, static jwks', staticServer.origin), fx)
  void runCorpus(t, target('express over real HTTP, jwksUri on 127.0.0.1', remoteServer.origin), fx)
}

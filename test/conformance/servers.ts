// The same API built with each adapter, from the same options, listening on
// 127.0.0.1. Routes: /me (protected), /scoped (all of read:a write:b),
// /any (any of x y), /public, /optional, /hooked (protected + requireScopes).
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import Fastify from 'fastify'
import fastifyTokenward from '@tokenward/fastify'
import express from 'express'
import { errorHandler, requireAnyScope, requireScopes, tokenward } from '@tokenward/express'
import type { VerifierOptions } from '@tokenward/core'

export interface Target {
  readonly name: string
  readonly port: number
  close(): Promise<void>
}

export async function startFastify(options: VerifierOptions): Promise<Target> {
  const app = Fastify()
  await app.register(fastifyTokenward, options)
  const reply = async (request: { auth: { sub: string; scopes: ReadonlySet<string> } | null }) => ({
    sub: request.auth?.sub ?? null,
    scopes: request.auth === null ? [] : [...request.auth.scopes].sort(),
  })
  app.get('/me', reply)
  app.get('/scoped', { config: { auth: { scopes: ['read:a', 'write:b'] } } }, reply)
  app.get('/any', { config: { auth: { anyScope: ['x', 'y'] } } }, reply)
  app.get('/public', { config: { auth: false } }, reply)
  app.get('/optional', { config: { auth: { optional: true } } }, reply)
  app.get('/hooked', { onRequest: app.requireScopes('read:a') }, reply)
  app.post('/me', reply)
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { name: 'fastify', port: (app.server.address() as AddressInfo).port, close: () => app.close() }
}

/** Express, answering refusals with `errorHandler()` (JSON body) or Express's default handler (HTML). */
export async function startExpress(options: VerifierOptions, json = true): Promise<Target> {
  const auth = tokenward(options)
  const optional = tokenward({ ...options, optional: true })
  const app = express()
  app.use(express.urlencoded({ extended: false }))
  const reply = (req: express.Request, res: express.Response) => {
    res.json({ sub: req.auth?.sub ?? null, scopes: req.auth == null ? [] : [...req.auth.scopes].sort() })
  }
  app.get('/public', reply)
  app.get('/optional', optional, reply)
  app.get('/me', auth, reply)
  app.post('/me', auth, reply)
  app.get('/scoped', auth, requireScopes('read:a', 'write:b'), reply)
  app.get('/any', auth, requireAnyScope('x', 'y'), reply)
  app.get('/hooked', auth, requireScopes('read:a'), reply)
  if (json) app.use(errorHandler())
  await Promise.all([auth.ready(), optional.ready()]).catch(() => undefined)
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  return {
    name: json ? 'express' : 'express (default handler)',
    port: (server.address() as AddressInfo).port,
    close: async () => {
      auth.verifier.close()
      optional.verifier.close()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

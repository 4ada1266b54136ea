// A small appointments API protected by @tokenward/express: the Express twin
// of examples/fastify-api.
//
//   ISSUER=http://127.0.0.1:4000 AUDIENCE=https://api.tokenward.test node examples/express-api/server.mjs
//
// Keys come from the issuer's discovery document unless JWKS_URI is set.
// PORT defaults to 3001; the server listens on 127.0.0.1.
import { pathToFileURL } from 'node:url'
import express from 'express'
import { errorHandler, requireAnyScope, requireScopes, tokenward } from '@tokenward/express'

/**
 * Builds the API. /health is public, /feed takes a token if there is one,
 * every route after `app.use(auth)` is protected. Refusals are answered by
 * `errorHandler()` with a JSON body and the `WWW-Authenticate` challenge.
 *
 * The app also gets `ready()` (fetch the issuer's keys before listening;
 * rejects with `TW_KEYS_UNAVAILABLE` when they cannot be had) and `close()`
 * (stop the verifiers).
 *
 * @param {import('./server.d.mts').ExampleOptions} options
 * @returns {import('./server.d.mts').ExampleApp}
 */
export function createApp({ issuer, audience, jwksUri, logger }) {
  const options = {
    issuer,
    audience,
    realm: 'appointments-api',
    ...(jwksUri === undefined ? {} : { jwksUri }),
    ...(logger === undefined ? {} : { logger }),
  }
  const auth = tokenward(options)
  // Public unless a token is sent; a bad token is still refused.
  const optionalAuth = tokenward({ ...options, optional: true })

  const app = express()
  app.disable('x-powered-by')

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' })
  })

  app.get('/feed', optionalAuth, (req, res) => {
    res.json({ personalisedFor: req.auth?.sub ?? null })
  })

  app.use(auth) // every route below needs a valid access token

  app.get('/me', (req, res) => {
    res.json({ sub: req.auth.sub, clientId: req.auth.clientId ?? null, scopes: [...req.auth.scopes] })
  })

  app.get('/appointments', requireScopes('read:appointments'), (req, res) => {
    res.json({
      sub: req.auth.sub,
      scopes: [...req.auth.scopes],
      appointments: [{ id: 1, at: '2026-12-01T09:00:00Z', with: 'Dr. Who' }],
    })
  })

  app.post('/appointments', requireScopes('write:appointments'), (req, res) => {
    res.status(201).json({ created: true, by: req.auth.sub })
  })

  app.get('/reports', requireAnyScope('read:reports', 'admin'), (_req, res) => {
    res.json({ reports: [] })
  })

  app.use(errorHandler())

  return Object.assign(app, {
    ready: async () => {
      await Promise.all([auth.ready(), optionalAuth.ready()])
    },
    close: () => {
      auth.verifier.close()
      optionalAuth.verifier.close()
    },
  })
}

/** JSON lines on stdout, the shape pino writes; never the token (tokenward logs codes only). */
function jsonLogger() {
  const at = (level) => (object, msg) =>
    console.log(JSON.stringify({ level, time: Date.now(), ...object, msg }))
  return { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') }
}

async function main() {
  const { ISSUER, AUDIENCE, JWKS_URI, PORT = '3001' } = process.env
  if (!ISSUER || !AUDIENCE) {
    console.error('Set ISSUER and AUDIENCE (and optionally JWKS_URI, PORT).')
    process.exit(1)
  }
  const app = createApp({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUri: JWKS_URI || undefined,
    logger: jsonLogger(),
  })
  // Not fatal: the failure is logged, and the API answers 503 until the keys can be had.
  await app.ready().catch(() => {})
  const server = app.listen(Number(PORT), '127.0.0.1', () => {
    console.log(`express-api listening on http://127.0.0.1:${server.address().port}`)
  })
  const stop = () => {
    app.close()
    server.close()
    server.closeIdleConnections()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()

// A small appointments API protected by @tokenward/fastify.
//
//   ISSUER=http://127.0.0.1:4000 AUDIENCE=https://api.tokenward.test node examples/fastify-api/server.mjs
//
// Keys come from the issuer's discovery document unless JWKS_URI is set.
import Fastify from 'fastify'
import tokenward from '@tokenward/fastify'

/**
 * Builds the API. Every route is protected by default; /health is public.
 * Options other than `logger` go to tokenward (issuer, audience, jwksUri, keys …).
 * @param {import('@tokenward/fastify').TokenwardFastifyOptions & { logger?: boolean | object }} options
 */
export async function createApp({ logger = false, ...options }) {
  const app = Fastify({
    logger: logger === true ? { redact: ['req.headers.authorization'] } : logger,
  })
  await app.register(tokenward, { realm: 'appointments-api', ...options })

  app.get('/health', { config: { auth: false } }, async () => ({ status: 'ok' }))

  app.get('/me', async (request) => ({
    sub: request.auth.sub,
    clientId: request.auth.clientId ?? null,
    scopes: [...request.auth.scopes],
  }))

  app.get('/appointments', { config: { auth: { scopes: ['read:appointments'] } } }, async (request) => ({
    sub: request.auth.sub,
    scopes: [...request.auth.scopes],
    appointments: [{ id: 1, at: '2026-12-01T09:00:00Z', with: 'Dr. Who' }],
  }))

  app.post(
    '/appointments',
    { config: { auth: { scopes: ['write:appointments'] } } },
    async (request, reply) => reply.code(201).send({ created: true, by: request.auth.sub }),
  )

  app.get('/reports', { config: { auth: { anyScope: ['read:reports', 'admin'] } } }, async () => ({
    reports: [],
  }))

  // Public unless a token is sent; a bad token is still refused.
  app.get('/feed', { config: { auth: { optional: true } } }, async (request) => ({
    personalisedFor: request.auth?.sub ?? null,
  }))

  return app
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { ISSUER, AUDIENCE, JWKS_URI, PORT = '3000' } = process.env
  if (ISSUER === undefined || AUDIENCE === undefined) {
    console.error('Set ISSUER and AUDIENCE (and optionally JWKS_URI, PORT).')
    process.exit(1)
  }
  const app = await createApp({
    issuer: ISSUER,
    audience: AUDIENCE,
    ...(JWKS_URI === undefined ? {} : { jwksUri: JWKS_URI }),
    logger: true,
  })
  await app.listen({ port: Number(PORT), host: '127.0.0.1' })
}

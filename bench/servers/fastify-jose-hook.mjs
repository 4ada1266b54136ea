// What many people write by hand: jose's remote key set + jwtVerify in an
// onRequest hook, no token cache. BENCH_ALG selects ES256 or RS256.
import Fastify from 'fastify'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { loadConfig, listenFastify } from '../lib/serve.mjs'

const { issuer, audience, jwksUri, alg } = loadConfig()
const JWKS = createRemoteJWKSet(new URL(jwksUri))

const app = Fastify({ logger: false })
app.decorateRequest('auth', null)
app.addHook('onRequest', async (req, reply) => {
  const header = req.headers.authorization
  if (!header?.startsWith('Bearer ')) return reply.code(401).send({ error: 'unauthorized' })
  try {
    const { payload } = await jwtVerify(header.slice(7), JWKS, { issuer, audience, algorithms: [alg] })
    req.auth = payload
  } catch {
    return reply.code(401).send({ error: 'invalid_token' })
  }
})
app.get('/me', async (req) => ({ sub: req.auth.sub }))
await listenFastify(app)

// @tokenward/fastify as documented in DESIGN.md. BENCH_CACHE=off disables
// the verified-token cache; otherwise it holds up to 10,000 tokens.
import Fastify from 'fastify'
import tokenward from '@tokenward/fastify'
import { loadConfig, listenFastify } from '../lib/serve.mjs'

const { issuer, audience, jwksUri, cache } = loadConfig()

const app = Fastify({ logger: false })
await app.register(tokenward, { issuer, audience, jwksUri, cache: cache ? { max: 10000 } : false })
app.get('/me', async (req) => ({ sub: req.auth.sub }))
await listenFastify(app)

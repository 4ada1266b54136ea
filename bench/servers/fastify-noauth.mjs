// Baseline: Fastify with the same route and no authentication at all.
import Fastify from 'fastify'
import { listenFastify } from '../lib/serve.mjs'

const app = Fastify({ logger: false })
app.get('/me', async () => ({ sub: 'anonymous' }))
await listenFastify(app)

// Fastify with no authentication, but with the modules of the tokenward
// server loaded and not registered (@tokenward/fastify → core → jose,
// lru-cache). It isolates what a larger static ESM import graph costs per
// request by itself, which every jose-based row pays (see BENCHMARKS.md).
import Fastify from 'fastify'
import tokenward from '@tokenward/fastify'
import { listenFastify } from '../lib/serve.mjs'

if (typeof tokenward !== 'function') throw new Error('@tokenward/fastify did not load')
const app = Fastify({ logger: false })
app.get('/me', async () => ({ sub: 'anonymous' }))
await listenFastify(app)

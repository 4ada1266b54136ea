// fastify-auth0-verify 4 (on fastify-jwt-jwks + @fastify/jwt). Its `domain`
// accepts a full URL: 'http://127.0.0.1:PORT/' makes it fetch
// http://127.0.0.1:PORT/.well-known/jwks.json (node-cache keeps the key).
// It forces algorithms to RS256/EdDSA, so this contender uses RS256 tokens.
import Fastify from 'fastify'
import auth0Verify from 'fastify-auth0-verify'
import { loadConfig, listenFastify } from '../lib/serve.mjs'

const { issuer, audience, origin } = loadConfig()

const app = Fastify({ logger: false })
await app.register(auth0Verify, { domain: `${origin}/`, issuer, audience })
app.addHook('onRequest', app.authenticate)
app.get('/me', async (req) => ({ sub: req.user.sub }))
await listenFastify(app)

// @fastify/jwt (fast-jwt) with its best case: the public key is fetched once
// from the JWKS server at start-up and handed over as a static PEM, so every
// request reuses one verifier. BENCH_CACHE=on turns on fast-jwt's verified
// token cache (`verify.cache: true`, 1000 entries).
import { createPublicKey } from 'node:crypto'
import Fastify from 'fastify'
import fastifyJwt from '@fastify/jwt'
import { loadConfig, listenFastify } from '../lib/serve.mjs'

const { issuer, audience, jwksUri, alg, cache } = loadConfig()
const { keys } = await (await fetch(jwksUri)).json()
const jwk = keys.find((k) => k.alg === alg)
const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' })

const app = Fastify({ logger: false })
await app.register(fastifyJwt, {
  secret: { public: pem },
  verify: { allowedIss: issuer, allowedAud: audience, algorithms: [alg], cache },
})
app.addHook('onRequest', async (req) => {
  await req.jwtVerify()
})
app.get('/me', async (req) => ({ sub: req.user.sub }))
await listenFastify(app)

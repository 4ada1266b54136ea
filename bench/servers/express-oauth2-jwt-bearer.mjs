// Auth0's express-oauth2-jwt-bearer (jose remote key set, no token cache),
// pointed at the local JWKS server with issuer + jwksUri (no discovery).
import express from 'express'
import { auth } from 'express-oauth2-jwt-bearer'
import { loadConfig, listenExpress } from '../lib/serve.mjs'

const { issuer, audience, jwksUri, alg } = loadConfig()

const app = express()
app.use(auth({ issuer, jwksUri, audience, tokenSigningAlg: alg }))
app.get('/me', (req, res) => res.json({ sub: req.auth.payload.sub }))
listenExpress(app)

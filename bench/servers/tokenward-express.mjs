// @tokenward/express as documented in DESIGN.md (default cache, 10,000 tokens).
import express from 'express'
import { tokenward } from '@tokenward/express'
import { loadConfig, listenExpress } from '../lib/serve.mjs'

const { issuer, audience, jwksUri, cache } = loadConfig()

const app = express()
app.use(tokenward({ issuer, audience, jwksUri, cache: cache ? { max: 10000 } : false }))
app.get('/me', (req, res) => res.json({ sub: req.auth.sub }))
listenExpress(app)

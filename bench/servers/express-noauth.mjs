// Baseline: Express 5 with the same route and no authentication at all.
import express from 'express'
import { listenExpress } from '../lib/serve.mjs'

const app = express()
app.get('/me', (req, res) => res.json({ sub: 'anonymous' }))
listenExpress(app)

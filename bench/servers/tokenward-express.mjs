// @tokenward/express as documented in DESIGN.md (default cache, 10,000 tokens).
import express from 'express'
import { loadConfig, listenExpress } from '../lib/serve.mjs'

// bench/package.json does not list @tokenward/express yet (the package is
// being written); fall back to the workspace build until it does.
async function load() {
  try {
    return await import('@tokenward/express')
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err
    return import(new URL('../../packages/express/dist/index.js', import.meta.url).href)
  }
}
const { tokenward } = await load()
const { issuer, audience, jwksUri, cache } = loadConfig()

const app = express()
app.use(tokenward({ issuer, audience, jwksUri, cache: cache ? { max: 10000 } : false }))
app.get('/me', (req, res) => res.json({ sub: req.auth.sub }))
listenExpress(app)

// Everything `pnpm bench` measures. `baseline` names the no-auth server of the
// same framework; ratios are taken against it.
import { fileURLToPath } from 'node:url'

const ON = { BENCH_CACHE: 'on' }
const OFF = { BENCH_CACHE: 'off' }

// [name, server file in servers/, token alg, extra env, configuration note]
const FASTIFY = [
  ['fastify-noauth', 'fastify-noauth', null, {}, 'no auth'],
  ['fastify-noauth-graph', 'fastify-noauth-graph', null, {}, 'no auth, tokenward modules imported'],
  ['tokenward-fastify-es256-cache', 'tokenward-fastify', 'ES256', ON, 'cache max 10000'],
  ['tokenward-fastify-es256-nocache', 'tokenward-fastify', 'ES256', OFF, 'cache: false'],
  ['tokenward-fastify-rs256-cache', 'tokenward-fastify', 'RS256', ON, 'cache max 10000'],
  ['tokenward-fastify-rs256-nocache', 'tokenward-fastify', 'RS256', OFF, 'cache: false'],
  ['fastify-jose-hook-es256', 'fastify-jose-hook', 'ES256', {}, 'createRemoteJWKSet + jwtVerify'],
  ['fastify-jose-hook-rs256', 'fastify-jose-hook', 'RS256', {}, 'createRemoteJWKSet + jwtVerify'],
  ['fastify-jwt-nocache', 'fastify-jwt', 'ES256', OFF, 'static PEM, no cache'],
  ['fastify-jwt-cache', 'fastify-jwt', 'ES256', ON, 'static PEM, verify.cache: true'],
  ['fastify-auth0-verify', 'fastify-auth0-verify', 'RS256', {}, 'RS256 only (plugin forces RS256/EdDSA)'],
]
const EXPRESS = [
  ['express-noauth', 'express-noauth', null, {}, 'no auth'],
  ['tokenward-express', 'tokenward-express', 'ES256', ON, 'cache max 10000'],
  ['express-oauth2-jwt-bearer', 'express-oauth2-jwt-bearer', 'ES256', {}, 'issuer + jwksUri'],
]

const contender =
  (framework) =>
  ([name, server, alg, env, note]) => ({
    name,
    framework,
    baseline: `${framework}-noauth`,
    file: fileURLToPath(new URL(`./servers/${server}.mjs`, import.meta.url)),
    alg,
    env: { ...(alg && { BENCH_ALG: alg }), ...env },
    note,
  })

export const contenders = [...FASTIFY.map(contender('fastify')), ...EXPRESS.map(contender('express'))]

/**
 * `--only a,b`: exact names, or a prefix (`fastify-jwt` = `fastify-jwt-nocache`
 * and `fastify-jwt-cache`). The no-auth baseline of each selected framework
 * is always added, since ratios are taken within one run.
 */
export function select(only) {
  if (!only) return contenders
  const wanted = only
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean)
  const unknown = wanted.filter((w) => !contenders.some((c) => matches(c.name, w)))
  if (unknown.length)
    throw new Error(
      `unknown contender(s): ${unknown.join(', ')}; known: ${contenders.map((c) => c.name).join(', ')}`,
    )
  const picked = contenders.filter((c) => wanted.some((w) => matches(c.name, w)))
  return contenders.filter((c) => picked.includes(c) || picked.some((p) => p.baseline === c.name))
}

const matches = (name, w) => (contenders.some((c) => c.name === w) ? name === w : name.startsWith(`${w}-`))

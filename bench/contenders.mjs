// Everything `pnpm bench` measures. `baseline` names the no-auth server of the
// same framework; ratios are taken against it.
const s = (name) => new URL(`./servers/${name}.mjs`, import.meta.url).pathname

const fastify = (name, file, alg, env = {}, note = '') => ({
  name, file: s(file), framework: 'fastify', baseline: 'fastify-noauth', alg, env: { ...(alg && { BENCH_ALG: alg }), ...env }, note
})
const express = (name, file, alg, env = {}, note = '') => ({
  name, file: s(file), framework: 'express', baseline: 'express-noauth', alg, env: { ...(alg && { BENCH_ALG: alg }), ...env }, note
})

export const contenders = [
  fastify('fastify-noauth', 'fastify-noauth', null, {}, 'no auth'),
  fastify('tokenward-fastify-es256-cache', 'tokenward-fastify', 'ES256', { BENCH_CACHE: 'on' }, 'cache max 10000'),
  fastify('tokenward-fastify-es256-nocache', 'tokenward-fastify', 'ES256', { BENCH_CACHE: 'off' }, 'cache: false'),
  fastify('tokenward-fastify-rs256-cache', 'tokenward-fastify', 'RS256', { BENCH_CACHE: 'on' }, 'cache max 10000'),
  fastify('tokenward-fastify-rs256-nocache', 'tokenward-fastify', 'RS256', { BENCH_CACHE: 'off' }, 'cache: false'),
  fastify('fastify-jose-hook-es256', 'fastify-jose-hook', 'ES256', {}, 'createRemoteJWKSet + jwtVerify'),
  fastify('fastify-jose-hook-rs256', 'fastify-jose-hook', 'RS256', {}, 'createRemoteJWKSet + jwtVerify'),
  fastify('fastify-jwt-nocache', 'fastify-jwt', 'ES256', { BENCH_CACHE: 'off' }, 'static PEM, no cache'),
  fastify('fastify-jwt-cache', 'fastify-jwt', 'ES256', { BENCH_CACHE: 'on' }, 'static PEM, verify.cache: true'),
  fastify('fastify-auth0-verify', 'fastify-auth0-verify', 'RS256', {}, 'RS256 only (plugin forces RS256/EdDSA)'),
  express('express-noauth', 'express-noauth', null, {}, 'no auth'),
  express('tokenward-express', 'tokenward-express', 'ES256', { BENCH_CACHE: 'on' }, 'cache max 10000'),
  express('express-oauth2-jwt-bearer', 'express-oauth2-jwt-bearer', 'ES256', {}, 'issuer + jwksUri')
]

/**
 * `--only a,b`: exact names, or a prefix (`fastify-jwt` = `fastify-jwt-nocache`
 * and `fastify-jwt-cache`). The no-auth baseline of each selected framework
 * is always added, since ratios are taken within one run.
 */
export function select(only) {
  if (!only) return contenders
  const wanted = only.split(',').map((w) => w.trim()).filter(Boolean)
  const unknown = wanted.filter((w) => !contenders.some((c) => matches(c.name, w)))
  if (unknown.length) throw new Error(`unknown contender(s): ${unknown.join(', ')}; known: ${contenders.map((c) => c.name).join(', ')}`)
  const picked = contenders.filter((c) => wanted.some((w) => matches(c.name, w)))
  return contenders.filter((c) => picked.includes(c) || picked.some((p) => p.baseline === c.name))
}

const matches = (name, w) =>
  contenders.some((c) => c.name === w) ? name === w : name.startsWith(`${w}-`)

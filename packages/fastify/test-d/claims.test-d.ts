/** Custom claims merged into `TokenwardClaims` are typed on `request.auth.claims`. */
import Fastify from 'fastify'
import '@tokenward/fastify'
import { expectType } from './equals.js'
import type { Equals } from './equals.js'

declare module '@tokenward/core' {
  interface TokenwardClaims {
    tenant: string
    roles: readonly string[]
  }
}

const app = Fastify()
app.get('/tenant', async (request) => {
  const claims = request.auth!.claims
  expectType<Equals<typeof claims.tenant, string | undefined>>()
  expectType<Equals<typeof claims.roles, readonly string[] | undefined>>()
  // Registered claims keep their JWTPayload types.
  expectType<Equals<typeof claims.iss, string | undefined>>()
  expectType<Equals<typeof claims.aud, string | string[] | undefined>>()
  // @ts-expect-error tenant is a string
  const n: number = claims.tenant!
  // @ts-expect-error claims are read-only
  claims.tenant = 'other'
  return { tenant: claims.tenant ?? 'none', n }
})

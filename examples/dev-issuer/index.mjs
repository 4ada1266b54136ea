// Embedded development authorization server for tokenward's demo and tests.
//
// A real node-oidc-provider (v9) instance on 127.0.0.1 that issues RFC 9068
// JWT access tokens (`typ: at+jwt`) for two resource servers, opaque access
// tokens, OpenID Connect ID tokens and refresh tokens. The authorization-code
// flow runs headless against the provider's dev interactions. Nothing here is
// fit for production: the user store is one hard-coded account, any password
// is accepted and state lives in memory.

import { randomBytes, randomUUID, createHash } from 'node:crypto'
import { createServer } from 'node:http'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'

/** @typedef {import('./index.js').DevIssuer} DevIssuer */
/** @typedef {import('./index.js').DevIssuerOptions} DevIssuerOptions */
/** @typedef {{ jwk: Record<string, unknown>, privateKey: import('jose').CryptoKey }} SigningKey */

const WEB_CLIENT_ID = 'tokenward-web'
const WEB_CLIENT_SECRET = 'tokenward-web-secret'
const WEB_REDIRECT_URI = 'http://127.0.0.1/callback'
const SERVICE_CLIENT_ID = 'tokenward-service'
const SERVICE_CLIENT_SECRET = 'tokenward-service-secret'
const OTHER_AUDIENCE_SCOPES = ['read:other']
const ACCOUNT = {
  sub: 'alice',
  name: 'Alice Example',
  nickname: 'alice',
  preferred_username: 'alice',
  picture: 'https://example.test/alice.png',
  email: 'alice@example.test',
  email_verified: true,
}

/**
 * Runs `fn` with oidc-provider's console notices (unsupported runtime,
 * development-only adapter/interactions) filtered out; other output passes.
 * @template T
 * @param {() => Promise<T> | T} fn
 * @returns {Promise<T>}
 */
async function quietly(fn) {
  const { warn, info } = console
  /** @param {(...args: unknown[]) => void} log */
  const filter =
    (log) =>
    (/** @type {unknown[]} */ ...args) => {
      if (typeof args[0] === 'string' && args[0].includes('oidc-provider ')) return
      log.apply(console, args)
    }
  console.warn = filter(warn)
  console.info = filter(info)
  try {
    return await fn()
  } finally {
    console.warn = warn
    console.info = info
  }
}

/** @type {Promise<any> | undefined} oidc-provider ships no type declarations */
let oidcProviderModule
const loadOidcProvider = () =>
  // @ts-ignore -- oidc-provider ships no type declarations
  (oidcProviderModule ??= quietly(() => import('oidc-provider')))

/**
 * A fresh signing key pair with a random `kid`.
 * @param {string} alg
 * @returns {Promise<SigningKey>}
 */
async function createSigningKey(alg) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true })
  const kid = `dev-${randomUUID().slice(0, 8)}`
  const jwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' }
  return { jwk, privateKey }
}

/**
 * @param {import('node:http').Server} server
 * @param {number} port
 * @returns {Promise<number>} the bound port
 */
function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve(/** @type {import('net').AddressInfo} */ (server.address()).port)
    })
  })
}

/**
 * A tiny in-memory oidc-provider adapter whose store outlives provider
 * instances, so sessions, grants and refresh tokens survive `rotateKeys()`
 * (oidc-provider 9's own memory adapter is private to each instance).
 * Entries are dropped lazily when they expire.
 */
function createSharedAdapter() {
  /** @type {Map<string, { payload: any, expiresAt: number }>} */
  const store = new Map()
  /** @type {Map<string, Set<string>>} grantId -> keys of the tokens of that grant */
  const grants = new Map()
  const get = (/** @type {string} */ key) => {
    const entry = store.get(key)
    if (entry && entry.expiresAt <= Date.now()) store.delete(key)
    else return entry?.payload
  }
  return class SharedAdapter {
    /** @param {string} model */
    constructor(model) {
      this.model = model
    }
    /** @param {string} id */
    key(id) {
      return `${this.model}:${id}`
    }
    /** @param {string} id @param {any} payload @param {number} [expiresIn] seconds */
    async upsert(id, payload, expiresIn) {
      const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Infinity
      store.set(this.key(id), { payload, expiresAt })
      if (payload.uid) store.set(`uid:${this.model}:${payload.uid}`, { payload: id, expiresAt })
      if (payload.grantId)
        grants.set(payload.grantId, (grants.get(payload.grantId) ?? new Set()).add(this.key(id)))
    }
    /** @param {string} id */
    async find(id) {
      return get(this.key(id))
    }
    /** @param {string} uid */
    async findByUid(uid) {
      const id = get(`uid:${this.model}:${uid}`)
      return id === undefined ? undefined : this.find(id)
    }
    async findByUserCode() {
      return undefined // no device flow here
    }
    /** @param {string} id */
    async consume(id) {
      const payload = get(this.key(id))
      if (payload) payload.consumed = Math.floor(Date.now() / 1000)
    }
    /** @param {string} id */
    async destroy(id) {
      store.delete(this.key(id))
    }
    /** @param {string} grantId */
    async revokeByGrantId(grantId) {
      for (const key of grants.get(grantId) ?? []) store.delete(key)
      grants.delete(grantId)
    }
  }
}

/**
 * oidc-provider configuration: two clients, two resource servers, one account.
 * @param {{ errors: any, adapter: unknown, keys: SigningKey[], cookieKeys: string[], alg: string,
 *   audience: string, otherAudience: string, scopes: string[] }} settings
 */
function providerConfiguration({ errors, adapter, keys, cookieKeys, alg, audience, otherAudience, scopes }) {
  /** @type {Record<string, string[]>} */
  const resourceScopes = { [audience]: scopes, [otherAudience]: OTHER_AUDIENCE_SCOPES }
  return {
    adapter,
    jwks: { keys: keys.map((key) => key.jwk) },
    cookies: { keys: cookieKeys },
    clients: [
      {
        client_id: WEB_CLIENT_ID,
        client_secret: WEB_CLIENT_SECRET,
        redirect_uris: [WEB_REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        id_token_signed_response_alg: alg,
      },
      {
        client_id: SERVICE_CLIENT_ID,
        client_secret: SERVICE_CLIENT_SECRET,
        redirect_uris: [],
        grant_types: ['client_credentials'],
        response_types: [],
        id_token_signed_response_alg: alg,
      },
    ],
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'nickname', 'preferred_username', 'picture'],
      email: ['email', 'email_verified'],
    },
    // Put the profile/email claims into ID tokens too (as Auth0 does), so ID
    // tokens look like the ones users mistakenly send to APIs.
    conformIdTokenClaims: false,
    async findAccount(/** @type {unknown} */ _ctx, /** @type {string} */ id) {
      return { accountId: id, claims: async () => ({ ...ACCOUNT, sub: id }) }
    },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      // Any authenticated client may introspect any token (development only).
      introspection: { enabled: true, allowedPolicy: async () => true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (
          /** @type {unknown} */ _ctx,
          /** @type {unknown} */ _client,
          /** @type {string|undefined} */ oneOf,
        ) => oneOf,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (/** @type {unknown} */ _ctx, /** @type {string} */ resource) => {
          const scope = resourceScopes[resource]
          if (!scope) throw new errors.InvalidTarget()
          return {
            audience: resource,
            scope: scope.join(' '),
            accessTokenFormat: 'jwt',
            accessTokenTTL: 3600,
            jwt: { sign: { alg } },
          }
        },
      },
    },
    issueRefreshToken: async (
      /** @type {unknown} */ _ctx,
      /** @type {any} */ client,
      /** @type {any} */ code,
    ) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    clientBasedCORS: () => true,
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      ClientCredentials: 3600,
      IdToken: 3600,
      RefreshToken: 86400,
      Interaction: 600,
      Session: 86400,
      Grant: 86400,
    },
  }
}

/** Minimal cookie jar for the headless code flow (ignores paths: one user agent, one server). */
class CookieJar {
  /** @type {Map<string, string>} */
  #cookies = new Map()

  /** @param {Response} response */
  store(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const at = pair.indexOf('=')
      const name = pair.slice(0, at).trim()
      const expired = attributes.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a))
      if (expired) this.#cookies.delete(name)
      else this.#cookies.set(name, pair.slice(at + 1).trim())
    }
  }

  header() {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
}

/**
 * The dev-interactions page's form: its action and fields (hidden inputs
 * plus login/password for the sign-in form).
 * @param {string} html
 * @param {string} pageUrl
 */
function parseInteractionForm(html, pageUrl) {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html)
  if (!form) throw new Error(`dev-issuer: no form on interaction page ${pageUrl}`)
  const fields = new URLSearchParams()
  for (const [, name, value] of form[2].matchAll(
    /<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi,
  )) {
    fields.set(name, value)
  }
  if (/name="login"/.test(form[2])) {
    fields.set('login', ACCOUNT.sub)
    fields.set('password', 'any password')
  }
  return { action: new URL(form[1].replaceAll('&amp;', '&'), pageUrl).href, fields }
}

/**
 * Follows redirects by hand from `url` (carrying cookies), submitting the
 * login and consent forms, until the provider redirects to the client.
 * @returns {Promise<URL>} the redirect URI with `code` (or `error`)
 */
async function runAuthorization(/** @type {string} */ url) {
  const jar = new CookieJar()
  /** @type {RequestInit} */
  let init = { method: 'GET' }
  for (let step = 0; step < 20; step++) {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...init.headers, cookie: jar.header() },
    })
    jar.store(response)
    const location = response.headers.get('location')
    if (location) {
      await response.arrayBuffer()
      const next = new URL(location, url)
      if (next.href.startsWith(WEB_REDIRECT_URI)) return next
      url = next.href
      init = { method: 'GET' }
    } else if (response.ok && response.headers.get('content-type')?.includes('text/html')) {
      const { action, fields } = parseInteractionForm(await response.text(), url)
      url = action
      init = {
        method: 'POST',
        body: fields.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }
    } else {
      throw new Error(
        `dev-issuer: authorization stopped at ${url} with HTTP ${response.status}: ${await response.text()}`,
      )
    }
  }
  throw new Error('dev-issuer: too many redirects in the authorization flow')
}

/**
 * POSTs to the token endpoint with client_secret_basic.
 * @param {string} tokenEndpoint
 * @param {[string, string]} client
 * @param {Record<string, string | undefined>} params
 */
async function tokenRequest(tokenEndpoint, [id, secret], params) {
  const body = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) if (value !== undefined) body.set(name, value)
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    body,
    headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
  })
  /** @type {any} */
  const json = await response.json()
  if (!response.ok)
    throw new Error(`dev-issuer: token endpoint answered ${response.status}: ${JSON.stringify(json)}`)
  return json
}

/**
 * Starts the development issuer on 127.0.0.1.
 * @param {DevIssuerOptions} [options]
 * @returns {Promise<DevIssuer>}
 */
export async function startDevIssuer(options = {}) {
  const {
    port = 0,
    audience = 'https://api.tokenward.test',
    otherAudience = 'https://other-api.tokenward.test',
    scopes = ['read:appointments', 'write:appointments', 'read:reports', 'admin'],
    algorithm = 'ES256',
  } = options
  const { default: Provider, errors } = await loadOidcProvider()

  /** @type {import('http').RequestListener} */
  let handler = (_req, res) => {
    res.writeHead(503).end()
  }
  let jwksCount = 0
  let jwksPath = '/jwks'
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === jwksPath) jwksCount++
    handler(req, res)
  })
  const issuer = `http://127.0.0.1:${await listen(server, port)}`

  /** @type {SigningKey[]} newest first */
  let keys = [await createSigningKey(algorithm)]
  const cookieKeys = [randomBytes(32).toString('base64url')]
  const adapter = createSharedAdapter()
  // Builds a provider for the current keys and puts it behind the server;
  // cookie keys and storage are shared, so sessions and tokens survive a swap.
  const mountProvider = () =>
    quietly(() => {
      const settings = { errors, adapter, keys, cookieKeys, alg: algorithm, audience, otherAudience, scopes }
      const config = providerConfiguration(settings)
      const provider = new Provider(issuer, /** @type {any} */ (config))
      handler = provider.callback()
    })
  await mountProvider()

  /** @type {any} */
  const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()
  const jwksUri = discovery.jwks_uri
  jwksPath = new URL(jwksUri).pathname
  /** @type {[string, string]} */
  const webClient = [WEB_CLIENT_ID, WEB_CLIENT_SECRET]
  /** @type {[string, string]} */
  const serviceClient = [SERVICE_CLIENT_ID, SERVICE_CLIENT_SECRET]

  /** @type {DevIssuer['authorizationCodeTokens']} */
  async function authorizationCodeTokens({
    scope = 'openid profile email offline_access read:appointments',
    resource = audience,
    nonce,
  } = {}) {
    const verifier = randomBytes(32).toString('base64url')
    const authorize = new URL(discovery.authorization_endpoint)
    const params = {
      client_id: WEB_CLIENT_ID,
      response_type: 'code',
      redirect_uri: WEB_REDIRECT_URI,
      scope,
      prompt: 'consent',
      state: randomBytes(8).toString('base64url'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...(resource == null ? {} : { resource }),
      ...(nonce == null ? {} : { nonce }),
    }
    for (const [name, value] of Object.entries(params)) authorize.searchParams.set(name, value)
    const callback = await runAuthorization(authorize.href)
    const code = callback.searchParams.get('code')
    if (!code) throw new Error(`dev-issuer: authorization failed: ${callback.search}`)
    const tokens = await tokenRequest(discovery.token_endpoint, webClient, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: WEB_REDIRECT_URI,
      code_verifier: verifier,
      resource: resource ?? undefined,
    })
    return { idToken: tokens.id_token, accessToken: tokens.access_token, refreshToken: tokens.refresh_token }
  }

  /** @type {DevIssuer['refresh']} */
  async function refresh(refreshToken, { resource = audience } = {}) {
    const tokens = await tokenRequest(discovery.token_endpoint, webClient, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      resource: resource ?? undefined,
    })
    return { idToken: tokens.id_token, accessToken: tokens.access_token, refreshToken: tokens.refresh_token }
  }

  return {
    issuer,
    jwksUri,
    audience,
    otherAudience,
    webClientId: WEB_CLIENT_ID,
    webClientSecret: WEB_CLIENT_SECRET,
    serviceClientId: SERVICE_CLIENT_ID,
    serviceClientSecret: SERVICE_CLIENT_SECRET,
    discovery,

    async clientCredentialsToken({ scope = 'read:appointments', resource = audience } = {}) {
      const tokens = await tokenRequest(discovery.token_endpoint, serviceClient, {
        grant_type: 'client_credentials',
        scope,
        resource: resource ?? undefined,
      })
      return tokens.access_token
    },

    authorizationCodeTokens,
    refresh,

    async opaqueAccessToken() {
      // The code flow without a resource indicator: an opaque, userinfo-only access token.
      const { accessToken } = await authorizationCodeTokens({ scope: 'openid profile', resource: null })
      return accessToken
    },

    async signToken(payload, header = {}) {
      const [{ jwk, privateKey }] = keys
      const claims = { ...payload }
      const now = Math.floor(Date.now() / 1000)
      if (!('iss' in claims)) claims.iss = issuer
      if (!('iat' in claims)) claims.iat = now
      if (!('exp' in claims)) claims.exp = now + 300
      for (const name of Object.keys(claims)) if (claims[name] === undefined) delete claims[name]
      return new SignJWT(claims)
        .setProtectedHeader({
          alg: /** @type {string} */ (jwk.alg),
          kid: /** @type {string} */ (jwk.kid),
          ...header,
        })
        .sign(privateKey)
    },

    async rotateKeys({ keepPrevious = true } = {}) {
      const key = await createSigningKey(algorithm)
      keys = keepPrevious ? [key, ...keys] : [key]
      await mountProvider()
      return /** @type {string} */ (key.jwk.kid)
    },

    jwksRequests: () => jwksCount,

    async close() {
      await new Promise((resolve) => {
        server.close(resolve)
        server.closeAllConnections()
      })
    },
  }
}

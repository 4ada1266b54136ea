/**
 * Embedded development authorization server (oidc-provider on 127.0.0.1) for
 * tokenward's demo and end-to-end tests. Development only.
 */
import type { JWTHeaderParameters, JWTPayload } from 'jose'

export interface DevIssuerOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number
  /** Identifier of the main resource server. Default `'https://api.tokenward.test'`. */
  audience?: string
  /** Identifier of a second resource server (scope `read:other`). Default `'https://other-api.tokenward.test'`. */
  otherAudience?: string
  /** Scopes of `audience`. Default `['read:appointments', 'write:appointments', 'read:reports', 'admin']`. */
  scopes?: string[]
  /** Signing algorithm of the generated keys. Default `'ES256'`. */
  algorithm?: 'ES256' | 'ES384' | 'RS256' | 'PS256' | 'EdDSA'
}

export interface AuthorizationCodeTokens {
  /** OpenID Connect ID token: `aud` is `webClientId`, carries profile/email claims and `nonce` when one was sent. */
  idToken: string
  /** A `typ: at+jwt` JWT for `resource`, or an opaque string when `resource` was `null`. */
  accessToken: string
  /** Opaque refresh token (present when `offline_access` was in `scope`). */
  refreshToken?: string
}

export interface DevIssuer {
  /** Exact `iss` of every token, e.g. `'http://127.0.0.1:41234'` (no trailing slash). */
  readonly issuer: string
  /** The provider's `jwks_uri`, as listed in its discovery document. */
  readonly jwksUri: string
  readonly audience: string
  readonly otherAudience: string
  /** client_id of the authorization-code client, hence the `aud` of its ID tokens. */
  readonly webClientId: string
  /** client_secret of the web client (client_secret_basic or client_secret_post). */
  readonly webClientSecret: string
  /** client_id of the client_credentials client. */
  readonly serviceClientId: string
  /** client_secret of the service client; it may also call the introspection endpoint. */
  readonly serviceClientSecret: string
  /** The provider's discovery document (`token_endpoint`, `introspection_endpoint`, …). */
  readonly discovery: Readonly<Record<string, unknown>> & {
    readonly jwks_uri: string
    readonly token_endpoint: string
  }

  /**
   * A `typ: at+jwt` access token from the client_credentials grant, `sub` and
   * `client_id` = `serviceClientId`. `resource` defaults to `audience`;
   * `null` sends no resource indicator (opaque token).
   */
  clientCredentialsToken(options?: { scope?: string; resource?: string | null }): Promise<string>

  /**
   * Runs the authorization-code flow (PKCE S256, `prompt=consent`) headless as
   * user `alice`. Default scope `'openid profile email offline_access read:appointments'`,
   * resource `audience` (`null`: none, so the access token is opaque).
   */
  authorizationCodeTokens(options?: {
    scope?: string
    resource?: string | null
    nonce?: string
  }): Promise<AuthorizationCodeTokens>

  /**
   * Exchanges a refresh token (grant_type=refresh_token, web client) for new
   * tokens; `resource` defaults to `audience` (`null`: none, opaque access token).
   */
  refresh(refreshToken: string, options?: { resource?: string | null }): Promise<AuthorizationCodeTokens>

  /** An opaque (non-JWT) access token: the code flow without a resource indicator. */
  opaqueAccessToken(): Promise<string>

  /**
   * Signs arbitrary claims with the current signing key; the header gets `alg`
   * and `kid` (overridable through `header`). `iss`, `iat` and `exp` (now + 5
   * min) are filled when absent; pass a claim as `undefined` to omit it.
   */
  signToken(payload: JWTPayload, header?: Partial<JWTHeaderParameters>): Promise<string>

  /**
   * Generates a new signing key and puts it first, so new tokens use it; the
   * previous keys stay published unless `keepPrevious` is false. Resolves to the
   * new `kid`. A fresh oidc-provider instance with the new key set replaces the
   * old one behind the same HTTP server (same port, issuer, clients, sessions).
   */
  rotateKeys(options?: { keepPrevious?: boolean }): Promise<string>

  /** How many GET requests reached the JWKS endpoint so far. */
  jwksRequests(): number

  /** Stops the server and closes every connection. */
  close(): Promise<void>
}

export function startDevIssuer(options?: DevIssuerOptions): Promise<DevIssuer>

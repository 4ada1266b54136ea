/**
 * Authorization-server metadata discovery: the issuer's `jwks_uri`.
 *
 * Tries OpenID Connect Discovery (`<issuer>/.well-known/openid-configuration`),
 * then RFC 8414 (`/.well-known/oauth-authorization-server` inserted before the
 * issuer's path). The metadata's `issuer` must equal the configured issuer
 * exactly (RFC 8414 §3.3), else it is not used.
 */
import { fetchJson, KeyFetchError } from './fetch-json.js'

/** The metadata URLs to try for `issuer`, in order. */
export function discoveryUrls(issuer: string): string[] {
  const url = new URL(issuer)
  const path = url.pathname.replace(/\/$/, '')
  return [
    `${url.origin}${path}/.well-known/openid-configuration`,
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
  ]
}

/**
 * Finds the issuer's `jwks_uri`.
 *
 * @throws {KeyFetchError} when no metadata document names this issuer and a
 *   `jwks_uri`.
 */
export async function discoverJwksUri(issuer: string, timeout: number, signal: AbortSignal): Promise<string> {
  let lastError: unknown
  for (const url of discoveryUrls(issuer)) {
    try {
      const { body } = await fetchJson(url, timeout, signal)
      const metadata = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
      if (metadata.issuer !== issuer) {
        throw new KeyFetchError(`${url} describes another issuer`, url)
      }
      if (typeof metadata.jwks_uri !== 'string' || !URL.canParse(metadata.jwks_uri)) {
        throw new KeyFetchError(`${url} has no valid jwks_uri`, url)
      }
      return metadata.jwks_uri
    } catch (error) {
      lastError = error
      if (signal.aborted) break
    }
  }
  throw lastError
}

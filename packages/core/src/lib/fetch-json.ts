/**
 * One bounded HTTP GET of a JSON document (JWKS, discovery metadata).
 */

/** A JSON document and how long its server said it may be cached. */
export interface FetchedJson {
  readonly body: unknown
  /** `Cache-Control: max-age`, in milliseconds, when the server sent one. */
  readonly maxAge: number | undefined
}

/** Why a key-set or discovery fetch failed; never carries a token. */
export class KeyFetchError extends Error {
  override readonly name = 'KeyFetchError'
  constructor(
    message: string,
    readonly url: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

function maxAgeOf(cacheControl: string | null): number | undefined {
  if (cacheControl === null || /(?:^|,)\s*(?:no-store|no-cache)\b/i.test(cacheControl)) {
    return cacheControl === null ? undefined : 0
  }
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl)
  return match === null ? undefined : Number(match[1]) * 1000
}

/**
 * GETs `url` and parses its JSON body, within `timeout` milliseconds and
 * abortable through `signal`.
 *
 * @throws {KeyFetchError} on timeout, network error, non-2xx status or a body
 *   that is not JSON.
 */
export async function fetchJson(url: string, timeout: number, signal: AbortSignal): Promise<FetchedJson> {
  let response: Response
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(timeout)])
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json, application/jwk-set+json' },
      redirect: 'manual',
      signal: deadline,
    })
  } catch (cause) {
    const reason = deadline.aborted && !signal.aborted ? `timed out after ${timeout} ms` : 'failed'
    throw new KeyFetchError(`GET ${url} ${reason}`, url, { cause })
  }
  try {
    if (!response.ok) {
      throw new KeyFetchError(`GET ${url} answered HTTP ${response.status}`, url)
    }
    const text = await response.text()
    return { body: JSON.parse(text) as unknown, maxAge: maxAgeOf(response.headers.get('cache-control')) }
  } catch (cause) {
    if (cause instanceof KeyFetchError) throw cause
    throw new KeyFetchError(`GET ${url} did not answer JSON`, url, { cause })
  } finally {
    if (!response.bodyUsed) await response.body?.cancel().catch(() => undefined)
  }
}

/**
 * RFC 6750 §3 `WWW-Authenticate: Bearer …` challenges.
 *
 * Values are quoted-strings (RFC 9110 §5.6.4): `"` and `\` are escaped with a
 * backslash; characters a header cannot carry (controls, non-ASCII) are
 * replaced by `?` so that no input can break the header or inject another one.
 */

/** What a challenge may name besides the error itself. */
export interface ChallengeContext {
  /** `realm="…"`, when set. */
  readonly realm?: string | undefined
  /** RFC 9728 `resource_metadata="…"`, when set. */
  readonly resourceMetadata?: string | undefined
  /** `scope="…"` (space-separated), on `insufficient_scope`. */
  readonly scope?: readonly string[] | undefined
}

/** Parameters of one challenge, in the order they are written. */
export interface ChallengeParams extends ChallengeContext {
  readonly error?: string | undefined
  readonly errorDescription?: string | undefined
}

/** Escapes a value for use inside a quoted-string. */
export function quote(value: string): string {
  // eslint-disable-next-line no-control-regex
  const safe = value.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, '\\$&')
  return `"${safe}"`
}

/**
 * Builds a `Bearer` challenge. With no parameters it is `Bearer` alone; the
 * bare challenge for missing credentials carries only `realm` (and
 * `resource_metadata`), never an error (RFC 6750 §3.1).
 */
export function buildChallenge(params: ChallengeParams = {}): string {
  const parts: string[] = []
  if (params.realm !== undefined) parts.push(`realm=${quote(params.realm)}`)
  if (params.error !== undefined) parts.push(`error=${quote(params.error)}`)
  if (params.errorDescription !== undefined) {
    parts.push(`error_description=${quote(params.errorDescription)}`)
  }
  if (params.scope !== undefined && params.scope.length > 0) {
    parts.push(`scope=${quote(params.scope.join(' '))}`)
  }
  if (params.resourceMetadata !== undefined) {
    parts.push(`resource_metadata=${quote(params.resourceMetadata)}`)
  }
  return parts.length === 0 ? 'Bearer' : `Bearer ${parts.join(', ')}`
}

/** @internal The challenge for an error code's RFC 6750 error and description. */
export function challengeFor(
  error: string | undefined,
  description: string,
  context: ChallengeContext,
): string {
  return buildChallenge({
    realm: context.realm,
    error,
    errorDescription: error === undefined ? undefined : description,
    scope: context.scope,
    resourceMetadata: context.resourceMetadata,
  })
}

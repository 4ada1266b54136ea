export { buildChallenge, quote } from './challenge.js'
export type { ChallengeContext, ChallengeParams } from './challenge.js'
export { classifyToken, decodeToken, looksLikeIdToken, normalizeTyp } from './classify-token.js'
export type { ClassifyOptions, DecodedToken } from './classify-token.js'
export { errorCodes, isTokenwardError, TokenwardError } from './errors.js'
export type { BearerErrorCode, TokenwardErrorCode, TokenwardErrorInit } from './errors.js'
export { extractBearerToken } from './extract-token.js'
export { RemoteKeySet, SecretKeySet, StaticKeySet } from './key-sets.js'
export type { KeySet, KeySetEvent, KeySetListener, RemoteKeySetInit } from './key-sets.js'
export { keySetLogRecord, refusalLogRecord } from './log-records.js'
export type { LogRecord } from './log-records.js'
export { readAuthorization } from './read-authorization.js'
export type { NodeRequestHeaders } from './read-authorization.js'
export { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS, normalizeOptions } from './options.js'
export type { KeySetOptions, NormalizedOptions, VerifierOptions } from './options.js'
export { normalizeScopeRequirement, readScopes, requireScopes } from './scopes.js'
export type { HasScopes, ScopeRequirement } from './scopes.js'
export { TokenCache } from './token-cache.js'
export type { CacheEntry } from './token-cache.js'
export { createVerifier } from './verify-access-token.js'
export type {
  AccessTokenPrincipal,
  TokenwardClaims,
  VerifiableRequest,
  Verifier,
  VerifierHooks,
} from './verify-access-token.js'

/**
 * The attack corpus: data, no assertions. Each case names the attack, builds
 * the request from a {@link Fixture} (the issuer's and an attacker's keys,
 * the trap server `jku`/`x5u` point at) and says what every target must
 * answer: the HTTP status and the tokenward `code` (`null`: accepted, 200).
 *
 * Expected codes follow DESIGN.md, "What is checked, in order" and the error
 * table. Where DESIGN.md is silent the choice is written next to the case.
 * Runners (one per target: core, Fastify, Express) live beside this file.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { SignJWT } from 'jose'
import type { TokenwardErrorCode } from '@tokenward/core'
import { AUDIENCE, b64url, CLIENT_ID, ISSUER, NOW_S, segments } from './fixtures.js'
import type { Fixture, SigningKey } from './fixtures.js'

/** What a target is sent. */
export interface AttackRequest {
  /** The `Authorization` header; an array sends the header once per value. */
  readonly authorization?: string | readonly string[]
  readonly method?: 'GET' | 'POST'
  /** Path and query string. Default `/me`. */
  readonly path?: string
  /** Other request headers (cookie, content-type). */
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
}

export interface AttackCase {
  /** Names the attack. Unique. */
  readonly name: string
  /** Builds the request from the fixture. */
  readonly build: (fx: Fixture) => AttackRequest | Promise<AttackRequest>
  /** Expected HTTP status. */
  readonly status: 200 | 400 | 401
  /** Expected tokenward code; `null` when the request must be accepted. */
  readonly code: TokenwardErrorCode | null
}

const bearer = (token: string): AttackRequest => ({ authorization: `Bearer ${token}` })
const bearerOf =
  (make: (fx: Fixture) => Promise<string> | string) =>
  async (fx: Fixture): Promise<AttackRequest> =>
    bearer(await make(fx))

/** Signs the claims of a good access token with HS* and `secret` through jose. */
function hmacWithJose(fx: Fixture, secret: Uint8Array, alg = 'HS256', kid = 'rsa-1'): Promise<string> {
  return new SignJWT(fx.claims()).setProtectedHeader({ alg, typ: 'JWT', kid }).sign(secret)
}

/** HS256 by hand (jose refuses an empty secret). */
function hmacByHand(fx: Fixture, header: Record<string, unknown>, secret: string | Buffer): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(fx.claims()))}`
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
}

/** ECDSA P-256 signature of r || s, 32 bytes each. */
function rawEcdsa(r: Buffer, s: Buffer): string {
  return b64url(Buffer.concat([r, s]))
}

/** The order n of the P-256 group. */
const P256_N = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex')

/** r || s as an ASN.1 DER ECDSA-Sig-Value (what JWS must not carry). */
function derEcdsa(signature: Uint8Array): string {
  const integer = (bytes: Uint8Array): Buffer => {
    let value = Buffer.from(bytes)
    while (value.length > 1 && value[0] === 0) value = value.subarray(1)
    if ((value[0] as number) & 0x80) value = Buffer.concat([Buffer.from([0]), value])
    return Buffer.concat([Buffer.from([0x02, value.length]), value])
  }
  const body = Buffer.concat([integer(signature.slice(0, 32)), integer(signature.slice(32))])
  return b64url(Buffer.concat([Buffer.from([0x30, body.length]), body]))
}

/** A token (RS256, issuer key) of exactly `length` characters, padded with a `pad` claim. */
async function tokenOfLength(fx: Fixture, length: number): Promise<string> {
  const signatureLength = 342 // RS256 with a 2048-bit key
  for (let headerPad = 0; headerPad < 4; headerPad += 1) {
    const header = {
      alg: 'RS256',
      typ: 'JWT',
      kid: 'rsa-1',
      ...(headerPad ? { p: 'x'.repeat(headerPad) } : {}),
    }
    const headerLength = b64url(JSON.stringify(header)).length
    for (let pad = 0; pad < length; pad += 1) {
      const payloadLength = b64url(JSON.stringify(fx.claims({ pad: 'x'.repeat(pad) }))).length
      const total = headerLength + 1 + payloadLength + 1 + signatureLength
      if (total === length) {
        const token = await fx.jws({ header, claims: { pad: 'x'.repeat(pad) } })
        if (token.length !== length) throw new Error(`built ${token.length} characters, wanted ${length}`)
        return token
      }
      if (total > length) break
    }
  }
  throw new Error(`no token of exactly ${length} characters`)
}

const NONE_SPELLINGS = ['none', 'None', 'NONE', 'nOnE'] as const

const algNone: AttackCase[] = [
  ...NONE_SPELLINGS.flatMap((alg): AttackCase[] => [
    {
      name: `alg "${alg}", empty signature part (header.payload.)`,
      status: 401,
      code: 'TW_ALG_NOT_ALLOWED',
      build: bearerOf((fx) => fx.jws({ header: { alg }, signature: '' })),
    },
    {
      name: `alg "${alg}", with a signature part (an RS256 signature of the issuer key)`,
      status: 401,
      code: 'TW_ALG_NOT_ALLOWED',
      build: bearerOf((fx) => fx.jws({ header: { alg } })),
    },
    {
      name: `alg "${alg}", no signature part at all (header.payload): not three parts`,
      status: 401,
      code: 'TW_OPAQUE_TOKEN',
      build: bearerOf(async (fx) => {
        const { header, payload } = segments(await fx.jws({ header: { alg } }))
        return `${header}.${payload}`
      }),
    },
  ]),
  {
    name: 'alg "none" without kid or typ, garbage signature',
    status: 401,
    code: 'TW_ALG_NOT_ALLOWED',
    build: bearerOf((fx) => fx.jws({ rawHeader: '{"alg":"none"}', signature: b64url('signature') })),
  },
  {
    name: 'alg missing from the header',
    status: 401,
    code: 'TW_ALG_NOT_ALLOWED',
    build: bearerOf((fx) => fx.jws({ header: { alg: undefined } })),
  },
  {
    name: 'alg null',
    status: 401,
    code: 'TW_ALG_NOT_ALLOWED',
    build: bearerOf((fx) => fx.jws({ header: { alg: null } })),
  },
  {
    name: 'alg as an array holding an allowed algorithm (["RS256"])',
    status: 401,
    code: 'TW_ALG_NOT_ALLOWED',
    build: bearerOf((fx) => fx.jws({ header: { alg: ['RS256'] } })),
  },
  {
    name: 'alg "rs256" (lower case: JWS algorithm names are case-sensitive)',
    status: 401,
    code: 'TW_ALG_NOT_ALLOWED',
    build: bearerOf((fx) => fx.jws({ header: { alg: 'rs256' } })),
  },
  {
    name: 'alg "RS256 " (trailing space)',
    status: 401,
    code: 'TW_ALG_NOT_ALLOWED',
    build: bearerOf((fx) => fx.jws({ header: { alg: 'RS256 ' } })),
  },
  {
    name: 'alg "ES256K" (asymmetric but not in the allow-list)',
    status: 401,
    code: 'TW_ALG_NOT_ALLOWED',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.ec, header: { alg: 'ES256K' } })),
  },
]

const keyConfusion: AttackCase[] = [
  {
    name: 'HS256 signed with the issuer RSA public key as HMAC secret (SPKI PEM bytes)',
    status: 401,
    code: 'TW_ALG_NOT_ALLOWED',
    build: bearerOf((fx) => hmacWithJose(fx, new TextEncoder().encode(fx.keys.rsa.spkiPem))),
  },
  {
    name: 'HS256 signed with the issuer RSA public key PEM without its trailing newline',
    status: 401,
    code: 'TW_ALG_NOT_ALLOWED',
    build: bearerOf((fx) => hmacWithJose(fx, new TextEncoder().encode(fx.keys.rsa.spkiPem.trimEnd()))),
  },
  {
    name: 'HS256 signed with the issuer RSA public JWK (JSON bytes) as HMAC secret',
    status: 401,
    code: 'TW_ALG_NOT_ALLOWED',
    build: bearerOf((fx) =>
      hmacWithJose(fx, new TextEncoder().encode(JSON.stringify(fx.keys.rsa.publicJwk))),
    ),
  },
  {
    name: 'HS256 signed with the issuer RSA modulus bytes (JWK "n") as HMAC secret',
    status: 401,
    code: 'TW_ALG_NOT_ALLOWED',
    build: bearerOf((fx) => hmacWithJose(fx, Buffer.from(fx.keys.rsa.publicJwk.n as string, 'base64url'))),
  },
  {
    name: 'HS256 signed with the issuer EC public key (SPKI PEM bytes), EC kid',
    status: 401,
    code: 'TW_ALG_NOT_ALLOWED',
    build: bearerOf((fx) => hmacWithJose(fx, new TextEncoder().encode(fx.keys.ec.spkiPem), 'HS256', 'ec-1')),
  },
  {
    name: 'HS512 signed with the issuer EC public JWK (JSON bytes)',
    status: 401,
    code: 'TW_ALG_NOT_ALLOWED',
    build: bearerOf((fx) =>
      hmacWithJose(fx, new TextEncoder().encode(JSON.stringify(fx.keys.ec.publicJwk)), 'HS512', 'ec-1'),
    ),
  },
]

const signatures: AttackCase[] = [
  {
    name: 'RS256 signature stripped (header.payload.)',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ signature: '' })),
  },
  {
    name: 'ES256 signature stripped (header.payload.)',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.ec, signature: '' })),
  },
  {
    name: 'RS256 signature truncated by 4 characters (3 bytes)',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ signature: (sig) => b64url(sig).slice(0, -4) })),
  },
  {
    name: 'RS256 signature truncated to half its length',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ signature: (sig) => b64url(sig.slice(0, sig.length / 2)) })),
  },
  {
    // 342 → 341 characters: 341 ≡ 1 (mod 4) is no base64url length at all.
    name: 'RS256 signature truncated by one character (not decodable as base64url)',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ signature: (sig) => b64url(sig).slice(0, -1) })),
  },
  {
    name: 'RS256 signature of 256 zero bytes',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ signature: b64url(new Uint8Array(256)) })),
  },
  {
    name: 'RS256 signature with one bit flipped',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) =>
      fx.jws({
        signature: (sig) => {
          const flipped = Uint8Array.from(sig)
          flipped[100] = (flipped[100] as number) ^ 1
          return b64url(flipped)
        },
      }),
    ),
  },
  {
    name: 'ES256 signature r = s = 0 (64 zero bytes, "psychic signature")',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.ec, signature: b64url(new Uint8Array(64)) })),
  },
  {
    name: 'ES256 signature r = s = n (the curve order)',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.ec, signature: rawEcdsa(P256_N, P256_N) })),
  },
  {
    name: 'ES256 signature r = 0 with the real s',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) =>
      fx.jws({ key: fx.keys.ec, signature: (sig) => rawEcdsa(Buffer.alloc(32), Buffer.from(sig.slice(32))) }),
    ),
  },
  {
    name: 'ES256 signature DER-encoded instead of r || s',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.ec, signature: derEcdsa })),
  },
  {
    name: 'payload swapped after signing (scope raised to admin, original signature kept)',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf(async (fx) => {
      const { header, signature } = segments(await fx.access())
      return `${header}.${b64url(JSON.stringify(fx.claims({ scope: 'admin' })))}.${signature}`
    }),
  },
]

const keySubstitution: AttackCase[] = [
  {
    name: 'RS256 signed by another key that carries the issuer kid',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.evilRsa })),
  },
  {
    name: 'ES256 signed by another key that carries the issuer kid',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.evilEc })),
  },
  {
    name: 'RS256 signed by another key, no kid (the issuer RSA key is the only candidate)',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.evilRsa, header: { kid: undefined } })),
  },
  {
    name: 'RS256 signed by the issuer key under an unknown kid',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ header: { kid: 'rsa-2' } })),
  },
  {
    name: 'alg RS256 with the kid of the issuer EC key (alg/key type mismatch)',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ header: { kid: 'ec-1' } })),
  },
  {
    name: 'PS256 signed by the issuer RSA key whose JWK is pinned to RS256',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf(async (fx) => {
      const ps: SigningKey = { ...fx.keys.rsa, alg: 'PS256' }
      // generateKeyPair('RS256') keys are RSASSA-PKCS1-v1_5 only; sign PS256 with a PSS import.
      const {
        alg: _alg,
        key_ops: _ops,
        ...jwk
      } = await crypto.subtle.exportKey('jwk', fx.keys.rsa.privateKey)
      const pss = await crypto.subtle.importKey('jwk', jwk, { name: 'RSA-PSS', hash: 'SHA-256' }, false, [
        'sign',
      ])
      return fx.jws({ key: { ...ps, privateKey: pss } })
    }),
  },
  {
    name: 'EdDSA signed by an attacker key (the issuer has no OKP key)',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.evilEd })),
  },
]

const headerInjection: AttackCase[] = [
  {
    name: 'jku header to a server of the attacker, attacker key and kid',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) =>
      fx.jws({ key: fx.keys.evilRsa, header: { jku: `${fx.trap.url}/jwks.json`, kid: 'evil-1' } }),
    ),
  },
  {
    name: 'jku header to a server of the attacker, attacker key with the issuer kid',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.evilEc, header: { jku: `${fx.trap.url}/jwks.json` } })),
  },
  {
    name: 'x5u header to a server of the attacker',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.evilRsa, header: { x5u: `${fx.trap.url}/cert.pem` } })),
  },
  {
    name: 'jwk header embedding the attacker public key, attacker kid',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) =>
      fx.jws({
        key: fx.keys.evilRsa,
        header: { kid: 'evil-1', jwk: { ...fx.keys.evilRsa.publicJwk, kid: 'evil-1' } },
      }),
    ),
  },
  {
    name: 'jwk header embedding the attacker public key, issuer kid',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.evilEc, header: { jwk: fx.keys.evilEc.publicJwk } })),
  },
  {
    name: 'jwk header embedding the attacker public key, no kid',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => {
      const { kid: _kid, ...jwk } = fx.keys.evilRsa.publicJwk
      return fx.jws({ key: fx.keys.evilRsa, header: { kid: undefined, jwk } })
    }),
  },
  {
    name: 'x5c header with a made-up certificate chain',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) =>
      fx.jws({
        key: fx.keys.evilRsa,
        header: { x5c: [randomBytes(600).toString('base64'), randomBytes(600).toString('base64')] },
      }),
    ),
  },
  {
    name: 'iss of the attacker host with a jku header there (never contacted)',
    status: 401,
    code: 'TW_WRONG_ISSUER',
    build: bearerOf((fx) =>
      fx.jws({
        key: fx.keys.evilRsa,
        header: { jku: `${fx.trap.url}/jwks.json`, kid: 'evil-1' },
        claims: { iss: `${fx.trap.url}/` },
      }),
    ),
  },
]

const kidInjection: AttackCase[] = [
  {
    name: 'kid path traversal "../../etc/passwd"',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ header: { kid: '../../etc/passwd' } })),
  },
  {
    name: 'kid "../../../../../dev/null" with HS256 and an empty secret',
    status: 401,
    code: 'TW_ALG_NOT_ALLOWED',
    build: bearerOf((fx) =>
      hmacByHand(fx, { alg: 'HS256', typ: 'JWT', kid: '../../../../../dev/null' }, Buffer.alloc(0)),
    ),
  },
  {
    name: 'kid SQL injection "\' OR 1=1 --"',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.evilRsa, header: { kid: "' OR 1=1 --" } })),
  },
  {
    name: "kid SQL injection \"x' UNION SELECT 'secret' --\" with HS256 keyed by 'secret'",
    status: 401,
    code: 'TW_ALG_NOT_ALLOWED',
    build: bearerOf((fx) => hmacByHand(fx, { alg: 'HS256', kid: "x' UNION SELECT 'secret' --" }, 'secret')),
  },
  {
    name: 'kid of 5000 characters (token still under maxTokenLength)',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.evilRsa, header: { kid: 'k'.repeat(5000) } })),
  },
  {
    name: 'kid with quotes, backslash and CR LF ("a\\"b\\r\\nX-Injected: 1")',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.evilRsa, header: { kid: 'a"b\\\r\nX-Injected: 1' } })),
  },
  {
    name: 'kid with a NUL byte after the issuer kid ("rsa-1\\u0000")',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.evilRsa, header: { kid: 'rsa-1\u0000' } })),
  },
  {
    name: 'kid a number, signed by the issuer key',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ header: { kid: 1 } })),
  },
  {
    name: 'kid "__proto__"',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.evilRsa, header: { kid: '__proto__' } })),
  },
  {
    name: 'kid as an object ({"$ne": null})',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.evilRsa, header: { kid: { $ne: null } } })),
  },
  {
    name: 'kid empty string',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.evilRsa, header: { kid: '' } })),
  },
  {
    name: 'kid holding a URL of the attacker server',
    status: 401,
    code: 'TW_BAD_SIGNATURE',
    build: bearerOf((fx) => fx.jws({ key: fx.keys.evilRsa, header: { kid: `${fx.trap.url}/key` } })),
  },
]

const crit: AttackCase[] = [
  {
    name: 'unknown crit extension, signed by the issuer',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ header: { crit: ['x-tenant-check'], 'x-tenant-check': true } })),
  },
  {
    name: 'crit ["b64"] with b64: false (unencoded payload), signed by the issuer',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ header: { crit: ['b64'], b64: false } })),
  },
  {
    name: 'crit naming a parameter that is absent',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ header: { crit: ['exp'] } })),
  },
  {
    name: 'crit empty array (forbidden by RFC 7515)',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ header: { crit: [] } })),
  },
  {
    name: 'crit a string instead of an array',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ header: { crit: 'x-tenant-check', 'x-tenant-check': 1 } })),
  },
]

const shapes: AttackCase[] = [
  {
    name: 'JWE compact serialization (five parts, RSA-OAEP-256/A256GCM)',
    status: 401,
    code: 'TW_OPAQUE_TOKEN',
    build: () =>
      bearer(
        [
          b64url(JSON.stringify({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'rsa-1', typ: 'at+jwt' })),
          b64url(randomBytes(256)),
          b64url(randomBytes(12)),
          b64url(randomBytes(120)),
          b64url(randomBytes(16)),
        ].join('.'),
      ),
  },
  {
    name: 'JWE-shaped, alg dir (empty encrypted key part)',
    status: 401,
    code: 'TW_OPAQUE_TOKEN',
    build: () =>
      bearer(
        `${b64url(JSON.stringify({ alg: 'dir', enc: 'A128CBC-HS256' }))}..${b64url(randomBytes(16))}.${b64url(randomBytes(48))}.${b64url(randomBytes(16))}`,
      ),
  },
  {
    name: 'a JWS with an extra fourth part appended',
    status: 401,
    code: 'TW_OPAQUE_TOKEN',
    build: bearerOf(async (fx) => `${await fx.access()}.${b64url('more')}`),
  },
  {
    name: 'opaque token (32 random characters, Auth0 without audience)',
    status: 401,
    code: 'TW_OPAQUE_TOKEN',
    build: () => bearer(randomBytes(24).toString('base64url')),
  },
  {
    name: 'opaque token with one dot (Slack/GitHub style prefix.secret)',
    status: 401,
    code: 'TW_OPAQUE_TOKEN',
    build: () => bearer(`gho.${randomBytes(20).toString('hex')}`),
  },
  {
    name: 'three empty parts ("..")',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: () => bearer('..'),
  },
  {
    name: 'empty header part (.payload.signature)',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf(async (fx) => {
      const { payload, signature } = segments(await fx.access())
      return `.${payload}.${signature}`
    }),
  },
  {
    name: 'header is base64url of text that is not JSON',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ rawHeader: 'alg=RS256' })),
  },
  ...(['[]', '["RS256"]', '1', '"RS256"', 'null', 'true'] as const).map((json): AttackCase => ({
    name: `header JSON is not an object: ${json}`,
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ rawHeader: json })),
  })),
  ...(['[]', '[{"sub":"user-1"}]', '1893456000', '"user-1"', 'null', 'false'] as const).map(
    (json): AttackCase => ({
      name: `payload JSON is not an object: ${json} (signed by the issuer)`,
      status: 401,
      code: 'TW_MALFORMED_TOKEN',
      build: bearerOf((fx) => fx.jws({ rawPayload: json })),
    }),
  ),
  {
    name: 'payload is binary, not UTF-8 JSON (signed by the issuer)',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf(async (fx) => {
      const token = await fx.jws()
      const { header, signature } = segments(token)
      return `${header}.${b64url(Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d]))}.${signature}`
    }),
  },
  {
    name: 'payload JSON with a NaN literal ({"exp":NaN}, not JSON)',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) =>
      fx.jws({ rawPayload: JSON.stringify(fx.claims()).replace(/"exp":\d+/, '"exp":NaN') }),
    ),
  },
  {
    name: 'payload JSON followed by garbage',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ rawPayload: `${JSON.stringify(fx.claims())}{}` })),
  },
]

const tokenKinds: AttackCase[] = [
  {
    name: 'ID token: aud is a client id of this system (clientIds)',
    status: 401,
    code: 'TW_ID_TOKEN',
    build: bearerOf((fx) =>
      fx.jws({ claims: { aud: CLIENT_ID, azp: undefined, scope: undefined, client_id: undefined } }),
    ),
  },
  {
    name: 'ID token: nonce claim, aud of this API',
    status: 401,
    code: 'TW_ID_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { nonce: 'n-0S6_WzA2Mj' } })),
  },
  {
    name: 'ID token: at_hash claim',
    status: 401,
    code: 'TW_ID_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q' } })),
  },
  {
    name: 'ID token of an unknown client: single aud equal to azp',
    status: 401,
    code: 'TW_ID_TOKEN',
    build: bearerOf((fx) =>
      fx.jws({
        claims: { aud: 'other-client', azp: 'other-client', scope: undefined, email: 'a@b.test' },
      }),
    ),
  },
  {
    name: 'ID token: header typ id_token+jwt',
    status: 401,
    code: 'TW_ID_TOKEN',
    build: bearerOf((fx) => fx.jws({ header: { typ: 'id_token+jwt' } })),
  },
  {
    name: 'Cognito ID token (token_use: id)',
    status: 401,
    code: 'TW_ID_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { token_use: 'id' } })),
  },
  {
    name: 'Keycloak ID token (payload typ: ID)',
    status: 401,
    code: 'TW_ID_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { typ: 'ID' } })),
  },
  {
    name: 'Keycloak refresh token (payload typ: Refresh)',
    status: 401,
    code: 'TW_REFRESH_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { typ: 'Refresh', scope: 'openid offline_access' } })),
  },
  {
    name: 'Keycloak offline token (payload typ: Offline)',
    status: 401,
    code: 'TW_REFRESH_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { typ: 'Offline' } })),
  },
  {
    name: 'Cognito refresh token (token_use: refresh)',
    status: 401,
    code: 'TW_REFRESH_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { token_use: 'refresh' } })),
  },
  {
    name: 'back-channel logout token (typ logout+jwt, events claim)',
    status: 401,
    code: 'TW_WRONG_TOKEN_TYPE',
    build: bearerOf((fx) =>
      fx.jws({
        header: { typ: 'logout+jwt' },
        claims: {
          events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
          sid: 'sid-1',
          scope: undefined,
          exp: NOW_S + 120,
        },
      }),
    ),
  },
  {
    name: 'logout token without typ header (events claim only)',
    status: 401,
    code: 'TW_WRONG_TOKEN_TYPE',
    build: bearerOf((fx) =>
      fx.jws({ claims: { events: { 'http://schemas.openid.net/event/backchannel-logout': {} } } }),
    ),
  },
  {
    name: 'DPoP proof (typ dpop+jwt, jwk header, htm/htu)',
    status: 401,
    code: 'TW_WRONG_TOKEN_TYPE',
    build: bearerOf((fx) => {
      const { kid: _kid, alg: _alg, use: _use, ...jwk } = fx.keys.evilEc.publicJwk
      return fx.jws({
        key: fx.keys.evilEc,
        header: { typ: 'dpop+jwt', kid: undefined, jwk },
        rawPayload: JSON.stringify({ jti: 'p-1', htm: 'GET', htu: `${AUDIENCE}/me`, iat: NOW_S }),
      })
    }),
  },
  {
    name: 'DPoP proof carrying access-token claims (typ dpop+jwt, iss/aud/sub)',
    status: 401,
    code: 'TW_WRONG_TOKEN_TYPE',
    build: bearerOf((fx) => fx.jws({ header: { typ: 'dpop+jwt' }, claims: { htm: 'GET', htu: AUDIENCE } })),
  },
  {
    name: 'security event token (typ secevent+jwt)',
    status: 401,
    code: 'TW_WRONG_TOKEN_TYPE',
    build: bearerOf((fx) => fx.jws({ header: { typ: 'secevent+jwt' } })),
  },
  {
    name: 'typ header not a string (typ: 1)',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ header: { typ: 1 } })),
  },
  {
    name: 'control: Keycloak < 22 access token (payload typ Bearer) with a nonce is accepted',
    status: 200,
    code: null,
    build: bearerOf((fx) => fx.jws({ claims: { typ: 'Bearer', nonce: 'n-1' } })),
  },
  {
    name: 'control: RFC 9068 access token (typ application/at+jwt) is accepted',
    status: 200,
    code: null,
    build: bearerOf((fx) => fx.jws({ header: { typ: 'application/at+jwt' } })),
  },
]

const issuerAudience: AttackCase[] = [
  {
    name: 'control: a good access token is accepted',
    status: 200,
    code: null,
    build: bearerOf((fx) => fx.access()),
  },
  {
    name: 'control: ES256 access token without kid is accepted',
    status: 200,
    code: null,
    build: bearerOf((fx) => fx.jws({ key: fx.keys.ec, header: { kid: undefined } })),
  },
  {
    name: 'aud an empty array',
    status: 401,
    code: 'TW_WRONG_AUDIENCE',
    build: bearerOf((fx) => fx.jws({ claims: { aud: [] } })),
  },
  {
    name: 'aud an empty string',
    status: 401,
    code: 'TW_WRONG_AUDIENCE',
    build: bearerOf((fx) => fx.jws({ claims: { aud: '' } })),
  },
  {
    name: 'aud with a trailing slash added',
    status: 401,
    code: 'TW_WRONG_AUDIENCE',
    build: bearerOf((fx) => fx.jws({ claims: { aud: `${AUDIENCE}/` } })),
  },
  {
    name: 'aud with its case changed',
    status: 401,
    code: 'TW_WRONG_AUDIENCE',
    build: bearerOf((fx) => fx.jws({ claims: { aud: AUDIENCE.toUpperCase() } })),
  },
  {
    name: 'aud [wrong] (only another API)',
    status: 401,
    code: 'TW_WRONG_AUDIENCE',
    build: bearerOf((fx) => fx.jws({ claims: { aud: ['https://other-api.test'] } })),
  },
  {
    name: 'aud [wrong, right]: contains this API, valid per RFC 7519',
    status: 200,
    code: null,
    build: bearerOf((fx) => fx.jws({ claims: { aud: ['https://other-api.test', AUDIENCE] } })),
  },
  {
    name: 'aud missing',
    status: 401,
    code: 'TW_MISSING_CLAIM',
    build: bearerOf((fx) => fx.jws({ claims: { aud: undefined } })),
  },
  {
    name: 'aud [this API as a prefix] ("https://api.tokenward.test.evil")',
    status: 401,
    code: 'TW_WRONG_AUDIENCE',
    build: bearerOf((fx) => fx.jws({ claims: { aud: [`${AUDIENCE}.evil`] } })),
  },
  {
    // DESIGN.md, step 7: "a registered claim of the wrong type → TW_MALFORMED_TOKEN".
    name: 'aud a number (registered claim of the wrong type)',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { aud: 123 } })),
  },
  {
    name: 'aud an array holding a number and this API (registered claim of the wrong type)',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { aud: [123, AUDIENCE] } })),
  },
  {
    name: 'iss without its trailing slash',
    status: 401,
    code: 'TW_WRONG_ISSUER',
    build: bearerOf((fx) => fx.jws({ claims: { iss: ISSUER.slice(0, -1) } })),
  },
  {
    name: 'iss with its case changed',
    status: 401,
    code: 'TW_WRONG_ISSUER',
    build: bearerOf((fx) => fx.jws({ claims: { iss: ISSUER.toUpperCase() } })),
  },
  {
    name: 'iss an array holding the issuer',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { iss: [ISSUER] } })),
  },
  {
    name: 'iss missing',
    status: 401,
    code: 'TW_MISSING_CLAIM',
    build: bearerOf((fx) => fx.jws({ claims: { iss: undefined } })),
  },
  {
    name: 'iss "__proto__" (prototype lookup in the issuer map)',
    status: 401,
    code: 'TW_WRONG_ISSUER',
    build: bearerOf((fx) => fx.jws({ claims: { iss: '__proto__' } })),
  },
  {
    name: 'sub an object (type confusion)',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { sub: { id: 'admin' } } })),
  },
  {
    name: 'scope an object (type confusion)',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { scope: { admin: true } } })),
  },
]

/** Payload JSON text of a good token with `claim` set to the raw JSON `value`. */
function rawClaims(fx: Fixture, claim: string, value: string): string {
  const claims = fx.claims({ [claim]: undefined })
  return `${JSON.stringify(claims).slice(0, -1)},"${claim}":${value}}`
}

const times: AttackCase[] = [
  {
    name: 'exp a numeric string',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { exp: String(NOW_S + 600) } })),
  },
  {
    name: 'exp "soon"',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { exp: 'soon' } })),
  },
  {
    name: 'exp negative (-1)',
    status: 401,
    code: 'TW_EXPIRED',
    build: bearerOf((fx) => fx.jws({ claims: { exp: -1 } })),
  },
  {
    name: 'exp 1e400 (JSON.parse gives Infinity)',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ rawPayload: rawClaims(fx, 'exp', '1e400') })),
  },
  {
    // -Infinity is a number that lies in the past: jose reports it expired.
    name: 'exp -1e400 (JSON.parse gives -Infinity)',
    status: 401,
    code: 'TW_EXPIRED',
    build: bearerOf((fx) => fx.jws({ rawPayload: rawClaims(fx, 'exp', '-1e400') })),
  },
  {
    name: 'exp "NaN"',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { exp: 'NaN' } })),
  },
  {
    name: 'exp null',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { exp: null } })),
  },
  {
    name: 'exp true',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { exp: true } })),
  },
  {
    name: 'exp an array ([far future])',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { exp: [NOW_S + 600] } })),
  },
  {
    name: 'exp missing',
    status: 401,
    code: 'TW_MISSING_CLAIM',
    build: bearerOf((fx) => fx.jws({ claims: { exp: undefined } })),
  },
  {
    name: 'exp passed 10 minutes ago',
    status: 401,
    code: 'TW_EXPIRED',
    build: bearerOf((fx) => fx.jws({ claims: { iat: NOW_S - 1200, exp: NOW_S - 600 } })),
  },
  {
    name: 'nbf a numeric string',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { nbf: String(NOW_S) } })),
  },
  {
    name: 'nbf an hour in the future',
    status: 401,
    code: 'TW_NOT_YET_VALID',
    build: bearerOf((fx) => fx.jws({ claims: { nbf: NOW_S + 3600, exp: NOW_S + 7200 } })),
  },
  {
    name: 'nbf 1e400 (Infinity: never valid)',
    status: 401,
    code: 'TW_NOT_YET_VALID',
    build: bearerOf((fx) => fx.jws({ rawPayload: rawClaims(fx, 'nbf', '1e400') })),
  },
  {
    name: 'iat a numeric string',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { iat: String(NOW_S) } })),
  },
  {
    name: 'iat an hour in the future',
    status: 401,
    code: 'TW_NOT_YET_VALID',
    build: bearerOf((fx) => fx.jws({ claims: { iat: NOW_S + 3600, exp: NOW_S + 7200 } })),
  },
  {
    name: 'iat 1e400 (Infinity)',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ rawPayload: rawClaims(fx, 'iat', '1e400') })),
  },
]

/**
 * Duplicate member names, built by hand. JSON.parse keeps the *last* value
 * (as RFC 7515 §5.2 allows: "use a JSON parser that returns only the
 * lexically last duplicate member name"); jose and tokenward both parse with
 * JSON.parse, so the checks and the signature verification see the same value.
 */
const duplicates: AttackCase[] = [
  {
    name: 'two aud keys, this API then another (last wins: another)',
    status: 401,
    code: 'TW_WRONG_AUDIENCE',
    build: bearerOf((fx) =>
      fx.jws({ rawPayload: rawClaims(fx, 'aud', `"${AUDIENCE}","aud":"https://other-api.test"`) }),
    ),
  },
  {
    name: 'two aud keys, another then this API (last wins: this API, issuer-signed)',
    status: 200,
    code: null,
    build: bearerOf((fx) =>
      fx.jws({ rawPayload: rawClaims(fx, 'aud', `"https://other-api.test","aud":"${AUDIENCE}"`) }),
    ),
  },
  {
    name: 'two alg keys, RS256 then none (last wins: none)',
    status: 401,
    code: 'TW_ALG_NOT_ALLOWED',
    build: bearerOf((fx) =>
      fx.jws({ rawHeader: '{"alg":"RS256","typ":"JWT","kid":"rsa-1","alg":"none"}', signature: '' }),
    ),
  },
  {
    name: 'two alg keys, RS256 then HS256 (last wins: HS256)',
    status: 401,
    code: 'TW_ALG_NOT_ALLOWED',
    build: bearerOf((fx) => fx.jws({ rawHeader: '{"alg":"RS256","kid":"rsa-1","alg":"HS256"}' })),
  },
  {
    name: 'two alg keys, none then RS256 (last wins: RS256, issuer-signed)',
    status: 200,
    code: null,
    build: bearerOf((fx) => fx.jws({ rawHeader: '{"alg":"none","typ":"JWT","kid":"rsa-1","alg":"RS256"}' })),
  },
  {
    name: 'two iss keys, the issuer then the attacker (last wins: attacker)',
    status: 401,
    code: 'TW_WRONG_ISSUER',
    build: bearerOf((fx) =>
      fx.jws({ rawPayload: rawClaims(fx, 'iss', `"${ISSUER}","iss":"https://evil.test/"`) }),
    ),
  },
  {
    name: 'two exp keys, future then past (last wins: past)',
    status: 401,
    code: 'TW_EXPIRED',
    build: bearerOf((fx) =>
      fx.jws({ rawPayload: rawClaims(fx, 'exp', `${NOW_S + 600},"exp":${NOW_S - 600}`) }),
    ),
  },
]

/** Inserts `text` into part `index` (0 header, 1 payload, 2 signature) of a good token. */
function tamper(index: 0 | 1 | 2, edit: (part: string) => string) {
  return bearerOf(async (fx) => {
    const parts = (await fx.access()).split('.')
    parts[index] = edit(parts[index] as string)
    return parts.join('.')
  })
}

const base64: AttackCase[] = [
  {
    name: 'a "+" in the payload part',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: tamper(1, (part) => `${part.slice(0, 8)}+${part.slice(8)}`),
  },
  {
    name: 'a "/" in the header part',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: tamper(0, (part) => `${part.slice(0, 8)}/${part.slice(8)}`),
  },
  {
    name: 'signature in standard base64 with "=" padding',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ signature: (sig) => Buffer.from(sig).toString('base64') + '==' })),
  },
  {
    // token68 allows "=" only at the very end: this is no bearer credential at all.
    name: 'header part padded with "==" (not token68)',
    status: 400,
    code: 'TW_INVALID_REQUEST',
    build: tamper(0, (part) => `${part}==`),
  },
  {
    name: 'a space inside the token',
    status: 400,
    code: 'TW_INVALID_REQUEST',
    build: tamper(1, (part) => `${part.slice(0, 8)} ${part.slice(8)}`),
  },
  {
    name: 'a "~" in the payload part (token68, not base64url)',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: tamper(1, (part) => `${part.slice(0, 8)}~${part.slice(8)}`),
  },
  {
    name: 'header part of 5 characters (no base64url length)',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: tamper(0, () => 'eyJhb'),
  },
]

const oversized: AttackCase[] = [
  {
    name: 'control: a good token of exactly maxTokenLength (8192) characters is accepted',
    status: 200,
    code: null,
    build: bearerOf((fx) => tokenOfLength(fx, 8192)),
  },
  {
    name: 'a good token of maxTokenLength + 1 (8193) characters',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => tokenOfLength(fx, 8193)),
  },
  {
    name: 'a 100 KB signed token',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ claims: { pad: 'x'.repeat(100 * 1024) } })),
  },
  {
    name: 'a JWT header part alone longer than maxTokenLength',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: bearerOf((fx) => fx.jws({ header: { x: 'x'.repeat(9000) } })),
  },
  {
    name: 'a 100 KB token68 that is not a JWT (length checked before shape)',
    status: 401,
    code: 'TW_MALFORMED_TOKEN',
    build: () => bearer('a'.repeat(100 * 1024)),
  },
  {
    name: 'a 100 KB Authorization header of another scheme',
    status: 401,
    code: 'TW_MISSING_TOKEN',
    build: () => ({ authorization: `Basic ${'A'.repeat(100 * 1024)}` }),
  },
]

const extraction: AttackCase[] = [
  {
    name: 'two Authorization headers, both Bearer with a good token',
    status: 400,
    code: 'TW_INVALID_REQUEST',
    build: async (fx) => {
      const token = await fx.access()
      return { authorization: [`Bearer ${token}`, `Bearer ${token}`] }
    },
  },
  {
    name: 'two Authorization headers, Bearer then Basic',
    status: 400,
    code: 'TW_INVALID_REQUEST',
    build: async (fx) => ({ authorization: [`Bearer ${await fx.access()}`, 'Basic dXNlcjpwYXNz'] }),
  },
  {
    name: 'two Authorization headers, Basic then Bearer',
    status: 400,
    code: 'TW_INVALID_REQUEST',
    build: async (fx) => ({ authorization: ['Basic dXNlcjpwYXNz', `Bearer ${await fx.access()}`] }),
  },
  {
    name: 'two Authorization headers, a bad token then a good one',
    status: 400,
    code: 'TW_INVALID_REQUEST',
    build: async (fx) => ({ authorization: ['Bearer x.y.z', `Bearer ${await fx.access()}`] }),
  },
  {
    name: 'Bearer and Basic in one header (a credentials list)',
    status: 400,
    code: 'TW_INVALID_REQUEST',
    build: async (fx) => ({ authorization: `Bearer ${await fx.access()}, Basic dXNlcjpwYXNz` }),
  },
  {
    name: 'Basic then Bearer in one header',
    status: 400,
    code: 'TW_INVALID_REQUEST',
    build: async (fx) => ({ authorization: `Basic dXNlcjpwYXNz, Bearer ${await fx.access()}` }),
  },
  {
    name: 'two bearer tokens in one header',
    status: 400,
    code: 'TW_INVALID_REQUEST',
    build: async (fx) => ({ authorization: `Bearer ${await fx.access()} ${await fx.access()}` }),
  },
  {
    name: 'Bearer followed by a tab (RFC 6750 wants 1*SP)',
    status: 400,
    code: 'TW_INVALID_REQUEST',
    build: async (fx) => ({ authorization: `Bearer\t${await fx.access()}` }),
  },
  {
    name: 'empty bearer token ("Bearer ")',
    status: 400,
    code: 'TW_INVALID_REQUEST',
    build: () => ({ authorization: 'Bearer ' }),
  },
  {
    name: 'Bearer with a quoted token',
    status: 400,
    code: 'TW_INVALID_REQUEST',
    build: async (fx) => ({ authorization: `Bearer "${await fx.access()}"` }),
  },
  {
    name: 'Basic credentials only',
    status: 401,
    code: 'TW_MISSING_TOKEN',
    build: () => ({ authorization: 'Basic dXNlcjpwYXNz' }),
  },
  {
    name: 'Digest credentials only',
    status: 401,
    code: 'TW_MISSING_TOKEN',
    build: () => ({
      authorization: 'Digest username="u", realm="api", nonce="n", uri="/me", response="r"',
    }),
  },
  {
    name: 'a good token under the DPoP scheme (sender-constrained tokens are not supported)',
    status: 401,
    code: 'TW_MISSING_TOKEN',
    build: async (fx) => ({ authorization: `DPoP ${await fx.access()}` }),
  },
  {
    // "Bearer:" is no scheme name (":" is not a tchar): credentials of no known scheme.
    name: 'a good token after "Bearer:"',
    status: 401,
    code: 'TW_MISSING_TOKEN',
    build: async (fx) => ({ authorization: `Bearer:${await fx.access()}` }),
  },
  {
    name: 'a good token after "Bearer: " (colon and space)',
    status: 401,
    code: 'TW_MISSING_TOKEN',
    build: async (fx) => ({ authorization: `Bearer: ${await fx.access()}` }),
  },
  {
    name: 'a good token glued to the scheme ("BearereyJ…")',
    status: 401,
    code: 'TW_MISSING_TOKEN',
    build: async (fx) => ({ authorization: `Bearer${await fx.access()}` }),
  },
  {
    name: 'a good token under the scheme "Token"',
    status: 401,
    code: 'TW_MISSING_TOKEN',
    build: async (fx) => ({ authorization: `Token ${await fx.access()}` }),
  },
  {
    name: 'a bare good token, no scheme',
    status: 401,
    code: 'TW_MISSING_TOKEN',
    build: async (fx) => ({ authorization: await fx.access() }),
  },
  {
    name: 'an empty Authorization header',
    status: 401,
    code: 'TW_MISSING_TOKEN',
    build: () => ({ authorization: '' }),
  },
  {
    name: 'control: lower-case "bearer" scheme is accepted',
    status: 200,
    code: null,
    build: async (fx) => ({ authorization: `bearer ${await fx.access()}` }),
  },
  {
    name: 'control: "BEARER" and two spaces (1*SP) are accepted',
    status: 200,
    code: null,
    build: async (fx) => ({ authorization: `BEARER  ${await fx.access()}` }),
  },
  {
    name: 'a good token only in the query string (?access_token=)',
    status: 401,
    code: 'TW_MISSING_TOKEN',
    build: async (fx) => ({ path: `/me?access_token=${await fx.access()}` }),
  },
  {
    name: 'a good token only in a form body (access_token=)',
    status: 401,
    code: 'TW_MISSING_TOKEN',
    build: async (fx) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `access_token=${await fx.access()}`,
    }),
  },
  {
    name: 'a good token only in a JSON body',
    status: 401,
    code: 'TW_MISSING_TOKEN',
    build: async (fx) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: await fx.access() }),
    }),
  },
  {
    name: 'a good token only in a cookie',
    status: 401,
    code: 'TW_MISSING_TOKEN',
    build: async (fx) => ({ headers: { cookie: `access_token=${await fx.access()}` } }),
  },
  {
    name: 'a good token only in an X-Access-Token header',
    status: 401,
    code: 'TW_MISSING_TOKEN',
    build: async (fx) => ({ headers: { 'x-access-token': await fx.access() } }),
  },
]

/** Every case, grouped by attack family. */
export const corpus: readonly AttackCase[] = Object.freeze([
  ...algNone,
  ...keyConfusion,
  ...signatures,
  ...keySubstitution,
  ...headerInjection,
  ...kidInjection,
  ...crit,
  ...shapes,
  ...tokenKinds,
  ...issuerAudience,
  ...times,
  ...duplicates,
  ...base64,
  ...oversized,
  ...extraction,
])

/**
 * Reading the `Authorization` header from a Node.js request.
 *
 * Node keeps only the first of duplicated `Authorization` headers in
 * `req.headers`; `rawHeaders` still has all of them. A request that sent two
 * must be refused (400), so adapters read the header through this function.
 */

/** The parts of a Node.js `IncomingMessage` (or a look-alike) that are read. */
export interface NodeRequestHeaders {
  readonly headers: { readonly authorization?: string | readonly string[] | undefined }
  readonly rawHeaders?: readonly string[]
}

/**
 * The request's `Authorization` value, or every value (an array) when the
 * header was sent more than once. `undefined` when absent.
 */
export function readAuthorization(request: NodeRequestHeaders): string | readonly string[] | undefined {
  const value = request.headers.authorization
  const raw = request.rawHeaders
  if (value === undefined || typeof value !== 'string' || raw === undefined) return value
  const values: string[] = []
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string
    if (name.length === 13 && name.toLowerCase() === 'authorization') values.push(raw[i + 1] as string)
  }
  return values.length > 1 ? values : value
}

// A raw HTTP/1.1 client: the request is written byte for byte, so that
// duplicated or odd headers reach the server exactly as a hostile client sends them.
import { connect } from 'node:net'

export interface RawResponse {
  readonly status: number
  /** Header names lower-cased; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export async function rawRequest(
  port: number,
  {
    method = 'GET',
    path,
    headers = [],
    body,
  }: { method?: string; path: string; headers?: [string, string][]; body?: string },
): Promise<RawResponse> {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close']
  for (const [name, value] of headers) lines.push(`${name}: ${value}`)
  if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`)
  const text = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    socket.on('error', reject)
    socket.write(`${lines.join('\r\n')}\r\n\r\n${body ?? ''}`)
  })
  const [head = '', ...rest] = text.split('\r\n\r\n')
  const [statusLine = '', ...headerLines] = head.split('\r\n')
  const headersOut: Record<string, string> = {}
  for (const line of headerLines) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).toLowerCase()
    const value = line.slice(colon + 1).trim()
    headersOut[name] = name in headersOut ? `${headersOut[name]}, ${value}` : value
  }
  let payload = rest.join('\r\n\r\n')
  if (headersOut['transfer-encoding'] === 'chunked') payload = dechunk(payload)
  return { status: Number(statusLine.split(' ')[1]), headers: headersOut, body: payload }
}

function dechunk(text: string): string {
  let out = ''
  let rest = text
  for (;;) {
    const eol = rest.indexOf('\r\n')
    const size = parseInt(rest.slice(0, eol), 16)
    if (!(size > 0)) return out
    out += rest.slice(eol + 2, eol + 2 + size)
    rest = rest.slice(eol + 2 + size + 2)
  }
}

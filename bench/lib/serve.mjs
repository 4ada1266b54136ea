// Shared by the server processes in bench/servers/: configuration from the
// parent and the "I'm listening on port N" handshake.
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

/** Parent's config (bench/keys.mjs setupBench) plus this contender's env switches. */
export function loadConfig() {
  const path = process.env.BENCH_CONFIG
  if (!path) throw new Error('BENCH_CONFIG is not set (start servers through bench/run.mjs)')
  const config = JSON.parse(readFileSync(path, 'utf8'))
  const alg = process.env.BENCH_ALG ?? 'ES256'
  const cache = (process.env.BENCH_CACHE ?? 'on') === 'on'
  return { ...config, alg, cache }
}

/** Tell the parent our port: an IPC message when forked, else a stdout line. */
export function announce(port) {
  if (process.send) {
    process.send({ port })
    process.on('disconnect', () => process.exit(0))
  } else {
    console.log(`listening on http://127.0.0.1:${port}/me`)
  }
}

/** Start a Fastify app on 127.0.0.1:0 and announce it. */
export async function listenFastify(app) {
  await app.listen({ host: '127.0.0.1', port: 0 })
  announce(app.server.address().port)
}

/** Start an Express app on 127.0.0.1:0 and announce it. */
export function listenExpress(app) {
  const server = app.listen(0, '127.0.0.1', (err) => {
    if (err) throw err
    announce(server.address().port)
  })
}

/** True when the module at `url` is the script node was started with. */
export function isMain(url) {
  return process.argv[1] !== undefined && url === pathToFileURL(process.argv[1]).href
}

// Start a bench server in its own process and wait for its port.
import { fork } from 'node:child_process'

const START_TIMEOUT_MS = 15000

/**
 * Resolves { port, url, child, stop } once the server announces its port;
 * rejects with the server's own error output if it exits or stays silent.
 */
export function startServer(file, env = {}) {
  return new Promise((resolve, reject) => {
    const child = fork(file, [], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    })
    let output = ''
    const collect = (chunk) => {
      output = (output + chunk).slice(-4000)
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)

    const fail = (why) => {
      clearTimeout(timer)
      child.kill()
      reject(new Error(`${why}${output ? `: ${summarize(output)}` : ''}`))
    }
    const timer = setTimeout(() => fail(`no port after ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS)
    child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`}) before listening`))
    child.once('error', (err) => fail(err.message))
    child.once('message', ({ port }) => {
      clearTimeout(timer)
      child.removeAllListeners('exit')
      resolve({ port, url: `http://127.0.0.1:${port}/me`, child, stop: () => stop(child) })
    })
  })
}

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', resolve)
    child.kill()
  })
}

/** The most telling line of a crash log: the first "Error"/"error" line, else the first line. */
function summarize(output) {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  return (lines.find((l) => /error/i.test(l)) ?? lines[0] ?? '').slice(0, 300)
}

/** Run a bench script (cold-start.mjs, memory.mjs) in its own process; resolves with the object it sends. */
export function runScript(file, { args = [], execArgv = [] } = {}) {
  return new Promise((resolve) => {
    const child = fork(file, args, { execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] })
    let output = ''
    let result
    child.stderr.on('data', (chunk) => {
      output = (output + chunk).slice(-4000)
      process.stderr.write(chunk)
    })
    child.on('message', (message) => {
      result = message
    })
    child.on('exit', (code, signal) => {
      resolve(
        result ?? {
          skipped: `${file.split('/').pop()} exited (${signal ?? `code ${code}`}) without a result${output ? `: ${summarize(output)}` : ''}`,
        },
      )
    })
  })
}

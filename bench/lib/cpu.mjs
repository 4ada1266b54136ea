// CPU accounting from /proc (Linux; elsewhere every figure is null): how much
// CPU the measured server used, and how much went to processes other than
// ours (steal time counts as theirs) while we measured.
import { readFileSync } from 'node:fs'

const TICK_SECONDS = 0.01 // USER_HZ is 100 on Linux

function machineTicks() {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number)
  const busy = user + nice + system + irq + softirq + steal
  return { busy, total: busy + idle + iowait }
}

function processTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ') // fields[0] is field 3 (state)
  return Number(fields[11]) + Number(fields[12]) // utime + stime
}

/**
 * Start metering. The returned function gives `other` (share 0–1 of all CPUs
 * used by processes other than the runner and the server) and `serverSeconds`
 * (CPU time the server used).
 */
export function cpuMeter(serverPid) {
  const none = () => ({ other: null, serverSeconds: null })
  try {
    const snapshot = () => ({
      machine: machineTicks(),
      runner: processTicks(process.pid),
      server: serverPid ? processTicks(serverPid) : 0,
    })
    const start = snapshot()
    return () => {
      try {
        const end = snapshot()
        const total = end.machine.total - start.machine.total
        const server = end.server - start.server
        const ours = end.runner - start.runner + server
        const other = total > 0 ? Math.max(0, end.machine.busy - start.machine.busy - ours) / total : null
        return { other, serverSeconds: serverPid ? server * TICK_SECONDS : null }
      } catch {
        return none() // the server has gone away
      }
    }
  } catch {
    return none
  }
}

// How much CPU did processes other than ours use while we measured? Read from
// /proc (Linux); elsewhere the meter reports null. Steal time counts as theirs.
import { readFileSync } from 'node:fs'

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

/** Start metering; the returned function gives the share (0–1) of all CPUs used by others since. */
export function otherCpu(pids) {
  try {
    const own = () => pids.reduce((sum, pid) => sum + processTicks(pid), 0)
    const start = machineTicks()
    const startOwn = own()
    return () => {
      try {
        const end = machineTicks()
        const total = end.total - start.total
        return total > 0 ? Math.max(0, end.busy - start.busy - (own() - startOwn)) / total : null
      } catch {
        return null // a process of ours has gone away
      }
    }
  } catch {
    return () => null
  }
}

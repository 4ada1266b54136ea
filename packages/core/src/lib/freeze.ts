/**
 * Immutability for what the cache hands to every request with the same token:
 * a handler that mutates its principal must not change the next request's.
 */

/** A `Set` whose content is fixed at construction: `add`, `delete` and `clear` throw. */
export class FrozenSet<T> extends Set<T> {
  constructor(values: Iterable<T>) {
    super()
    for (const value of values) super.add(value)
    Object.freeze(this)
  }

  override add(): this {
    throw new TypeError('the scopes of a principal cannot be changed')
  }

  override delete(): boolean {
    throw new TypeError('the scopes of a principal cannot be changed')
  }

  override clear(): void {
    throw new TypeError('the scopes of a principal cannot be changed')
  }
}

/** Freezes a JSON value and everything it holds. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const member of Object.values(value)) deepFreeze(member)
  }
  return value
}

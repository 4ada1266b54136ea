/** `true` when A and B are the same type (not merely assignable), as in panva/jose's type tests. */
export type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false

/** Compiles only when given `true`. */
export function expectType<T extends true>(): T | void {}

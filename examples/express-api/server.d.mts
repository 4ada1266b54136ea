import type { Express } from 'express'
import type { TokenwardLogger } from '@tokenward/express'

/** What {@link createApp} is configured with. */
export interface ExampleOptions {
  issuer: string | readonly string[]
  audience: string | readonly string[]
  /** Skip discovery. */
  jwksUri?: string | undefined
  /** A pino-compatible logger for tokenward's lines. */
  logger?: TokenwardLogger | undefined
}

/** The Express app, with the keys' pre-fetch and shutdown of its verifiers. */
export interface ExampleApp extends Express {
  /** Fetches the issuer's keys; rejects with `TW_KEYS_UNAVAILABLE` when they cannot be had. */
  ready(): Promise<void>
  /** Stops the verifiers (aborts key fetches in flight). */
  close(): void
}

/** Builds the example API. */
export function createApp(options: ExampleOptions): ExampleApp

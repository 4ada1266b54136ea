import type { FastifyInstance } from 'fastify'
import type { TokenwardFastifyOptions } from '@tokenward/fastify'

/** What {@link createApp} is configured with: tokenward's options, plus Fastify's logger. */
export type ExampleOptions = TokenwardFastifyOptions & {
  /** `true` logs with the Authorization header redacted; an object is Fastify's logger option. */
  logger?: boolean | object
}

/** Builds the example API (not yet listening). */
export function createApp(options: ExampleOptions): Promise<FastifyInstance>

import type { Context } from '@temporalio/activity';

/**
 * How an activity reports progress: `context.heartbeat` for an ordinary activity, nothing for a local one (or
 * outside an activity). The server does not track local activities, so their heartbeats only fail, with a core
 * warning each.
 */
export function heartbeatFor(context: Context | undefined): (details?: unknown) => void {
  if (!context || context.info.isLocal) return () => undefined;
  return (details) => context.heartbeat(details);
}

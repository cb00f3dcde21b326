/** The Temporal client, built once from config. Lazy, so the API starts (and answers 503) while Temporal is down. */
import { Client, Connection } from '@temporalio/client';
import type { TradeflowConfig } from '../config';
import { temporalConnectionOptions } from './connection-options';

export interface TemporalClients {
  client: Client;
  connection: Connection;
  taskQueue: string;
  namespace: string;
  uiUrl: string;
  close(): Promise<void>;
}

/** `apiKey`: TEMPORAL_API_KEY from the secrets provider (Temporal Cloud API-key auth), if any. */
export function createTemporalClients(config: TradeflowConfig, apiKey?: string): TemporalClients {
  const connection = Connection.lazy({
    ...temporalConnectionOptions(config.temporal, apiKey),
    connectTimeout: 3000,
  });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  return {
    client,
    connection,
    taskQueue: config.temporal.taskQueue,
    namespace: config.temporal.namespace,
    uiUrl: config.temporal.uiUrl,
    close: () => connection.close(),
  };
}

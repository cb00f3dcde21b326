/**
 * Connection settings shared by the API's client and the worker's native connection: plain TCP to a dev server,
 * mTLS with a client certificate (self-hosted with TLS, or Temporal Cloud), or TLS plus an API key (Temporal Cloud).
 * Certificate files are read once, here; a missing file fails with the variable that named it.
 */
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { TemporalTlsSettings } from '../config';

export interface TemporalConnectionSettings {
  address: string;
  namespace: string;
  tls: TemporalTlsSettings;
}

export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig | false;
  apiKey?: string;
  metadata?: Record<string, string>;
}

export class TemporalConnectionConfigError extends Error {
  override readonly name = 'TemporalConnectionConfigError';
}

function readPem(file: string, variable: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TemporalConnectionConfigError(`${variable}: cannot read ${file} (${reason})`);
  }
}

export function temporalConnectionOptions(
  settings: TemporalConnectionSettings,
  apiKey?: string,
): TemporalConnectionOptions {
  const { tls } = settings;
  const options: TemporalConnectionOptions = { address: settings.address };
  const useTls = tls.enabled ?? (tls.certPath !== undefined || Boolean(apiKey));
  if (useTls) {
    const config: TLSConfig = {};
    if (tls.serverName) config.serverNameOverride = tls.serverName;
    if (tls.caPath) config.serverRootCACertificate = readPem(tls.caPath, 'TEMPORAL_TLS_CA_PATH');
    if (tls.certPath && tls.keyPath) {
      config.clientCertPair = {
        crt: readPem(tls.certPath, 'TEMPORAL_TLS_CERT_PATH'),
        key: readPem(tls.keyPath, 'TEMPORAL_TLS_KEY_PATH'),
      };
    }
    options.tls = config;
  }
  if (apiKey) {
    // The SDK turns TLS on by itself when an API key is given; TEMPORAL_TLS=false must still mean plain text.
    if (!useTls) options.tls = false;
    options.apiKey = apiKey;
    // Temporal Cloud's regional endpoints route API-key calls by this header; other servers ignore it.
    options.metadata = { 'temporal-namespace': settings.namespace };
  }
  return options;
}

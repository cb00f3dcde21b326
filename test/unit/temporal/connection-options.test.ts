/** How TEMPORAL_* settings become connection options: plain, mTLS, server TLS with an API key, and bad settings. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TLSConfig } from '@temporalio/client';
import { ConfigError, loadConfig } from '../../../src/config';
import {
  TemporalConnectionConfigError,
  temporalConnectionOptions,
} from '../../../src/temporal/connection-options';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tradeflow-tls-'));
const certPath = path.join(dir, 'client.pem');
const keyPath = path.join(dir, 'client.key');
const caPath = path.join(dir, 'ca.pem');
writeFileSync(certPath, '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n');
writeFileSync(keyPath, 'test-client-key (not a real key)\n');
writeFileSync(caPath, '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n');

describe('temporalConnectionOptions', () => {
  it('connects in plain text to a dev server by default', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'localhost:7233' });
    expect(config.temporal.tls.enabled).toBeUndefined();
    expect(temporalConnectionOptions(config.temporal)).toEqual({ address: 'localhost:7233' });
    // The SDK would turn TLS on for an API key by itself; TEMPORAL_TLS=false keeps the connection plain.
    const plain = loadConfig({ TEMPORAL_TLS: 'false' });
    expect(temporalConnectionOptions(plain.temporal, 'key').tls).toBe(false);
  });

  it('uses mTLS with the client pair, CA and server name when a certificate is configured', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'tradeflow.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'tradeflow.a1b2c',
      TEMPORAL_TLS_CERT_PATH: certPath,
      TEMPORAL_TLS_KEY_PATH: keyPath,
      TEMPORAL_TLS_CA_PATH: caPath,
      TEMPORAL_TLS_SERVER_NAME: 'frontend.internal',
    });
    const options = temporalConnectionOptions(config.temporal);
    expect(Buffer.from((options.tls as TLSConfig).clientCertPair!.crt).toString()).toContain('client');
    expect(Buffer.from((options.tls as TLSConfig).clientCertPair!.key).toString()).toContain(
      'test-client-key',
    );
    expect(Buffer.from((options.tls as TLSConfig).serverRootCACertificate!).toString()).toContain('ca');
    expect((options.tls as TLSConfig).serverNameOverride).toBe('frontend.internal');
    expect(options.apiKey).toBeUndefined();
  });

  it('sends an API key over server-authenticated TLS with the namespace header (Temporal Cloud API keys)', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'tradeflow.a1b2c',
    });
    const options = temporalConnectionOptions(config.temporal, 'cloud-api-key');
    expect(options.tls).toEqual({});
    expect(options.apiKey).toBe('cloud-api-key');
    expect(options.metadata).toEqual({ 'temporal-namespace': 'tradeflow.a1b2c' });
  });

  it('names the variable whose file cannot be read', () => {
    const config = loadConfig({
      TEMPORAL_TLS_CERT_PATH: path.join(dir, 'missing.pem'),
      TEMPORAL_TLS_KEY_PATH: keyPath,
    });
    expect(() => temporalConnectionOptions(config.temporal)).toThrow(TemporalConnectionConfigError);
    expect(() => temporalConnectionOptions(config.temporal)).toThrow(/TEMPORAL_TLS_CERT_PATH: cannot read/);
  });

  it('rejects a certificate without its key, and a certificate with TLS turned off', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT_PATH: certPath })).toThrow(ConfigError);
    expect(() => loadConfig({ TEMPORAL_TLS_CERT_PATH: certPath })).toThrow(
      /TEMPORAL_TLS_KEY_PATH: mTLS needs both/,
    );
    expect(() =>
      loadConfig({ TEMPORAL_TLS_CERT_PATH: certPath, TEMPORAL_TLS_KEY_PATH: keyPath, TEMPORAL_TLS: 'false' }),
    ).toThrow(/TEMPORAL_TLS: is false but TEMPORAL_TLS_CERT_PATH is set/);
    expect(() => loadConfig({ WORKER_HEALTH_PORT: '70000' })).toThrow(/WORKER_HEALTH_PORT/);
  });
});

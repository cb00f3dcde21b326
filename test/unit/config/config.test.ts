import { readFileSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { ConfigError, loadConfig } from '../../../src/config';
import { assertSupportedNode } from '../../../src/runtime-check';

describe('loadConfig', () => {
  it('gives the documented defaults', () => {
    const config = loadConfig({}, '/srv/tradeflow');
    expect(config.api.port).toBe(3000);
    expect(config.temporal.address).toBe('localhost:7233');
    expect(config.temporal.namespace).toBe('default');
    expect(config.devServer.uiPort).toBe(8233);
    expect(config.store.dbPath).toBe('/srv/tradeflow/data/tradeflow.db');
    expect(config.marketData.defaultProvider).toBe('synthetic');
    expect(config.api.trustProxy).toBe(false);
  });

  it('parses numbers and booleans for real (the string "false" is false)', () => {
    const config = loadConfig({
      API_PORT: '8080',
      API_TRUST_PROXY: 'false',
      WORKER_MAX_CACHED_WORKFLOWS: '7',
    });
    expect(config.api.port).toBe(8080);
    expect(config.api.trustProxy).toBe(false);
    expect(loadConfig({ API_TRUST_PROXY: '1' }).api.trustProxy).toBe(1);
    expect(config.worker.maxCachedWorkflows).toBe(7);
    expect(config.worker.nice).toBe(0);
    expect(loadConfig({ WORKER_NICE: '10' }).worker.nice).toBe(10);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ API_PORT: '' }).api.port).toBe(3000);
  });

  it.each([
    ['API_PORT', 'abc'],
    ['API_PORT', '70000'],
    ['API_TRUST_PROXY', 'maybe'],
    ['TRADEFLOW_DEFAULT_PROVIDER', 'bloomberg'],
    ['WORKER_MAX_CONCURRENT_ACTIVITIES', '0'],
    ['WORKER_NICE', '20'],
    ['WORKER_NICE', '-5'],
  ])('fails fast naming %s when it is %p', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it('parses provider fallback chains and names a malformed one', () => {
    expect(
      loadConfig({ TRADEFLOW_PROVIDER_FALLBACKS: 'yahoo:csv,synthetic;csv:synthetic' }).marketData.fallbacks,
    ).toEqual({
      yahoo: ['csv', 'synthetic'],
      csv: ['synthetic'],
    });
    expect(() => loadConfig({ TRADEFLOW_PROVIDER_FALLBACKS: 'yahoo:bloomberg' })).toThrow(
      /TRADEFLOW_PROVIDER_FALLBACKS/,
    );
    expect(() => loadConfig({ TRADEFLOW_YAHOO_MAX_RPS: '0' })).toThrow(/TRADEFLOW_YAHOO_MAX_RPS/);
  });

  it('.env.example lists every variable and parses to a valid config', () => {
    const example = readFileSync(path.join(__dirname, '../../../.env.example'), 'utf8');
    const parsed = dotenv.parse(example);
    const source = readFileSync(path.join(__dirname, '../../../src/config.ts'), 'utf8');
    const declared = [...source.matchAll(/^\s{2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
    expect(declared.length).toBeGreaterThan(20);
    for (const name of declared) expect(Object.keys(parsed)).toContain(name);
    const config = loadConfig(parsed);
    expect(config.schedule.cron).toBe('30 17 * * MON-FRI');
    expect(config.api.port).toBe(3000);
  });
});

describe('assertSupportedNode', () => {
  it('rejects Node 20 naming the required version', () => {
    expect(() => assertSupportedNode('20.20.2')).toThrow(/>= 22\.18/);
    expect(() => assertSupportedNode('22.17.0')).toThrow(/22\.17\.0/);
  });
  it('accepts 22.18 and 24', () => {
    expect(() => assertSupportedNode('22.18.0')).not.toThrow();
    expect(() => assertSupportedNode('24.21.0')).not.toThrow();
  });
  it('runs the test suite itself on the pinned Node 24', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });
});

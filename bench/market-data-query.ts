/**
 * `npm run bench:market-data -- [--symbols 500] [--years 10] [--database-url postgres://…]`
 *
 * Loads `symbols × years` of synthetic daily bars into a fresh store (SQLite by default, PostgreSQL with
 * --database-url), then times the query behind `GET /market-data/:symbol?from&to` — one symbol, one year — over
 * many random symbols, and prints load time and query latency percentiles.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { createSyntheticProvider } from '../src/market-data/providers/synthetic';
import { sessionsBack } from '../src/market-data/sessions';
import { openStores, type Stores } from '../src/store';
import { openPgStores } from '../src/store/postgres/pg-stores';

const positiveInt = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`${flag} must be a positive whole number`);
  return n;
};

async function main(): Promise<void> {
  const opts = new Command('bench:market-data')
    .option('--symbols <n>', 'symbols to load', positiveInt('--symbols'), 500)
    .option('--years <n>', 'years of daily bars per symbol', positiveInt('--years'), 10)
    .option('--queries <n>', 'queries to time', positiveInt('--queries'), 500)
    .option('--database-url <url>', 'PostgreSQL instead of a temporary SQLite file')
    .parse(process.argv)
    .opts<{ symbols: number; years: number; queries: number; databaseUrl?: string }>();

  const stores: Stores = opts.databaseUrl
    ? await openPgStores(opts.databaseUrl)
    : openStores(path.join(mkdtempSync(path.join(os.tmpdir(), 'tradeflow-bench-md-')), 'bars.db'));
  const to = '2026-10-30';
  const from = sessionsBack(to, opts.years * 252);
  const provider = createSyntheticProvider({ seed: 11 });
  const symbols = Array.from({ length: opts.symbols }, (_, i) => `S${String(i).padStart(4, '0')}`);

  const loadStart = performance.now();
  let rows = 0;
  for (const symbol of symbols) {
    const bars = await provider.fetchBars({ symbol, interval: '1d', from, to });
    rows += (await stores.bars.upsertBars(bars)).inserted;
  }
  const loadSeconds = (performance.now() - loadStart) / 1000;

  const latencies: number[] = [];
  for (let i = 0; i < opts.queries; i += 1) {
    const symbol = symbols[(i * 7919) % symbols.length];
    const start = performance.now();
    const bars = await stores.bars.getBars({ symbol, from: '2025-10-30', to });
    latencies.push(performance.now() - start);
    if (bars.length < 240) throw new Error(`expected a year of bars for ${symbol}, got ${bars.length}`);
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)].toFixed(2);
  console.log(
    [
      `store: ${opts.databaseUrl ? 'postgresql' : 'sqlite'}; ${rows.toLocaleString('en-US')} bars (${opts.symbols} symbols x ${from}..${to}) loaded in ${loadSeconds.toFixed(1)} s`,
      `one-year range query (${opts.queries} queries): p50 ${pct(50)} ms  p95 ${pct(95)} ms  p99 ${pct(99)} ms`,
    ].join('\n'),
  );
  await stores.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

/**
 * Seeded intraday quotes for offline runs: the synthetic provider's previous close, moved by a random walk whose
 * steps are keyed on (seed, symbol, second), so the same instant always gives the same price.
 */
import { createSyntheticProvider } from '../providers/synthetic';
import { previousSession } from '../sessions';
import type { Quote, QuoteProvider } from './quote';

const SECONDS_PER_DAY = 86_400;
/** Intraday volatility per second that gives roughly a 20 % annual volatility over a 6.5-hour session. */
const SIGMA_PER_SECOND = 0.2 / Math.sqrt(252 * 6.5 * 3600);

export function createSyntheticQuoteProvider(options: { seed?: number } = {}): QuoteProvider {
  const seed = options.seed ?? 42;
  const daily = createSyntheticProvider({ seed });
  return {
    name: 'synthetic',
    async fetchQuotes(symbols, at) {
      const instant = Date.parse(at);
      if (Number.isNaN(instant)) throw new RangeError(`fetchQuotes: "${at}" is not an ISO instant`);
      const day = at.slice(0, 10);
      const prior = previousSession(day);
      const quotes: Quote[] = [];
      for (const symbol of symbols) {
        const [bar] = await daily.fetchBars({ symbol, interval: '1d', from: prior, to: prior });
        const secondOfDay = Math.floor(instant / 1000) % SECONDS_PER_DAY;
        // A walk sampled every second would be slow to sum; a Brownian bridge-free shortcut: the value at second s is
        // close · exp(σ·√s·z) with z keyed on (seed, symbol, day, s) — consistent per instant, which is what we need.
        const z = keyedNormal(`${seed}|${symbol}|${day}|${secondOfDay}`);
        const price = bar.close * Math.exp(SIGMA_PER_SECOND * Math.sqrt(secondOfDay + 1) * z);
        quotes.push({
          symbol,
          timestamp: new Date(instant).toISOString(),
          price: Math.round(price * 1e4) / 1e4,
          source: 'synthetic',
        });
      }
      return quotes;
    },
  };
}

/** A standard normal from a string key (FNV-1a hashes → two uniforms → Box–Muller). */
function keyedNormal(key: string): number {
  const u1 = (hash(key, 0x811c9dc5) + 0.5) / 4294967296;
  const u2 = (hash(key, 0x01000193) + 0.5) / 4294967296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function hash(text: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

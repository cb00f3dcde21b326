/** Intraday quotes keyed on (symbol, timestamp, source): storing the same quote twice keeps one row. */
import type { ProviderName } from '../market-data/bar';
import type { Quote } from '../market-data/quotes/quote';
import { asPromise, inTransaction, type SqliteDatabase } from './sqlite';

export interface QuoteStore {
  /** Stores quotes; returns how many were new. */
  insertQuotes(quotes: readonly Quote[]): Promise<number>;
  getQuotes(query: { symbol: string; from?: string; to?: string; limit?: number }): Promise<Quote[]>;
}

export function createSqliteQuoteStore(db: SqliteDatabase, now: () => Date = () => new Date()): QuoteStore {
  const insert = db.prepare(
    'INSERT INTO quotes (symbol, timestamp, source, price, polled_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const select = db.prepare(`
    SELECT symbol, timestamp, source, price FROM quotes
    WHERE symbol = ? AND timestamp >= ? AND timestamp <= ? ORDER BY timestamp LIMIT ?`);
  return {
    insertQuotes(quotes) {
      const polledAt = now().toISOString();
      return asPromise(() =>
        inTransaction(db, () =>
          quotes.reduce(
            (added, q) =>
              added + Number(insert.run(q.symbol, q.timestamp, q.source, q.price, polledAt).changes),
            0,
          ),
        ),
      );
    },
    getQuotes({ symbol, from = '0000', to = '9999', limit = 10_000 }) {
      return asPromise(() =>
        (
          select.all(symbol, from, to, limit) as {
            symbol: string;
            timestamp: string;
            source: string;
            price: number;
          }[]
        ).map((r) => ({
          symbol: r.symbol,
          timestamp: r.timestamp,
          source: r.source as ProviderName,
          price: r.price,
        })),
      );
    },
  };
}

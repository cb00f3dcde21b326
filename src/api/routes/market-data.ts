/** Stored bars by symbol and date range. */
import { Router } from 'express';
import { z } from 'zod';
import { SYMBOL_PATTERN } from '../../pipeline/input';
import type { BarStore } from '../../store/bar-store';
import { HttpError, parseOr400 } from '../errors';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date in YYYY-MM-DD form');
const marketDataQuery = z
  .object({ from: isoDate.optional(), to: isoDate.optional() })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be before from', path: ['to'] });
const symbolParam = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(SYMBOL_PATTERN, 'must be a ticker symbol such as AAPL'));

export function marketDataRouter(bars: BarStore): Router {
  const router = Router();
  router.get('/market-data/:symbol', async (req, res) => {
    const symbol = parseOr400(symbolParam, req.params.symbol, 'params.symbol');
    const { from, to } = parseOr400(marketDataQuery, req.query, 'query');
    const found = await bars.getBars({ symbol, from, to });
    if (found.length === 0 && (await bars.countBars(symbol)) === 0) {
      throw new HttpError(
        404,
        'symbol_not_found',
        `No bars stored for ${symbol}; run a pipeline that ingests it first`,
      );
    }
    const events = await bars.getEvents({ symbol, from, to });
    res.json({
      symbol,
      interval: '1d',
      from: from ?? null,
      to: to ?? null,
      count: found.length,
      bars: found,
      events,
    });
  });
  return router;
}

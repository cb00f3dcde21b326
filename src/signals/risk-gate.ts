/**
 * The risk gate: would acting on a signal break the book's limits? For each BUY or SELL, the trade it implies
 * (`tradeNotional` of the book's currency bought or sold) is added to today's positions and the risk report is
 * rebuilt on the same prices and limits. The signal is flagged, with the reasons, when the book after the trade has
 * a breach it did not have before (a position, gross, net, concentration, tag or correlation limit, or VaR above
 * `maxVaR`), or makes an existing breach worse. HOLD signals imply no trade and pass.
 *
 * Pure: the same prices, positions, limits and signals always give the same verdicts.
 */
import {
  buildRiskReport,
  type DatedPrice,
  type LimitBreach,
  type Position,
  type RiskLimits,
  type RiskReport,
} from '../risk';
import type { SignalAction } from './decision';

export interface GateSignal {
  symbol: string;
  action: SignalAction;
}

export interface RiskGateInput {
  signals: readonly GateSignal[];
  pricesBySymbol: Record<string, DatedPrice[]>;
  positions: readonly Position[];
  limits: RiskLimits;
  /** Book-currency amount one BUY adds to (one SELL takes from) the symbol's exposure. */
  tradeNotional: number;
  confidence: number;
  horizonDays: number;
  /** The report on today's positions, when already built (saves rebuilding it). */
  current?: RiskReport;
}

export interface GateVerdict {
  symbol: string;
  action: SignalAction;
  /** Signed change of the symbol's exposure the signal implies (0 for HOLD). */
  tradeNotional: number;
  flagged: boolean;
  /** One line per new or worsened breach; empty when the trade passes. */
  reasons: string[];
  /** Historical VaR (currency, at the report horizon) before and after the trade. */
  varBefore: number;
  varAfter: number;
}

/** Paths for the Monte Carlo part of the what-if reports: the gate reads only limits and historical VaR. */
const GATE_MONTE_CARLO_PATHS = 1_000;

export function gateSignals(input: RiskGateInput): GateVerdict[] {
  if (!(input.tradeNotional > 0 && Number.isFinite(input.tradeNotional))) {
    throw new RangeError(`gateSignals: tradeNotional must be a positive amount, got ${input.tradeNotional}`);
  }
  const report = (positions: Position[]) =>
    buildRiskReport({
      pricesBySymbol: input.pricesBySymbol,
      positions,
      limits: input.limits,
      confidence: input.confidence,
      horizonDays: input.horizonDays,
      monteCarlo: { paths: GATE_MONTE_CARLO_PATHS },
    });
  const before = input.current ?? report([...input.positions]);

  return input.signals.map(({ symbol, action }) => {
    const varBefore = before.historical.varAmount;
    if (action === 'HOLD') {
      return {
        symbol,
        action,
        tradeNotional: 0,
        flagged: false,
        reasons: [],
        varBefore,
        varAfter: varBefore,
      };
    }
    const trade = action === 'BUY' ? input.tradeNotional : -input.tradeNotional;
    const tags = [
      ...new Set(input.positions.filter((p) => p.symbol === symbol).flatMap((p) => p.tags ?? [])),
    ];
    const after = report([
      ...input.positions,
      { symbol, marketValue: trade, ...(tags.length > 0 ? { tags } : {}) },
    ]);
    const reasons = breachChanges(before.breaches, after.breaches);
    return {
      symbol,
      action,
      tradeNotional: trade,
      flagged: reasons.length > 0,
      reasons,
      varBefore,
      varAfter: after.historical.varAmount,
    };
  });
}

/** Breaches after the trade that are new, or larger than the same breach before it. */
function breachChanges(before: readonly LimitBreach[], after: readonly LimitBreach[]): string[] {
  const previous = new Map(before.map((breach) => [breachKey(breach), breach]));
  const reasons: string[] = [];
  for (const breach of after) {
    const old = previous.get(breachKey(breach));
    if (!old) reasons.push(`new breach: ${breach.message}`);
    else if (Math.abs(breach.value) > Math.abs(old.value) * (1 + 1e-9)) {
      reasons.push(
        `worse breach (${formatValue(old.value)} → ${formatValue(breach.value)}): ${breach.message}`,
      );
    }
  }
  return reasons;
}

function breachKey(breach: LimitBreach): string {
  return [breach.kind, breach.symbol ?? '', breach.pair?.join('/') ?? '', breach.tag ?? ''].join('|');
}

function formatValue(value: number): string {
  return Math.abs(value) >= 10 ? Math.round(value).toLocaleString('en-US') : value.toFixed(4);
}

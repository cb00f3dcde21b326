/**
 * The pipeline's approval stage: the handlers for `approve` / `reject` and the `approvals` query, the wait for
 * decisions on flagged signals (up to a deadline, then rejected automatically), and the signals as decided. Workflow
 * code, called by src/workflows/trading-pipeline.ts (which decides when the stage runs).
 */
import { condition, log, setHandler } from '@temporalio/workflow';
import {
  applyDecision,
  type Approval,
  type ApprovalDecisionInput,
  approvalsQuery,
  approveSignal,
  decisionProblem,
  expirePending,
  rejectSignal,
} from '../contracts/approvals';
import type { PipelineProgress, PipelineSignal, RiskStageReport } from '../contracts/pipeline';
import type { GateVerdict } from '../signals/risk-gate';

/**
 * The run's approvals and their handlers. The handlers are there from the start, so an early query answers [] and
 * an early decision (nothing pending yet) is ignored rather than left unhandled.
 */
export function handleApprovals(): Approval[] {
  const approvals: Approval[] = [];
  setHandler(approvalsQuery, () => approvals);
  const onDecision = (status: 'approved' | 'rejected') => (decision: ApprovalDecisionInput) => {
    const problem = decisionProblem(decision);
    if (problem) {
      log.warn('Ignored an approval decision', { status, problem });
      return;
    }
    const decided = applyDecision(approvals, decision, status, new Date().toISOString());
    log.info('Approval decision', { status, approver: decision.approver, symbols: decided });
  };
  setHandler(approveSignal, onDecision('approved'));
  setHandler(rejectSignal, onDecision('rejected'));
  return approvals;
}

/**
 * Records the flagged signals as pending approvals, waits until each is decided or the deadline passes (then
 * rejects the rest), and records the decisions. A worker restart during the wait loses nothing: it is workflow
 * state.
 */
export async function awaitDecisions(
  approvals: Approval[],
  flagged: readonly GateVerdict[],
  options: { timeoutSeconds: number; progress: PipelineProgress; record: () => Promise<void> },
): Promise<void> {
  const { timeoutSeconds, progress, record } = options;
  const now = Date.now();
  for (const verdict of flagged) {
    approvals.push({
      symbol: verdict.symbol,
      action: verdict.action,
      tradeNotional: verdict.tradeNotional,
      reasons: verdict.reasons,
      status: 'pending',
      requestedAt: new Date(now).toISOString(),
      deadline: new Date(now + timeoutSeconds * 1000).toISOString(),
    });
  }
  progress.pendingApprovals = approvals.length;
  await record();
  const decided = await condition(
    () => approvals.every((a) => a.status !== 'pending'),
    timeoutSeconds * 1000,
  );
  if (!decided) expirePending(approvals, new Date().toISOString(), timeoutSeconds);
  progress.pendingApprovals = 0;
  await record();
}

/**
 * The signals as decided: each flagged one carries its approval, and a rejected one becomes a HOLD that says who
 * rejected it and why (`approval.originalAction` keeps what it asked for).
 */
export function applyApprovals(
  signals: PipelineSignal[],
  approvals: readonly Approval[],
  risk: RiskStageReport,
): PipelineSignal[] {
  if (approvals.length === 0) return signals;
  const bySymbol = new Map(approvals.map((a) => [a.symbol, a]));
  return signals.map((signal) => {
    const approval = bySymbol.get(signal.symbol);
    if (!approval) return signal;
    const verdict = risk.signalGate?.find((v) => v.symbol === signal.symbol);
    const record = {
      status: approval.status,
      approver: approval.approver,
      decisionReason: approval.decisionReason,
      decidedAt: approval.decidedAt,
      originalAction: signal.action,
    };
    if (approval.status === 'approved') {
      return {
        ...signal,
        approval: record,
        rationale: [...signal.rationale, `approved by ${approval.approver}: ${approval.decisionReason}`],
      };
    }
    return {
      ...signal,
      action: 'HOLD',
      approval: record,
      rationale: [
        ...signal.rationale,
        `risk gate: ${verdict?.reasons.join('; ') ?? 'flagged'}`,
        `${approval.status === 'auto_rejected' ? 'rejected automatically' : `rejected by ${approval.approver}`}: ${approval.decisionReason}`,
      ],
    };
  });
}

/**
 * Human approval of flagged signals: the contract between the pipeline workflow, the API and the Temporal CLI.
 *
 * A signal the risk gate flags waits for `approve` or `reject` (Temporal signals carrying approver and reason,
 * optionally limited to some symbols) until its deadline, then is rejected automatically. The `approvals` query
 * answers the run's approvals at any time (empty until the run reaches the approval stage).
 *
 * Pure functions and definitions only: imported by workflow code.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { SignalAction } from '../signals/decision';

/** Book-currency size of the trade a BUY or SELL implies, unless the pipeline input says otherwise. */
export const DEFAULT_TRADE_NOTIONAL = 100_000;

/** How long a flagged signal waits for a decision unless the pipeline input says otherwise. */
export const DEFAULT_APPROVAL_TIMEOUT_SECONDS = 3_600;

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'auto_rejected'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export interface ApprovalDecisionInput {
  /** Who decided (a user name or id); required. */
  approver: string;
  /** Why; required, so the record explains itself. */
  reason: string;
  /** The flagged symbols this decision is about; all pending ones when absent. */
  symbols?: string[];
}

export interface Approval {
  symbol: string;
  /** The action the signal asked for (BUY or SELL). */
  action: SignalAction;
  /** The signed trade the gate assessed, in the book's currency. */
  tradeNotional: number;
  /** Why the gate flagged it. */
  reasons: string[];
  status: ApprovalStatus;
  requestedAt: string;
  /** When it is rejected automatically if nobody decides. */
  deadline: string;
  decidedAt?: string;
  approver?: string;
  decisionReason?: string;
}

export const approveSignal = defineSignal<[ApprovalDecisionInput]>('approve');
export const rejectSignal = defineSignal<[ApprovalDecisionInput]>('reject');
export const approvalsQuery = defineQuery<Approval[]>('approvals');

/** Why a decision cannot be applied, or undefined when it can (signals cannot answer errors, so it is logged). */
export function decisionProblem(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return 'the decision must be an object';
  const { approver, reason, symbols } = input as Partial<ApprovalDecisionInput>;
  if (typeof approver !== 'string' || approver.trim() === '') return 'approver must be a non-empty string';
  if (typeof reason !== 'string' || reason.trim() === '') return 'reason must be a non-empty string';
  if (symbols !== undefined && (!Array.isArray(symbols) || symbols.some((s) => typeof s !== 'string'))) {
    return 'symbols must be a list of symbols';
  }
  return undefined;
}

/**
 * Applies a decision to the pending approvals it names (all pending ones without `symbols`); decided ones keep
 * their first decision. Returns the symbols it decided.
 */
export function applyDecision(
  approvals: Approval[],
  decision: ApprovalDecisionInput,
  status: 'approved' | 'rejected',
  decidedAt: string,
): string[] {
  const wanted = decision.symbols ? new Set(decision.symbols.map((s) => s.toUpperCase())) : undefined;
  const decided: string[] = [];
  for (const approval of approvals) {
    if (approval.status !== 'pending' || (wanted && !wanted.has(approval.symbol))) continue;
    approval.status = status;
    approval.decidedAt = decidedAt;
    approval.approver = decision.approver.trim();
    approval.decisionReason = decision.reason.trim();
    decided.push(approval.symbol);
  }
  return decided;
}

/** Rejects every approval still pending at its deadline. */
export function expirePending(approvals: Approval[], decidedAt: string, timeoutSeconds: number): void {
  for (const approval of approvals) {
    if (approval.status !== 'pending') continue;
    approval.status = 'auto_rejected';
    approval.decidedAt = decidedAt;
    approval.approver = 'tradeflow';
    approval.decisionReason = `no decision within ${timeoutSeconds} s`;
  }
}

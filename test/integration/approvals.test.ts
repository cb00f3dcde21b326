/**
 * Human approval of flagged signals, end to end on the real Temporal dev server: the risk gate flags a signal whose
 * trade would breach a position limit, the pipeline waits, and an approve, a reject or the deadline decides.
 */
import { eventually, httpJson, startStack, type TestStack } from '../support/harness';

describe('approval of flagged signals', () => {
  let stack: TestStack;
  let base: string;
  /** A symbol whose signal on ASOF is BUY or SELL, and that action (found by a first, ungated run). */
  let actionable: { symbol: string; action: 'BUY' | 'SELL' };
  const ASOF = '2026-11-20';

  const trigger = async (parameters: Record<string, unknown>) => {
    const started = await httpJson(base, 'POST', '/workflows/trigger', {
      workflow_id: 'trading_pipeline',
      parameters: { provider: 'synthetic', asOf: ASOF, lookbackDays: 120, varBacktest: false, ...parameters },
    });
    expect(started.status).toBe(202);
    return started.body.workflowId as string;
  };
  const resultOf = (workflowId: string) =>
    eventually(async () => {
      const r = await httpJson(base, 'GET', `/workflows/${encodeURIComponent(workflowId)}/result`);
      return r.status === 200 ? r.body : undefined;
    });
  /** A run whose only signal is flagged: its trade takes the position from 100,000 to 200,000 past a 150,000 limit. */
  const flaggedRun = (approvalTimeoutSeconds: number) =>
    trigger({
      symbols: [actionable.symbol],
      positions: [
        { symbol: actionable.symbol, marketValue: actionable.action === 'BUY' ? 100_000 : -100_000 },
      ],
      limits: { maxPositionNotionalBySymbol: { [actionable.symbol]: 150_000 } },
      tradeNotional: 100_000,
      approvalTimeoutSeconds,
    });
  const pendingOf = (workflowId: string) =>
    eventually(async () => {
      const r = await httpJson(
        base,
        'GET',
        `/approvals?status=pending&workflowId=${encodeURIComponent(workflowId)}`,
      );
      return r.body.approvals.length > 0 ? r.body.approvals : undefined;
    });

  beforeAll(async () => {
    stack = await startStack();
    base = stack.baseUrl!;
    const probe = await resultOf(
      await trigger({ symbols: ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'META', 'TSLA', 'GOOG'] }),
    );
    const found = (probe.result.signals as { symbol: string; action: string }[]).find(
      (s) => s.action !== 'HOLD',
    );
    if (!found) throw new Error('no BUY or SELL signal among the probe symbols; pick others');
    actionable = found as typeof actionable;
    // Default limits and trade size flag nothing: the probe did not wait.
    expect(probe.result.approvals).toBeUndefined();
    expect(probe.result.risk.signalGate.every((v: { flagged: boolean }) => !v.flagged)).toBe(true);
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('waits for approval, names the breach, and an approve lets the signal stand', async () => {
    const workflowId = await flaggedRun(300);
    const [pending] = await pendingOf(workflowId);
    expect(pending).toMatchObject({
      workflowId,
      symbol: actionable.symbol,
      action: actionable.action,
      status: 'pending',
      reasons: [expect.stringMatching(new RegExp(`^new breach: .*${actionable.symbol}.*200,000.*150,000`))],
    });
    const status = await httpJson(base, 'GET', `/workflows/${encodeURIComponent(workflowId)}/status`);
    expect(status.body).toMatchObject({ status: 'RUNNING', stage: 'awaiting_approval' });
    expect(status.body.progress.pendingApprovals).toBe(1);

    const missingReason = await httpJson(
      base,
      'POST',
      `/workflows/${encodeURIComponent(workflowId)}/approve`,
      {
        approver: 'alice',
      },
    );
    expect(missingReason.status).toBe(400);
    expect(missingReason.body.error.message).toMatch(/body\.reason/);
    const wrongSymbol = await httpJson(base, 'POST', `/workflows/${encodeURIComponent(workflowId)}/approve`, {
      approver: 'alice',
      reason: 'ok',
      symbols: ['ZZZZ'],
    });
    expect(wrongSymbol.status).toBe(409);
    expect(wrongSymbol.body.error.message).toMatch(/ZZZZ is not waiting for approval/);

    const approved = await httpJson(base, 'POST', `/workflows/${encodeURIComponent(workflowId)}/approve`, {
      approver: 'alice',
      reason: 'hedged on another book',
    });
    expect(approved.status).toBe(202);
    expect(approved.body).toMatchObject({ decision: 'approved', symbols: [actionable.symbol] });

    const done = await resultOf(workflowId);
    expect(done.status).toBe('COMPLETED');
    const [signal] = done.result.signals;
    expect(signal.action).toBe(actionable.action);
    expect(signal.approval).toMatchObject({
      status: 'approved',
      approver: 'alice',
      originalAction: actionable.action,
    });
    expect(done.result.approvals[0]).toMatchObject({
      status: 'approved',
      decisionReason: 'hedged on another book',
    });
    const stored = await httpJson(base, 'GET', `/approvals?workflowId=${encodeURIComponent(workflowId)}`);
    expect(stored.body.approvals).toEqual([
      expect.objectContaining({ status: 'approved', approver: 'alice' }),
    ]);

    const late = await httpJson(base, 'POST', `/workflows/${encodeURIComponent(workflowId)}/approve`, {
      approver: 'alice',
      reason: 'again',
    });
    expect(late.status).toBe(409);
  });

  it('a reject turns the signal into a HOLD that says who rejected it and why', async () => {
    const workflowId = await flaggedRun(300);
    await pendingOf(workflowId);
    const rejected = await httpJson(base, 'POST', `/workflows/${encodeURIComponent(workflowId)}/reject`, {
      approver: 'bob',
      reason: 'limit is firm',
      symbols: [actionable.symbol.toLowerCase()],
    });
    expect(rejected.status).toBe(202);
    const done = await resultOf(workflowId);
    const [signal] = done.result.signals;
    expect(signal).toMatchObject({
      action: 'HOLD',
      approval: { status: 'rejected', approver: 'bob', originalAction: actionable.action },
    });
    expect(signal.rationale.slice(-2)).toEqual([
      expect.stringMatching(/^risk gate: new breach/),
      'rejected by bob: limit is firm',
    ]);
  });

  it('rejects automatically when nobody decides before the deadline', async () => {
    const workflowId = await flaggedRun(2);
    const done = await resultOf(workflowId);
    expect(done.status).toBe('COMPLETED');
    expect(done.result.signals[0]).toMatchObject({ action: 'HOLD', approval: { status: 'auto_rejected' } });
    const stored = await httpJson(
      base,
      'GET',
      `/approvals?status=auto_rejected&workflowId=${encodeURIComponent(workflowId)}`,
    );
    expect(stored.body.approvals).toEqual([
      expect.objectContaining({ approver: 'tradeflow', decisionReason: 'no decision within 2 s' }),
    ]);
  });

  it('answers clear errors: a bad status filter is a 400 naming it, an unknown run a 404', async () => {
    const badFilter = await httpJson(base, 'GET', '/approvals?status=maybe');
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.message).toMatch(/query\.status: must be one of pending, approved/);
    expect(
      (await httpJson(base, 'POST', '/workflows/nope-1/approve', { approver: 'a', reason: 'b' })).status,
    ).toBe(404);
  });
});

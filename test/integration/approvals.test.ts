/**
 * Human approval of flagged signals, end to end on the real Temporal dev server: the risk gate flags a signal whose
 * trade would breach a position limit, the pipeline waits, and an approve, a reject or the deadline decides.
 */
import { createApiKey } from '../../src/auth/api-keys';
import { STARTED_BY } from '../../src/contracts/search-attributes';
import { eventually, httpJson, startStack, testConfig, type TestStack } from '../support/harness';

describe('approval of flagged signals', () => {
  let stack: TestStack;
  let base: string;
  /** A symbol whose signal on ASOF is BUY or SELL, and that action (found by a first, ungated run). */
  let actionable: { symbol: string; action: 'BUY' | 'SELL' };
  /** The approver the API records for the test's admin key: its principal, whatever the body says. */
  let adminActor: string;
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
    adminActor = (await httpJson(base, 'GET', '/auth/whoami')).body.actor as string;
    expect(adminActor).toMatch(/^apikey:/);
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
    // The body's approver is not trusted: the decision is the caller's.
    expect(approved.body).toMatchObject({
      decision: 'approved',
      symbols: [actionable.symbol],
      approver: adminActor,
      startedBy: adminActor,
    });

    const done = await resultOf(workflowId);
    expect(done.status).toBe('COMPLETED');
    const [signal] = done.result.signals;
    expect(signal.action).toBe(actionable.action);
    expect(signal.approval).toMatchObject({
      status: 'approved',
      approver: adminActor,
      originalAction: actionable.action,
    });
    expect(done.result.approvals[0]).toMatchObject({
      status: 'approved',
      decisionReason: 'hedged on another book',
    });
    const stored = await httpJson(base, 'GET', `/approvals?workflowId=${encodeURIComponent(workflowId)}`);
    expect(stored.body.approvals).toEqual([
      expect.objectContaining({ status: 'approved', approver: adminActor }),
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
      approval: { status: 'rejected', approver: adminActor, originalAction: actionable.action },
    });
    expect(signal.rationale.slice(-2)).toEqual([
      expect.stringMatching(/^risk gate: new breach/),
      `rejected by ${adminActor}: limit is firm`,
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

  describe('approver identity, four-eyes and the cap on runs in flight (issue 18, items 12 and 16)', () => {
    let guarded: TestStack;
    let alice: { key: string; actor: string };
    let bob: { key: string; actor: string };
    const as = (who: { key: string }, method: string, route: string, body?: unknown) =>
      httpJson(guarded.baseUrl!, method, route, body, { 'x-api-key': who.key });
    const flagged = async (who: { key: string }) => {
      const r = await as(who, 'POST', '/workflows/trigger', {
        workflow_id: 'trading_pipeline',
        parameters: {
          provider: 'synthetic',
          asOf: ASOF,
          lookbackDays: 120,
          varBacktest: false,
          symbols: [actionable.symbol],
          positions: [
            { symbol: actionable.symbol, marketValue: actionable.action === 'BUY' ? 100_000 : -100_000 },
          ],
          limits: { maxPositionNotionalBySymbol: { [actionable.symbol]: 150_000 } },
          tradeNotional: 100_000,
          approvalTimeoutSeconds: 300,
        },
      });
      return r;
    };
    const waitingFor = (workflowId: string) =>
      eventually(async () => {
        const r = await as(
          alice,
          'GET',
          `/approvals?status=pending&workflowId=${encodeURIComponent(workflowId)}`,
        );
        return r.body.approvals.length > 0 ? true : undefined;
      });
    /** Waits until visibility counts `n` running runs started by `who` (the cap reads the same count). */
    const visiblyRunning = (who: { actor: string }, n: number) =>
      eventually(async () => {
        const { count } = await guarded.client.workflow.count(
          `TaskQueue = '${guarded.config.temporal.taskQueue}' AND StartedBy = '${who.actor}' AND ExecutionStatus = 'Running'`,
        );
        return count === n ? true : undefined;
      });

    beforeAll(async () => {
      guarded = await startStack({
        config: testConfig({
          APPROVALS_REQUIRE_DIFFERENT_PRINCIPAL: 'true',
          API_MAX_RUNS_IN_FLIGHT_PER_PRINCIPAL: '2',
        }),
      });
      const operator = async (name: string) => {
        const { key, record } = await createApiKey(guarded.stores.apiKeys, { name, role: 'operator' });
        return { key, actor: `apikey:${record.id}` };
      };
      [alice, bob] = [await operator('alice'), await operator('bob')];
    });
    afterAll(async () => {
      // Runs left waiting for approval would keep the worker busy until their deadline.
      for await (const run of guarded.client.workflow.list({
        query: `TaskQueue = '${guarded.config.temporal.taskQueue}' AND ExecutionStatus = 'Running'`,
      })) {
        await guarded.client.workflow
          .getHandle(run.workflowId)
          .terminate('test over')
          .catch(() => undefined);
      }
      await guarded.stop();
    });

    it('takes the approver from the principal, refuses the starter its own approval, and audits both', async () => {
      const started = await flagged(alice);
      expect(started.status).toBe(202);
      const workflowId = started.body.workflowId as string;
      const described = await guarded.client.workflow.getHandle(workflowId).describe();
      expect(described.typedSearchAttributes.get(STARTED_BY)).toBe(alice.actor);
      await waitingFor(workflowId);

      const own = await as(alice, 'POST', `/workflows/${encodeURIComponent(workflowId)}/approve`, {
        reason: 'looks fine to me',
      });
      expect(own.status).toBe(409);
      expect(own.body.error).toMatchObject({ code: 'four_eyes' });
      expect(own.body.error.message).toMatch(/started run .* may not approve its own signals/);

      const other = await as(bob, 'POST', `/workflows/${encodeURIComponent(workflowId)}/approve`, {
        approver: 'CFO Jane Doe',
        reason: 'hedged on another book',
      });
      expect(other.status).toBe(202);
      expect(other.body).toMatchObject({ approver: bob.actor, startedBy: alice.actor });
      const done = await eventually(async () => {
        const r = await as(bob, 'GET', `/workflows/${encodeURIComponent(workflowId)}/result`);
        return r.status === 200 ? r.body : undefined;
      });
      expect(done.result.signals[0].approval).toMatchObject({ status: 'approved', approver: bob.actor });

      const rows = await eventually(async () => {
        const r = await httpJson(guarded.baseUrl!, 'GET', '/audit?action=workflow.approve&order=asc');
        return r.body.records?.length === 2 ? r.body.records : undefined;
      });
      const detailsOf = (row: { details: unknown }) =>
        (typeof row.details === 'string' ? JSON.parse(row.details) : row.details) as Record<string, unknown>;
      expect(rows[0]).toMatchObject({
        actor: alice.actor,
        result: 'failure',
        resource: `workflow:${workflowId}`,
      });
      expect(detailsOf(rows[0])).toMatchObject({ workflowId, approver: alice.actor, startedBy: alice.actor });
      expect(rows[1]).toMatchObject({ actor: bob.actor, result: 'success' });
      expect(detailsOf(rows[1])).toMatchObject({
        workflowId,
        approver: bob.actor,
        startedBy: alice.actor,
        claimedApprover: 'CFO Jane Doe',
      });
      const starts = await httpJson(guarded.baseUrl!, 'GET', '/audit?action=workflow.start');
      expect(starts.body.records.at(-1).resource).toBe(`workflow:${workflowId}`);
      expect(detailsOf(starts.body.records.at(-1))).toMatchObject({
        workflowId,
        startedBy: alice.actor,
        route: 'POST /workflows/trigger',
      });
    });

    it('answers 429 too_many_runs once a principal has the cap in flight; others and rejects still work', async () => {
      await visiblyRunning(alice, 0);
      const first = await flagged(alice);
      const second = await flagged(alice);
      expect([first.status, second.status]).toEqual([202, 202]);
      await Promise.all([waitingFor(first.body.workflowId), waitingFor(second.body.workflowId)]);
      // Visibility is eventually consistent: the cap counts what it shows (docs/api.md).
      await visiblyRunning(alice, 2);

      const third = await flagged(alice);
      expect(third.status).toBe(429);
      expect(third.body.error).toMatchObject({ code: 'too_many_runs', details: { running: 2, max: 2 } });
      expect(third.body.error.message).toMatch(/already has 2 pipeline runs in flight \(at most 2/);

      expect((await flagged(bob)).status).toBe(202); // the cap is per principal

      // The starter may reject its own signals (four-eyes guards approvals only); the run ends and frees a slot.
      const rejected = await as(
        alice,
        'POST',
        `/workflows/${encodeURIComponent(first.body.workflowId)}/reject`,
        {
          reason: 'changed my mind',
        },
      );
      expect(rejected.status).toBe(202);
      await visiblyRunning(alice, 1);
      expect((await flagged(alice)).status).toBe(202);
    });
  });
});

/** What each pipeline run produced: status, rejected bars, signals, risk report and final result. */
import type { Approval, ApprovalStatus } from '../contracts/approvals';
import type { RejectedBarSummary, RunRef } from '../contracts/pipeline';
import { asPromise, inTransaction, type SqliteDatabase } from './sqlite';

export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface StoredSignal {
  symbol: string;
  asOf: string;
  action: string;
  confidence: number;
}

export interface StoredRiskReport {
  asOfDate: string;
  status: string;
}

export interface RunRecord {
  workflowId: string;
  runId: string;
  book: string;
  asOf: string;
  status: RunStatus;
  updatedAt: string;
  result?: unknown;
}

export interface RunStore {
  recordStatus(run: RunRef, status: RunStatus, details?: { book?: string; asOf?: string }): Promise<void>;
  saveRejectedBars(run: RunRef, rejected: readonly (RejectedBarSummary & { bar: unknown })[]): Promise<void>;
  saveSignals(run: RunRef, signals: readonly StoredSignal[]): Promise<void>;
  saveRiskReport(run: RunRef, report: StoredRiskReport): Promise<void>;
  saveResult(run: RunRef, details: { book: string; asOf: string; result: unknown }): Promise<void>;
  getLatestRun(workflowId: string): Promise<RunRecord | undefined>;
  getRejectedBars(run: RunRef): Promise<RejectedBarSummary[]>;
  getSignals(run: RunRef): Promise<unknown[]>;
  getRiskReport(run: RunRef): Promise<unknown>;
  /** A run's risk report by its run id alone, with the run it belongs to. */
  findRiskReport(runId: string): Promise<{ workflowId: string; runId: string; report: unknown } | undefined>;
  /** The most recent risk reports, newest first (optionally of one book). */
  listRiskReports(options: {
    book?: string;
    limit: number;
  }): Promise<{ workflowId: string; runId: string; asOf: string; report: unknown }[]>;
  /** Inserts or updates a run's approvals (one per flagged symbol). */
  saveApprovals(run: RunRef, approvals: readonly Approval[]): Promise<void>;
  /** Approvals, oldest request first, optionally of one status and/or one run. */
  listApprovals(options: {
    status?: ApprovalStatus;
    workflowId?: string;
    limit: number;
  }): Promise<StoredApproval[]>;
}

export type StoredApproval = Approval & RunRef;

/** An `approvals` row as both backends return it. */
export interface ApprovalRow {
  workflow_id: string;
  run_id: string;
  symbol: string;
  action: string;
  trade_notional: number;
  reasons_json: string | string[];
  status: string;
  requested_at: string;
  deadline: string;
  decided_at: string | null;
  approver: string | null;
  decision_reason: string | null;
}

export const APPROVAL_COLUMNS =
  'workflow_id, run_id, symbol, action, trade_notional, reasons_json, status, requested_at, deadline, decided_at, ' +
  'approver, decision_reason';

export function rowToApproval(row: ApprovalRow): StoredApproval {
  return {
    workflowId: row.workflow_id,
    runId: row.run_id,
    symbol: row.symbol,
    action: row.action as Approval['action'],
    tradeNotional: Number(row.trade_notional),
    reasons:
      typeof row.reasons_json === 'string' ? (JSON.parse(row.reasons_json) as string[]) : row.reasons_json,
    status: row.status as ApprovalStatus,
    requestedAt: row.requested_at,
    deadline: row.deadline,
    ...(row.decided_at ? { decidedAt: row.decided_at } : {}),
    ...(row.approver ? { approver: row.approver } : {}),
    ...(row.decision_reason ? { decisionReason: row.decision_reason } : {}),
  };
}

/** The values of one approval in APPROVAL_COLUMNS order. */
export function approvalValues(run: RunRef, a: Approval) {
  return [
    run.workflowId,
    run.runId,
    a.symbol,
    a.action,
    a.tradeNotional,
    JSON.stringify(a.reasons),
    a.status,
    a.requestedAt,
    a.deadline,
    a.decidedAt ?? null,
    a.approver ?? null,
    a.decisionReason ?? null,
  ] as const;
}

interface RunRow {
  workflow_id: string;
  run_id: string;
  book: string;
  as_of: string;
  status: RunStatus;
  updated_at: string;
  result_json: string | null;
}

export function createSqliteRunStore(db: SqliteDatabase, now: () => Date = () => new Date()): RunStore {
  const upsertRun = db.prepare(`
    INSERT INTO pipeline_runs (workflow_id, run_id, book, as_of, status, result_json, updated_at)
    VALUES (:workflowId, :runId, :book, :asOf, :status, :result, :updatedAt)
    ON CONFLICT (workflow_id, run_id) DO UPDATE SET
      book = CASE WHEN excluded.book = '' THEN book ELSE excluded.book END,
      as_of = CASE WHEN excluded.as_of = '' THEN as_of ELSE excluded.as_of END,
      status = excluded.status,
      result_json = COALESCE(excluded.result_json, result_json),
      updated_at = excluded.updated_at`);

  const writeRun = (run: RunRef, status: RunStatus, book = '', asOf = '', result: string | null = null) => {
    upsertRun.run({
      workflowId: run.workflowId,
      runId: run.runId,
      book,
      asOf,
      status,
      result,
      updatedAt: now().toISOString(),
    });
  };

  return {
    recordStatus(run, status, details = {}) {
      return asPromise(() => writeRun(run, status, details.book, details.asOf));
    },
    saveRejectedBars(run, rejected) {
      const insert = db.prepare(`
        INSERT OR REPLACE INTO rejected_bars (workflow_id, run_id, symbol, date, reasons_json, bar_json)
        VALUES (?, ?, ?, ?, ?, ?)`);
      return asPromise(() =>
        inTransaction(db, () => {
          for (const r of rejected) {
            insert.run(
              run.workflowId,
              run.runId,
              r.symbol,
              r.date,
              JSON.stringify(r.reasons),
              JSON.stringify(r.bar),
            );
          }
        }),
      );
    },
    saveSignals(run, signals) {
      const insert = db.prepare(`
        INSERT OR REPLACE INTO signals (workflow_id, run_id, symbol, as_of, action, confidence, signal_json)
        VALUES (?, ?, ?, ?, ?, ?, ?)`);
      return asPromise(() =>
        inTransaction(db, () => {
          for (const s of signals) {
            insert.run(
              run.workflowId,
              run.runId,
              s.symbol,
              s.asOf,
              s.action,
              s.confidence,
              JSON.stringify(s),
            );
          }
        }),
      );
    },
    saveRiskReport(run, report) {
      return asPromise(() => {
        db.prepare(
          `INSERT OR REPLACE INTO risk_reports (workflow_id, run_id, as_of, status, report_json) VALUES (?, ?, ?, ?, ?)`,
        ).run(run.workflowId, run.runId, report.asOfDate, report.status, JSON.stringify(report));
      });
    },
    saveResult(run, { book, asOf, result }) {
      return asPromise(() => writeRun(run, 'completed', book, asOf, JSON.stringify(result)));
    },
    getLatestRun(workflowId) {
      const row = db
        .prepare('SELECT * FROM pipeline_runs WHERE workflow_id = ? ORDER BY updated_at DESC LIMIT 1')
        .get(workflowId) as RunRow | undefined;
      if (!row) return Promise.resolve(undefined);
      return Promise.resolve({
        workflowId: row.workflow_id,
        runId: row.run_id,
        book: row.book,
        asOf: row.as_of,
        status: row.status,
        updatedAt: row.updated_at,
        result: row.result_json ? (JSON.parse(row.result_json) as unknown) : undefined,
      });
    },
    getRejectedBars(run) {
      const rows = db
        .prepare(
          'SELECT symbol, date, reasons_json FROM rejected_bars WHERE workflow_id = ? AND run_id = ? ORDER BY symbol, date',
        )
        .all(run.workflowId, run.runId) as { symbol: string; date: string; reasons_json: string }[];
      return Promise.resolve(
        rows.map((r) => ({
          symbol: r.symbol,
          date: r.date,
          reasons: JSON.parse(r.reasons_json) as string[],
        })),
      );
    },
    getSignals(run) {
      const rows = db
        .prepare('SELECT signal_json FROM signals WHERE workflow_id = ? AND run_id = ? ORDER BY symbol')
        .all(run.workflowId, run.runId) as { signal_json: string }[];
      return Promise.resolve(rows.map((r) => JSON.parse(r.signal_json) as unknown));
    },
    getRiskReport(run) {
      const row = db
        .prepare('SELECT report_json FROM risk_reports WHERE workflow_id = ? AND run_id = ?')
        .get(run.workflowId, run.runId) as { report_json: string } | undefined;
      return Promise.resolve(row ? (JSON.parse(row.report_json) as unknown) : undefined);
    },
    findRiskReport(runId) {
      return asPromise(() => {
        const row = db
          .prepare('SELECT workflow_id, run_id, report_json FROM risk_reports WHERE run_id = ?')
          .get(runId) as { workflow_id: string; run_id: string; report_json: string } | undefined;
        return row
          ? { workflowId: row.workflow_id, runId: row.run_id, report: JSON.parse(row.report_json) as unknown }
          : undefined;
      });
    },
    listRiskReports({ book, limit }) {
      return asPromise(() => {
        const rows = db
          .prepare(
            `SELECT r.workflow_id, r.run_id, r.as_of, r.report_json FROM risk_reports r
             JOIN pipeline_runs p ON p.workflow_id = r.workflow_id AND p.run_id = r.run_id
             WHERE (? IS NULL OR p.book = ?) ORDER BY r.as_of DESC, p.updated_at DESC LIMIT ?`,
          )
          .all(book ?? null, book ?? null, limit) as {
          workflow_id: string;
          run_id: string;
          as_of: string;
          report_json: string;
        }[];
        return rows.map((r) => ({
          workflowId: r.workflow_id,
          runId: r.run_id,
          asOf: r.as_of,
          report: JSON.parse(r.report_json) as unknown,
        }));
      });
    },
    saveApprovals(run, approvals) {
      const upsert = db.prepare(`
        INSERT INTO approvals (${APPROVAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (workflow_id, run_id, symbol) DO UPDATE SET status = excluded.status,
          decided_at = excluded.decided_at, approver = excluded.approver, decision_reason = excluded.decision_reason`);
      return asPromise(() =>
        inTransaction(db, () => {
          for (const approval of approvals) upsert.run(...approvalValues(run, approval));
        }),
      );
    },
    listApprovals({ status, workflowId, limit }) {
      return asPromise(() =>
        (
          db
            .prepare(
              `SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE (? IS NULL OR status = ?) AND (? IS NULL OR workflow_id = ?)
               ORDER BY requested_at, workflow_id, symbol LIMIT ?`,
            )
            .all(
              status ?? null,
              status ?? null,
              workflowId ?? null,
              workflowId ?? null,
              limit,
            ) as unknown as ApprovalRow[]
        ).map(rowToApproval),
      );
    },
  };
}

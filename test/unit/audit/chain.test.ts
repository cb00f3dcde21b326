/** The hash chain on its own: canonical serialization, hashes, normalization, and what the verifier names. */
import { createHash } from 'node:crypto';
import {
  canonicalJson,
  canonicalRecord,
  chainRecord,
  ChainVerifier,
  GENESIS_HASH,
  hashRecord,
  InvalidAuditEventError,
  normalizeEvent,
  toAuditRecord,
  fromAuditRecord,
  verifyChain,
  type ChainRecord,
  type ChainState,
} from '../../../src/audit/chain';
import type { AuditEvent } from '../../../src/audit/events';

const event = (n: number, overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  actor: `user-${n % 3}`,
  action: 'workflow.start',
  resource: `workflow:pipeline:default:2026-01-0${(n % 9) + 1}:k${n}`,
  result: 'success',
  ip: '10.0.0.1',
  requestId: `req-${n}`,
  details: { n },
  ...overrides,
});

/** A chain of `count` records from an anchor, one second apart. */
function buildChain(count: number, anchor = { seq: 0, hash: GENESIS_HASH }): ChainRecord[] {
  const records: ChainRecord[] = [];
  let prev = anchor.hash;
  for (let i = 1; i <= count; i += 1) {
    const seq = anchor.seq + i;
    const record = chainRecord(
      normalizeEvent(event(seq)),
      seq,
      new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
      prev,
    );
    records.push(record);
    prev = record.hash;
  }
  return records;
}

const stateOf = (records: ChainRecord[], anchor = { seq: 0, hash: GENESIS_HASH }): ChainState => ({
  headSeq: records.length ? records[records.length - 1].seq : anchor.seq,
  headHash: records.length ? records[records.length - 1].hash : anchor.hash,
  anchorSeq: anchor.seq,
  anchorHash: anchor.hash,
});

/** Re-hashes a record after an edit, as an attacker who knows the algorithm would. */
const rehash = (r: ChainRecord): ChainRecord => ({ ...r, hash: hashRecord(r) });

describe('canonical serialization', () => {
  it('sorts keys at every level, drops undefined, keeps arrays in order, no whitespace', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: undefined, m: 'x' }], a: 1.5, c: null })).toBe(
      '{"a":1.5,"b":[3,{"m":"x","z":1}],"c":null}',
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
    expect(canonicalJson({ when: new Date(Date.UTC(2026, 0, 2)) })).toBe(
      '{"when":"2026-01-02T00:00:00.000Z"}',
    );
    expect(canonicalJson({ nan: Number.NaN })).toBe('{"nan":null}');
  });

  it('is idempotent through a parse, so archives and log lines re-hash to the same value', () => {
    const value = { k: 'ünïcødé 🚀 \u0000 \ud800', n: [0.1, 1e21, -0], nested: { y: true, x: 'a"b' } };
    const text = canonicalJson(value);
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });

  it('hashes the fixed field order with nulls for absent fields (pinned: changing it breaks stored chains)', () => {
    const record = {
      seq: 1,
      timestamp: '2026-01-01T00:00:00.000Z',
      actor: 'alice',
      action: 'auth.success',
      resource: 'route:GET /audit',
      result: 'success',
      ip: null,
      userAgent: null,
      requestId: null,
      details: '{"a":1}',
      prevHash: GENESIS_HASH,
    };
    const text = canonicalRecord(record);
    expect(text).toBe(
      `["tradeflow-audit-v1",1,"2026-01-01T00:00:00.000Z","alice","auth.success","route:GET /audit","success",null,null,null,"{\\"a\\":1}","${GENESIS_HASH}"]`,
    );
    expect(hashRecord(record)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    expect(hashRecord(record)).toBe('ef593f86cd461069ea96f12ed4dca7bf57967915f1b326f13f38af793a8e5b20');
  });

  it('changes the hash when any field changes', () => {
    const [base] = buildChain(1);
    const fields: (keyof ChainRecord)[] = [
      'seq',
      'timestamp',
      'actor',
      'action',
      'resource',
      'result',
      'ip',
      'userAgent',
      'requestId',
      'details',
      'prevHash',
    ];
    for (const field of fields) {
      const changed = { ...base, [field]: field === 'seq' ? 2 : `${String(base[field])}x` };
      expect(hashRecord(changed)).not.toBe(base.hash);
    }
  });
});

describe('normalizeEvent', () => {
  it('rejects unknown actions and results and empty actors (programming errors)', () => {
    expect(() => normalizeEvent(event(1, { action: 'nope' as never }))).toThrow(InvalidAuditEventError);
    expect(() => normalizeEvent(event(1, { result: 'maybe' as never }))).toThrow(/result/);
    expect(() => normalizeEvent(event(1, { actor: '  ' }))).toThrow(/actor/);
    expect(() => normalizeEvent(event(1, { details: [] as never }))).toThrow(/details/);
  });

  it('cleans and cuts hostile text instead of refusing it, so the event is still recorded', () => {
    const normalized = normalizeEvent(
      event(1, {
        userAgent: `evil\u0000agent\ud800${'x'.repeat(5000)}`,
        ip: '',
        details: { big: 'y'.repeat(20_000) },
      }),
    );
    expect(normalized.userAgent).toHaveLength(512);
    expect(normalized.userAgent!.startsWith('evil\uFFFDagent\uFFFD')).toBe(true);
    expect(normalized.ip).toBeNull();
    expect(JSON.parse(normalized.details!)).toEqual({ truncated: true, originalBytes: expect.any(Number) });
  });

  it('round-trips through the public shape', () => {
    const [record] = buildChain(1);
    expect(fromAuditRecord(toAuditRecord(record))).toEqual(record);
    expect(toAuditRecord(record)).not.toHaveProperty('userAgent');
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and an empty one', () => {
    const records = buildChain(10);
    expect(verifyChain(records, stateOf(records))).toMatchObject({
      ok: true,
      records: 10,
      firstSeq: 1,
      lastSeq: 10,
      problems: [],
    });
    expect(verifyChain([], stateOf([]))).toMatchObject({ ok: true, records: 0 });
    for (let i = 1; i < records.length; i += 1) expect(records[i].prevHash).toBe(records[i - 1].hash);
  });

  it('names a record whose contents were edited', () => {
    const records = buildChain(6);
    const state = stateOf(records);
    records[2] = { ...records[2], actor: 'mallory' };
    const result = verifyChain(records, state);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      { seq: 3, kind: 'edited', message: expect.stringMatching(/seq 3: its contents do not match its hash/) },
    ]);
  });

  it('names a record edited and re-hashed (the next link no longer matches)', () => {
    const records = buildChain(6);
    const state = stateOf(records);
    records[2] = rehash({ ...records[2], result: 'failure' });
    expect(verifyChain(records, state).problems).toEqual([
      {
        seq: 3,
        kind: 'edited',
        message: expect.stringMatching(/seq 3: its hash is not the one seq 4 chains to/),
      },
    ]);
  });

  it('names the last record edited and re-hashed (the chain head remembers its hash)', () => {
    const records = buildChain(4);
    const state = stateOf(records);
    records[3] = rehash({ ...records[3], actor: 'mallory' });
    expect(verifyChain(records, state).problems).toEqual([
      { seq: 4, kind: 'edited', message: expect.stringMatching(/not the one the chain head recorded/) },
    ]);
  });

  it('names deleted records: in the middle, at the start, at the end', () => {
    const records = buildChain(8);
    const state = stateOf(records);
    const without = (...seqs: number[]) => records.filter((r) => !seqs.includes(r.seq));
    expect(verifyChain(without(4), state).problems).toEqual([
      { seq: 4, toSeq: 4, kind: 'deleted', message: 'seq 4 is missing (deleted)' },
    ]);
    expect(verifyChain(without(4, 5, 6), state).problems).toEqual([
      { seq: 4, toSeq: 6, kind: 'deleted', message: 'seq 4–6 are missing (deleted)' },
    ]);
    expect(verifyChain(without(1), state).problems).toMatchObject([{ seq: 1, kind: 'deleted' }]);
    expect(verifyChain(without(7, 8), state).problems).toEqual([
      { seq: 7, toSeq: 8, kind: 'deleted', message: 'seq 7–8 are missing at the end of the chain (deleted)' },
    ]);
  });

  it('names a forged record inserted after the head, even one with a correct hash', () => {
    const records = buildChain(5);
    const state = stateOf(records);
    const forged = chainRecord(
      normalizeEvent(event(99, { actor: 'mallory' })),
      6,
      '2026-01-01T01:00:00.000Z',
      records[4].hash,
    );
    const result = verifyChain([...records, forged], state);
    expect(result.problems).toEqual([
      {
        seq: 6,
        kind: 'inserted',
        message: expect.stringMatching(/seq 6 is beyond the chain head \(seq 5\)/),
      },
    ]);
  });

  it('names a forged record at or before the anchor', () => {
    const records = buildChain(3);
    const forged = { ...records[0], seq: 0 };
    expect(verifyChain([forged, ...records], stateOf(records)).problems).toMatchObject([
      { seq: 0, kind: 'inserted' },
    ]);
  });

  it('names records whose seqs were swapped (reordered)', () => {
    const records = buildChain(5);
    const state = stateOf(records);
    // UPDATE … SET seq: rows 2 and 3 trade places; read back in seq order.
    const swapped = [
      records[0],
      { ...records[2], seq: 2 },
      { ...records[1], seq: 3 },
      records[3],
      records[4],
    ];
    const result = verifyChain(swapped, state);
    expect(result.problems.map((p) => [p.seq, p.kind])).toEqual([
      [2, 'edited'],
      [3, 'edited'],
    ]);
  });

  it('flags out-of-order or repeated seqs in a handed-in list', () => {
    const records = buildChain(3);
    expect(
      verifyChain([records[0], records[1], records[1], records[2]], stateOf(records)).problems,
    ).toMatchObject([{ seq: 2, kind: 'reordered' }]);
  });

  it('verifies across a retention cut from the anchor, and catches a tampered anchor', () => {
    const all = buildChain(10);
    const anchor = { seq: 4, hash: all[3].hash };
    const kept = all.slice(4);
    const state = stateOf(kept, anchor);
    expect(verifyChain(kept, state)).toMatchObject({ ok: true, records: 6, firstSeq: 5, anchor });
    // The cut records as an archive verify on their own, from genesis to the anchor.
    const archived = new ChainVerifier({ seq: 0, hash: GENESIS_HASH });
    for (const r of all.slice(0, 4)) archived.add(r);
    expect(archived.finish(anchor)).toMatchObject({ ok: true, records: 4 });

    expect(verifyChain(kept, { ...state, anchorHash: 'f'.repeat(64) }).problems).toMatchObject([
      { seq: 5, kind: 'edited', message: expect.stringMatching(/retention anchor \(hash of seq 4\)/) },
    ]);
    // Deleting the first record after the cut is a deletion, not a silent new start.
    expect(verifyChain(kept.slice(1), state).problems).toMatchObject([{ seq: 5, kind: 'deleted' }]);
  });

  it('caps the problem list', () => {
    const records = buildChain(1500).map((r) => ({ ...r, actor: 'x' }));
    const result = verifyChain(records, stateOf(records));
    expect(result.problems).toHaveLength(1000);
    expect(result.problemsTruncated).toBe(500);
  });
});

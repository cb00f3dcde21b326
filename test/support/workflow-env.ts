/**
 * For workflow unit tests on TestWorkflowEnvironment: where Temporal's time-skipping test server is (scripts/setup.sh
 * fetches it from Maven Central into .tools/bin; TEMPORAL_TEST_SERVER_PATH overrides), and a quiet SDK runtime.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime } from '@temporalio/worker';
import { PIPELINE_SEARCH_ATTRIBUTE_TYPES } from '../../src/contracts/search-attributes';

export function testServerPath(): string {
  const found =
    process.env.TEMPORAL_TEST_SERVER_PATH ?? path.resolve(__dirname, '../../.tools/bin/temporal-test-server');
  if (!existsSync(found)) {
    throw new Error(
      `Temporal's test server is not at ${found}: run scripts/setup.sh (npm test does) or set TEMPORAL_TEST_SERVER_PATH`,
    );
  }
  return found;
}

let runtimeConfigured = false;
/** The SDK's own logs only for errors, installed once per test process (integration tests share it via harness). */
export function quietRuntime(): void {
  if (runtimeConfigured) return;
  runtimeConfigured = true;
  try {
    Runtime.install({
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
    });
  } catch {
    // already installed by another test file in this process
  }
}
/** The pipeline's search attributes, which the test server (like any server) refuses to upsert until registered. */
export async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const { IndexedValueType } = temporal.api.enums.v1;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      Object.entries(PIPELINE_SEARCH_ATTRIBUTE_TYPES).map(([name, type]) => [
        name,
        type === 'KeywordList'
          ? IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST
          : IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });
}

/**
 * Imported first by every entry point, so an unsupported Node.js fails with a message naming the required version
 * before any module that needs a newer Node (node:sqlite, yahoo-finance2) is loaded.
 */
import { assertSupportedNode } from './runtime-check';

try {
  assertSupportedNode();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

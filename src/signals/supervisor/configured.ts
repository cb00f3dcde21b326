/**
 * The supervisor analyst from the worker's LLM settings (LLM_PROVIDER, LLM_MODEL, LLM_BASE_URL, LLM_API_KEY,
 * LLM_TIMEOUT_MS, LLM_MAX_ATTEMPTS), as `createConfiguredLlmAnalyst` builds the flat one; without settings it runs
 * offline on the deterministic role rules.
 */
import type { LlmAnalyst } from '../llm-analyst';
import { createChatModel, type LlmSettings, modelLabel } from '../chat-models';
import { createSupervisorAnalyst, type SupervisorAnalystOptions } from './supervisor-graph';

export function createConfiguredSupervisorAnalyst(
  settings: LlmSettings | undefined,
  extra: Pick<SupervisorAnalystOptions, 'maxRevisions' | 'riskLimits' | 'fallbackParams'> = {},
): LlmAnalyst {
  if (!settings) return createSupervisorAnalyst(extra);
  return createSupervisorAnalyst({
    ...extra,
    model: createChatModel(settings),
    modelName: modelLabel(settings),
    maxAttempts: settings.maxAttempts,
    timeoutMs: settings.timeoutMs,
  });
}

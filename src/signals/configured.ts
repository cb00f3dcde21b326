/**
 * The analysts a worker builds from its configuration: model settings from LLM_*, the API key from the secrets
 * provider at the moment the analyst is built (never from the configuration object, never logged).
 */
import type { TradeflowConfig } from '../config';
import type { SecretsProvider } from '../secrets/secrets-provider';
import { createChatModel, type LlmSettings, modelLabel } from './chat-models';
import { createLlmAnalyst, type LlmAnalyst } from './llm-analyst';
import { createConfiguredSupervisorAnalyst } from './supervisor';

/** The LLM settings with the API key filled in from the secrets provider. */
export async function llmSettingsWithSecrets(
  config: TradeflowConfig,
  secrets: SecretsProvider,
): Promise<LlmSettings> {
  const apiKey = await secrets.getSecret('LLM_API_KEY');
  return { ...config.signals.llm, ...(apiKey ? { apiKey } : {}) };
}

/**
 * Whether the settings name a reachable model: Ollama (which has a default local server), or an OpenAI-compatible
 * provider with a key or a base URL.
 */
export function isModelConfigured(settings: LlmSettings): boolean {
  return settings.provider === 'ollama' || Boolean(settings.apiKey) || Boolean(settings.baseUrl);
}

/** The flat LLM analyst (`analyst: "llm"`). Throws LlmConfigError when no model can be built. */
export async function createConfiguredLlmAnalyst(
  config: TradeflowConfig,
  secrets: SecretsProvider,
): Promise<LlmAnalyst> {
  const settings = await llmSettingsWithSecrets(config, secrets);
  return createLlmAnalyst({
    model: createChatModel(settings),
    modelName: modelLabel(settings),
    maxAttempts: settings.maxAttempts,
    timeoutMs: settings.timeoutMs,
  });
}

/** The supervisor analyst (`analyst: "supervisor"`): on the configured model, or on its rules without one. */
export async function createConfiguredSupervisor(
  config: TradeflowConfig,
  secrets: SecretsProvider,
): Promise<LlmAnalyst> {
  const settings = await llmSettingsWithSecrets(config, secrets);
  return createConfiguredSupervisorAnalyst(isModelConfigured(settings) ? settings : undefined);
}

/**
 * Builds the chat model an `llm` analyst talks to, from configuration alone, so teams switch between hosted
 * OpenAI, self-hosted OpenAI-compatible servers (vLLM, LM Studio) and Ollama without code changes.
 *
 * LangChain's own retries are off (maxRetries 0): the analyst retries rejected answers itself, and Temporal retries
 * the activity on transient faults, so a third retry layer would only multiply calls.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAI } from '@langchain/openai';

export const LLM_PROVIDERS = ['openai', 'ollama'] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

export interface LlmSettings {
  provider: LlmProvider;
  model: string;
  /** OpenAI-compatible: the API base (https://api.openai.com/v1, http://vllm:8000/v1, http://localhost:1234/v1);
   * Ollama: the server (http://localhost:11434). Default: the provider's own. */
  baseUrl?: string;
  /** OpenAI-compatible only; filled from the secrets provider (LLM_API_KEY) when the model is built, never logged. */
  apiKey?: string;
  temperature: number;
  timeoutMs: number;
  maxAttempts: number;
}

export class LlmConfigError extends Error {
  override readonly name = 'LlmConfigError';
}

export function createChatModel(settings: LlmSettings): BaseChatModel {
  switch (settings.provider) {
    case 'openai':
      if (!settings.apiKey && !settings.baseUrl) {
        throw new LlmConfigError(
          'The openai LLM provider needs LLM_API_KEY (hosted OpenAI) or LLM_BASE_URL (an OpenAI-compatible server)',
        );
      }
      return new ChatOpenAI({
        model: settings.model,
        temperature: settings.temperature,
        maxRetries: 0,
        timeout: settings.timeoutMs,
        // Self-hosted servers usually take any key; the client library insists on one being set.
        apiKey: settings.apiKey ?? 'not-needed',
        ...(settings.baseUrl ? { configuration: { baseURL: settings.baseUrl } } : {}),
      });
    case 'ollama':
      return new ChatOllama({
        model: settings.model,
        temperature: settings.temperature,
        format: 'json',
        ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
      });
  }
}

/** "provider:model", as recorded on signals. */
export function modelLabel(settings: Pick<LlmSettings, 'provider' | 'model'>): string {
  return `${settings.provider}:${settings.model}`;
}

/**
 * LangChain's FakeListChatModel (scripted answers, in order) that also reports token usage on each answer, as
 * OpenAI-compatible and Ollama clients do. Stands in for model endpoints, which are unreachable from tests.
 */
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { FakeListChatModel } from '@langchain/core/utils/testing';

export interface ScriptedUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}

export class UsageReportingFakeChatModel extends FakeListChatModel {
  constructor(
    responses: string[],
    private readonly usage: ScriptedUsage,
    sleep?: number,
  ) {
    super({ responses, ...(sleep === undefined ? {} : { sleep }) });
  }

  override async _generate(
    messages: BaseMessage[],
    options?: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    const result = await super._generate(messages, options, runManager);
    for (const generation of result.generations) {
      Object.assign(generation.message, { usage_metadata: { ...this.usage } });
    }
    return result;
  }
}

/** Custom search attributes our pipeline upserts; the dev launcher registers them, the Web UI and CLI filter on them. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SYMBOLS = defineSearchAttributeKey('Symbols', SearchAttributeType.KEYWORD_LIST);
export const PIPELINE_STAGE = defineSearchAttributeKey('PipelineStage', SearchAttributeType.KEYWORD);
export const RISK_STATUS = defineSearchAttributeKey('RiskStatus', SearchAttributeType.KEYWORD);
/**
 * The principal (`apikey:<id>` / `jwt:<sub>`) whose API call started the run, set by the API at start and never
 * upserted: four-eyes approval and the per-principal cap on runs in flight read it (src/api/routes).
 */
export const STARTED_BY = defineSearchAttributeKey('StartedBy', SearchAttributeType.KEYWORD);

/** The names and types as `temporal server start-dev --search-attribute NAME=TYPE` and operators expect them. */
export const PIPELINE_SEARCH_ATTRIBUTE_TYPES = {
  Symbols: 'KeywordList',
  PipelineStage: 'Keyword',
  RiskStatus: 'Keyword',
  StartedBy: 'Keyword',
} as const;

export const PIPELINE_STAGES = [
  'queued',
  'validating',
  'ingest',
  'signals',
  'risk',
  'awaiting_approval',
  'completed',
  'failed',
  'cancelled',
] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

export const RISK_STATUSES = ['pending', 'ok', 'breach'] as const;
export type RiskStatus = (typeof RISK_STATUSES)[number];

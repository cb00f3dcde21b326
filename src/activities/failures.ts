/** Maps domain errors to Temporal failures: bad input and unknown symbols are final, transient faults retry. */
import { ApplicationFailure } from '@temporalio/common';

const NON_RETRYABLE_DOMAIN_ERRORS = new Set([
  'UnknownSymbolError',
  'MalformedMarketDataError',
  'UnsupportedRequestError',
]);

export function toActivityFailure(error: unknown): unknown {
  if (error instanceof Error && NON_RETRYABLE_DOMAIN_ERRORS.has(error.name)) {
    return ApplicationFailure.create({
      message: error.message,
      type: error.name,
      nonRetryable: true,
      cause: error,
    });
  }
  return error;
}

export function invalidInput(message: string, details: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    message,
    type: 'InvalidPipelineInput',
    nonRetryable: true,
    details: [details],
  });
}

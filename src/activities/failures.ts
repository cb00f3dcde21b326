/** Maps domain errors to Temporal failures: bad input and unknown symbols are final, transient faults retry. */
import { ApplicationFailure } from '@temporalio/common';
import { NON_RETRYABLE_ERRORS } from '../contracts/errors';

const NON_RETRYABLE_DOMAIN_ERRORS = new Set<string>([
  NON_RETRYABLE_ERRORS.unknownSymbol,
  NON_RETRYABLE_ERRORS.malformedMarketData,
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
    type: NON_RETRYABLE_ERRORS.invalidInput,
    nonRetryable: true,
    details: [details],
  });
}

import { safeMessage, type CallOutcome, type ErrorCategory } from '@leakproof/core';
import type { AwsCall } from './calls.js';

export { failureReason, outcomeReason, safeMessage } from '@leakproof/core';
export type { CallFailure, CallOutcome, ErrorCategory } from '@leakproof/core';

/**
 * How AWS error codes are read. A data table, so a new code is one line (codeql-action style).
 * Matched by exact code first, then by HTTP status.
 */
export const AWS_ERROR_CLASSES: ReadonlyArray<{ codes?: string[]; status?: number; category: ErrorCategory }> = [
  { codes: ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AllAccessDisabled', 'AuthorizationError', 'UnauthorizedAccess'], category: 'access-denied' },
  { codes: ['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'RequestThrottled'], category: 'throttled' },
  { codes: ['OptInRequired', 'InvalidClientTokenId', 'AuthFailure', 'UnrecognizedClientException'], category: 'region-disabled' },
  { codes: ['NoSuchBucket', 'DBSnapshotNotFound', 'DBClusterSnapshotNotFoundFault', 'DBSnapshotNotFoundFault'], category: 'not-found' },
  { status: 403, category: 'access-denied' },
  { status: 429, category: 'throttled' },
  { status: 503, category: 'throttled' },
  { status: 404, category: 'not-found' },
];

export function classifyAwsError(code: string, httpStatus: number | undefined): ErrorCategory {
  for (const entry of AWS_ERROR_CLASSES) if (entry.codes?.includes(code)) return entry.category;
  for (const entry of AWS_ERROR_CLASSES) if (entry.status !== undefined && entry.status === httpStatus) return entry.category;
  return 'error';
}

interface SdkError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Turns an SDK error into an outcome: a documented "not configured" code, or a classified failure. */
export function outcomeOfError<T>(error: unknown, call: AwsCall): CallOutcome<T> {
  const e = (error ?? {}) as SdkError;
  const status = e.$metadata?.httpStatusCode;
  // Errors without a body (e.g. HEAD) arrive named "Unknown"; the HTTP status is then all there is.
  let code = e.Code ?? e.code ?? e.name ?? 'Error';
  if (code === 'Unknown' || code === 'UnknownError') code = status === 403 ? 'AccessDenied' : status === 404 ? 'NotFound' : `HTTP ${status ?? '?'}`;
  if (call.notConfigured?.includes(code)) return { status: 'not-configured', code };
  const category = classifyAwsError(code, status);
  return { status: 'failed', failure: { call: call.id, permission: call.permission, code, category, message: safeMessage(e.message ?? code) } };
}




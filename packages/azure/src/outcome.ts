import { safeMessage, type CallOutcome, type ErrorCategory } from '@leakproof/core';
import type { AzureCall } from './calls.js';

/** How ARM and Storage errors are read: by error code, then by HTTP status. */
export const AZURE_ERROR_CLASSES: ReadonlyArray<{ codes?: string[]; status?: number; category: ErrorCategory }> = [
  { codes: ['AuthorizationFailed', 'AuthorizationPermissionMismatch', 'AuthorizationFailure', 'Forbidden'], category: 'access-denied' },
  { codes: ['TooManyRequests', 'ServerBusy', 'RetryableError'], category: 'throttled' },
  { codes: ['MissingSubscriptionRegistration', 'SubscriptionNotRegistered'], category: 'service-disabled' },
  { codes: ['ResourceNotFound', 'ContainerNotFound', 'NotFound'], category: 'not-found' },
  { status: 403, category: 'access-denied' },
  { status: 429, category: 'throttled' },
  { status: 404, category: 'not-found' },
];

interface AzureError {
  code?: string;
  statusCode?: number;
  message?: string;
  details?: { error?: { code?: string; message?: string } };
}

export function outcomeOfAzureError<T>(error: unknown, call: AzureCall): CallOutcome<T> {
  const e = (error ?? {}) as AzureError;
  // Paged list errors may only say "Pagination failed…"; the code and status still say what happened.
  const code = e.code ?? e.details?.error?.code ?? `HTTP ${e.statusCode ?? '?'}`;
  const category = AZURE_ERROR_CLASSES.find((c) => c.codes?.includes(code))?.category ?? AZURE_ERROR_CLASSES.find((c) => c.status !== undefined && c.status === e.statusCode)?.category ?? 'error';
  return { status: 'failed', failure: { call: call.id, permission: call.action, code, category, message: safeMessage(e.details?.error?.message ?? e.message ?? code) } };
}

import { safeMessage, type CallOutcome, type ErrorCategory } from '@leakproof/core';
import type { GcpCall } from './calls.js';

/** How Google API errors are read: by `error.status` / `errors[].reason`, then by HTTP status. */
export const GCP_ERROR_CLASSES: ReadonlyArray<{ reasons?: string[]; status?: number; category: ErrorCategory }> = [
  { reasons: ['SERVICE_DISABLED', 'accessNotConfigured'], category: 'service-disabled' },
  { reasons: ['PERMISSION_DENIED', 'forbidden', 'insufficientPermissions'], category: 'access-denied' },
  { reasons: ['RESOURCE_EXHAUSTED', 'rateLimitExceeded', 'userRateLimitExceeded'], category: 'throttled' },
  { reasons: ['NOT_FOUND', 'notFound'], category: 'not-found' },
  { status: 403, category: 'access-denied' },
  { status: 429, category: 'throttled' },
  { status: 404, category: 'not-found' },
];

interface GoogleError {
  code?: number | string;
  status?: number;
  message?: string;
  response?: { status?: number; data?: { error?: { code?: number; status?: string; message?: string; errors?: Array<{ reason?: string }>; details?: Array<{ reason?: string }> } } };
  errors?: Array<{ reason?: string }>;
}

export function outcomeOfGoogleError<T>(error: unknown, call: GcpCall): CallOutcome<T> {
  const e = (error ?? {}) as GoogleError;
  const body = e.response?.data?.error;
  const status = e.response?.status ?? e.status ?? (typeof e.code === 'number' ? e.code : undefined) ?? body?.code;
  const reasons = [...(body?.details ?? []).map((d) => d.reason), ...(body?.errors ?? e.errors ?? []).map((x) => x.reason), body?.status].filter((r): r is string => !!r);
  // A disabled API says so in its message too ("... has not been used in project ... or it is disabled").
  if (/has not been used in project|is disabled/i.test(body?.message ?? e.message ?? '')) reasons.unshift('SERVICE_DISABLED');
  let category: ErrorCategory = 'error';
  const byReason = GCP_ERROR_CLASSES.find((c) => c.reasons?.some((r) => reasons.includes(r)));
  if (byReason) category = byReason.category;
  else category = GCP_ERROR_CLASSES.find((c) => c.status !== undefined && c.status === status)?.category ?? 'error';
  const code = reasons[0] ?? `HTTP ${status ?? '?'}`;
  return { status: 'failed', failure: { call: call.id, permission: call.permissions.join(', '), code, category, message: safeMessage(body?.message ?? e.message ?? code) } };
}

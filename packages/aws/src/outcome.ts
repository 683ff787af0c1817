import type { AwsCall } from './calls.js';

/** What one API call gave: its value, "not configured" (a documented default), or a failure. */
export type CallOutcome<T> =
  | { status: 'ok'; value: T }
  | { status: 'not-configured'; code: string }
  | { status: 'failed'; failure: CallFailure }
  /** The value cannot be known yet, e.g. a Terraform plan attribute "known after apply". */
  | { status: 'unknown'; reason: string }
  | { status: 'skipped' };

export interface CallFailure {
  call: string;
  permission: string;
  code: string;
  category: ErrorCategory;
  /** A short, credential-free description. */
  message: string;
}

export type ErrorCategory = 'access-denied' | 'throttled' | 'region-disabled' | 'not-found' | 'error';

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

/** Keeps error messages to one short line and strips anything that looks like a credential. */
export function safeMessage(message: string): string {
  return message
    .split('\n')[0]!
    .replace(/(AKIA|ASIA)[A-Z0-9]{16}/g, '[access key]')
    .replace(/(Signature|X-Amz-Signature|X-Amz-Security-Token|Credential)=[^&\s]+/gi, '$1=[redacted]')
    .slice(0, 300);
}

/** The reason text an unknown fact carries when its call failed. */
export function failureReason(f: CallFailure): string {
  switch (f.category) {
    case 'access-denied':
      return `${f.call} was denied (${f.code}); grant ${f.permission}`;
    case 'throttled':
      return `${f.call} was throttled (${f.code}) after retries`;
    default:
      return `${f.call} failed (${f.code}): ${f.message}`;
  }
}

/** Why an outcome gives no value: the failure, the unknown's reason, or that the call was not made. */
export function outcomeReason(o: Exclude<CallOutcome<unknown>, { status: 'ok' }>, what = 'the value'): string {
  if (o.status === 'failed') return failureReason(o.failure);
  if (o.status === 'unknown') return o.reason;
  if (o.status === 'not-configured') return `${what} is not configured (${o.code})`;
  return `${what} was not read`;
}

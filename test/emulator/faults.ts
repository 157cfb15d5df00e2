/** Scheduled faults: the next N requests matching a rule get a status, a delay or a connection reset. */

export interface FaultRule {
  /** e.g. 'GET'; any when absent. */
  method?: string;
  /** Regex source matched against the URL pathname; any when absent. */
  path?: string;
  /** How many next matching requests get the fault; default 1. */
  count?: number;
  /** Answer with this status and a Mistral-shaped body (429 gets the rate-limit body). */
  status?: number;
  /** Retry-After header sent with `status`. */
  retryAfterSeconds?: number;
  /** Wait before handling (or before answering with `status`). */
  delayMs?: number;
  /** Destroy the socket after this many bytes of the request body received (upload) or of the response body sent. */
  resetAfterBytes?: number;
}

export interface FaultInjector {
  add(rule: FaultRule): void;
  clear(): void;
}

interface ActiveRule {
  rule: FaultRule;
  pathPattern: RegExp | undefined;
  remaining: number;
}

export class FaultQueue implements FaultInjector {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    const problem = describeInvalidRule(rule);
    if (problem) throw new TypeError(`Invalid fault rule: ${problem}`);
    this.rules.push({
      rule: { ...rule },
      pathPattern: rule.path === undefined ? undefined : new RegExp(rule.path),
      remaining: rule.count ?? 1,
    });
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule matching this request, consumed by one use. */
  take(method: string, pathname: string): FaultRule | undefined {
    const index = this.rules.findIndex((active) =>
      (active.rule.method === undefined || active.rule.method.toUpperCase() === method.toUpperCase()) &&
      (active.pathPattern === undefined || active.pathPattern.test(pathname)));
    if (index === -1) return undefined;
    const active = this.rules[index];
    active.remaining--;
    if (active.remaining <= 0) this.rules.splice(index, 1);
    return active.rule;
  }
}

/** A human-readable reason the rule is unusable, or undefined when it is fine. */
export function describeInvalidRule(rule: unknown): string | undefined {
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) return 'expected a JSON object';
  const candidate = rule as Record<string, unknown>;
  const known = new Set(['method', 'path', 'count', 'status', 'retryAfterSeconds', 'delayMs', 'resetAfterBytes']);
  const unknownKey = Object.keys(candidate).find((key) => !known.has(key));
  if (unknownKey) return `unknown field "${unknownKey}"`;
  for (const key of ['method', 'path'] as const) {
    if (candidate[key] !== undefined && typeof candidate[key] !== 'string') return `"${key}" must be a string`;
  }
  for (const key of ['count', 'status', 'retryAfterSeconds', 'delayMs', 'resetAfterBytes'] as const) {
    const value = candidate[key];
    if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value >= 0)) {
      return `"${key}" must be a non-negative integer`;
    }
  }
  if (typeof candidate.status === 'number' && (candidate.status < 100 || candidate.status > 599)) return '"status" must be 100..599';
  if (typeof candidate.path === 'string') {
    try {
      new RegExp(candidate.path);
    } catch (err) {
      return `"path" is not a valid regex: ${(err as Error).message}`;
    }
  }
  if (candidate.status === undefined && candidate.delayMs === undefined && candidate.resetAfterBytes === undefined) {
    return 'give at least one of "status", "delayMs", "resetAfterBytes"';
  }
  return undefined;
}

// Session timing. The server ends a session after `idle_timeout_seconds`
// without a request, or at `expires_at` whatever happens; every API call
// resets the idle clock. The app warns before the earlier of the two.

export interface SessionClock {
  lastActivity: number; // ms, the last successful API answer
  idleTimeoutSeconds: number;
  expiresAt: number; // ms, the absolute end
}

/** How long before the end the warning shows: 2 minutes, or a third of a short idle timeout. */
export function warningLeadSeconds(idleTimeoutSeconds: number): number {
  return Math.min(120, Math.max(10, Math.floor(idleTimeoutSeconds / 3)));
}

export interface SessionState {
  /** Seconds until the session ends (idle or absolute, whichever is first); never negative. */
  remainingSeconds: number;
  /** Which limit comes first: idle can be extended by "stay signed in", absolute cannot. */
  limit: 'idle' | 'absolute';
  warn: boolean;
  ended: boolean;
}

export function sessionState(c: SessionClock, now: number): SessionState {
  const idleEnd = c.lastActivity + c.idleTimeoutSeconds * 1000;
  const end = Math.min(idleEnd, c.expiresAt);
  const remaining = Math.max(0, (end - now) / 1000);
  const limit = c.expiresAt <= idleEnd ? 'absolute' : 'idle';
  return {
    remainingSeconds: remaining,
    limit,
    warn: remaining > 0 && remaining <= warningLeadSeconds(c.idleTimeoutSeconds),
    ended: remaining <= 0,
  };
}

// The signed-in user and the session's clock, for every screen.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me, Role } from './api';
import type { Organisation } from './lib/organisation';

export interface SessionValue {
  user: Me;
  signOut: (reason?: string) => void;
  /** The organisation (GET /organisation), read once at sign-in and kept in memory only. */
  org: Organisation;
  /** The organisation's today (YYYY-MM-DD), moving on past its midnight. */
  today: () => string;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a session');
  return s;
}

/** What a role may do in the web app (the server checks again on every call). */
export const can = {
  worklist: (r: Role) => r === 'case_manager' || r === 'supervisor',
  teamWorklist: (r: Role) => r === 'supervisor',
  patients: (r: Role) => r === 'case_manager' || r === 'supervisor' || r === 'auditor',
  write: (r: Role) => r === 'case_manager' || r === 'supervisor',
  assess: (r: Role) => r === 'case_manager' || r === 'supervisor',
  reports: (r: Role) => r === 'supervisor' || r === 'auditor',
  /** The supervisor's screen: the team, its documentation, reassignment, coverage. */
  supervise: (r: Role) => r === 'supervisor',
  /** A case manager's own documentation checklist. */
  ownDocumentation: (r: Role) => r === 'case_manager',
  /** Assign cases to the team's case managers (manage care teams). */
  assign: (r: Role) => r === 'supervisor',
};

export const ROLE_LABELS: Record<Role, string> = {
  case_manager: 'Case manager',
  supervisor: 'Supervisor',
  auditor: 'Auditor',
  admin: 'Administrator',
  integration: 'Integration',
};

// The signed-in session: Trellis's access and refresh tokens, kept in localStorage so a
// reload stays signed in. (localStorage is readable by any script on the page; an app with
// third-party scripts should weigh keeping the refresh token elsewhere.)
import { useSyncExternalStore } from "react";

export interface Session {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
}

const STORAGE_KEY = "trellis.session";

const listeners = new Set<() => void>();
let current: Session | null = read();

function read(): Session | null {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === null) return null;
  try {
    return JSON.parse(stored) as Session;
  } catch {
    return null;
  }
}

export function getSession(): Session | null {
  return current;
}

export function setSession(session: Session | null): void {
  current = session;
  if (session === null) localStorage.removeItem(STORAGE_KEY);
  else localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  listeners.forEach((listener) => listener());
}

/** Whether the access token has expired, or will within `marginMs`, by this clock. */
export function accessTokenExpires(session: Session, marginMs: number): boolean {
  return Date.parse(session.accessTokenExpiresAt) - marginMs <= Date.now();
}

/** The session, re-rendering the component when it changes. */
export function useSession(): Session | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSession,
  );
}

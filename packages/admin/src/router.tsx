import { useEffect, useState, type MouseEvent, type ReactNode } from 'react';

/** Where the server mounts the panel; client-side routes live under it (SPA fallback). */
export const BASE = '/admin';

const listeners = new Set<() => void>();

/** Client-side navigation under /admin (history API; the server answers every /admin/* with the app). */
export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', BASE + to);
  else history.pushState(null, '', BASE + to);
  navigations += 1;
  for (const l of listeners) l();
}

function current(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  return path === '' ? '/' : path;
}

let navigations = 0;

/** The current path relative to /admin, e.g. `/keys/abc`. */
export function usePath(): string {
  return useNavigation().path;
}

/** The current path and a counter that moves on every navigation, even to the same path. */
export function useNavigation(): { path: string; seq: number } {
  const [state, setState] = useState(() => ({ path: current(), seq: navigations }));
  useEffect(() => {
    const update = () => setState({ path: current(), seq: navigations });
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return state;
}

export function Link(props: { to: string; children: ReactNode; current?: boolean }) {
  return (
    <a
      href={BASE + props.to}
      aria-current={props.current ? 'page' : undefined}
      onClick={(e: MouseEvent<HTMLAnchorElement>) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

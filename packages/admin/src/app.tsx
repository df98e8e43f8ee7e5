import type { Role, Whoami } from '@payment-gateway/contract';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { expectStatus } from './api/api-error.js';
import { Api } from './api/client.js';
import { readSelectedOrganization, writeSelectedOrganization } from './api/cookies.js';
import { orgKeyStore, systemKeyStore } from './api/key-store.js';
import { ErrorMessage } from './components/error-message.js';
import { OrgSwitcher } from './components/org-switcher.js';
import { SignInForm } from './components/sign-in-form.js';
import { KeyDetailPage } from './pages/key-detail-page.js';
import { KeysPage } from './pages/keys-page.js';
import { OrganizationsPage } from './pages/organizations-page.js';
import { SystemSettingsPage } from './pages/system-settings-page.js';
import { permissionsFor } from './permissions.js';
import { Link, navigate, useNavigation } from './router.js';

type SessionWhoami = Extract<Whoami, { type: 'session' }>;
type State = { phase: 'starting' } | { phase: 'signed-out' } | { phase: 'signed-in'; me: SessionWhoami; orgs: { id: string; label: string }[] };

/** The panel: sign-in, the organization switcher, navigation and the pages (SPEC §11). */
export function App({ api }: { api: Api }) {
  const [state, setState] = useState<State>({ phase: 'starting' });
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { path, seq } = useNavigation();

  /** Who is signed in and which organizations the switcher offers; keeps the selection when it still exists. */
  const loadSession = useCallback(async () => {
    const me = expectStatus(await api.client.auth.whoami(), 200);
    if (me.type !== 'session') throw new Error('The panel needs a dashboard session.');
    const orgs = await organizationsOf(api, me);
    const remembered = readSelectedOrganization();
    const pick = orgs.find((o) => o.id === remembered)?.id ?? orgs[0]?.id ?? null;
    writeSelectedOrganization(pick);
    setSelected(pick);
    setState({ phase: 'signed-in', me, orgs });
  }, [api]);

  // Organizations created or offboarded elsewhere show up on the next navigation.
  const signedIn = state.phase === 'signed-in';
  useEffect(() => {
    if (signedIn) void loadSession().catch(setError);
  }, [path, seq, signedIn, loadSession]);

  useEffect(() => {
    api.onSessionLost = () => setState({ phase: 'signed-out' });
    api
      .refresh()
      .then((ok) => (ok ? loadSession() : setState({ phase: 'signed-out' })))
      .catch((err: unknown) => {
        setError(err);
        setState({ phase: 'signed-out' });
      });
  }, [api, loadSession]);

  const signIn = async (email: string, password: string) => {
    const res = expectStatus(await api.client.auth.login({ body: { email, password } }), 200);
    api.setToken(res.token);
    setError(null);
    await loadSession();
  };
  const signOut = async () => {
    try {
      await api.client.auth.logout();
    } finally {
      api.setToken(null);
      setState({ phase: 'signed-out' });
    }
  };
  const selectOrg = (orgId: string) => {
    writeSelectedOrganization(orgId);
    setSelected(orgId);
    if (path.startsWith('/keys/')) navigate('/keys');
  };

  const me = state.phase === 'signed-in' ? state.me : null;
  const role: Role | null = me?.memberships.find((m) => m.organizationId === selected)?.role ?? null;
  const permissions = useMemo(() => permissionsFor(me?.globalAdmin ?? false, role), [me, role]);
  const orgStore = useMemo(() => (selected ? orgKeyStore(api.client, selected) : null), [api, selected]);
  const sysStore = useMemo(() => systemKeyStore(api.client), [api]);

  if (state.phase === 'starting') return <p aria-busy="true" className="starting">Loading…</p>;
  if (state.phase === 'signed-out')
    return (
      <>
        <ErrorMessage error={error} />
        <SignInForm onSignIn={signIn} />
      </>
    );

  const admin = state.me.globalAdmin;
  const reloadOrgs = () => void loadSession().catch(setError);
  let page;
  if (path === '/' || path === '/keys') {
    page = orgStore ? (
      <KeysPage key={`${selected}:${seq}`} title="API keys" store={orgStore} permissions={permissions} detailPath={(k) => `/keys/${k.id}`} />
    ) : (
      <NoOrganization admin={admin} />
    );
  } else if (path.startsWith('/keys/')) {
    page = orgStore ? <KeyDetailPage key={path} store={orgStore} keyId={decodeURIComponent(path.slice(6))} api={api} organizationId={selected} /> : <NoOrganization admin={admin} />;
  } else if (admin && path === '/system/keys') {
    page = <KeysPage key={seq} title="System API keys" store={sysStore} permissions={permissionsFor(true, null)} detailPath={(k) => `/system/keys/${k.id}`} />;
  } else if (admin && path.startsWith('/system/keys/')) {
    page = <KeyDetailPage key={path} store={sysStore} keyId={decodeURIComponent(path.slice(13))} api={api} organizationId={null} />;
  } else if (admin && path === '/system/settings') {
    page = <SystemSettingsPage api={api} />;
  } else if (admin && path === '/organizations') {
    page = <OrganizationsPage api={api} onChanged={reloadOrgs} />;
  } else {
    page = (
      <section>
        <h1>Page not found</h1>
        <p>
          <Link to="/keys">Go to API keys</Link>
        </p>
      </section>
    );
  }

  return (
    <div className="layout">
      <header className="top">
        <span className="brand">Payment Gateway Admin</span>
        <OrgSwitcher organizations={state.orgs} selected={selected} onSelect={selectOrg} />
        <span className="muted">
          {state.me.user.email}
          {admin ? ' (global admin)' : role ? ` (${role})` : ''}
        </span>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <nav aria-label="Main">
        <ul>
          <li>
            <Link to="/keys" current={path === '/keys' || path === '/'}>
              API keys
            </Link>
          </li>
          {admin ? (
            <>
              <li>
                <Link to="/system/keys" current={path === '/system/keys'}>
                  System API keys
                </Link>
              </li>
              <li>
                <Link to="/system/settings" current={path === '/system/settings'}>
                  System settings
                </Link>
              </li>
              <li>
                <Link to="/organizations" current={path === '/organizations'}>
                  Organizations
                </Link>
              </li>
            </>
          ) : null}
        </ul>
      </nav>
      <main>
        <ErrorMessage error={error} />
        {page}
      </main>
    </div>
  );
}

/**
 * The organizations the switcher offers, with their names: every active organization for a
 * global admin; otherwise the memberships, named through GET /organizations/settings (which
 * reads the selectedOrganization cookie, so each is asked for in turn and the cookie restored).
 */
function organizationsOf(api: Api, me: SessionWhoami): Promise<{ id: string; label: string }[]> {
  // One at a time: two interleaved cookie walks would read each other's organization.
  const run = orgWalk.then(() => listOrganizations(api, me));
  orgWalk = run.catch(() => undefined);
  return run;
}
let orgWalk: Promise<unknown> = Promise.resolve();

async function listOrganizations(api: Api, me: SessionWhoami): Promise<{ id: string; label: string }[]> {
  if (me.globalAdmin) {
    const page = expectStatus(await api.client.system.listOrganizations({ query: { page: 1, limit: 100, status: 'active' } }), 200);
    return page.items.map((o) => ({ id: o.id, label: o.name }));
  }
  const remembered = readSelectedOrganization();
  const out: { id: string; label: string }[] = [];
  try {
    for (const m of me.memberships) {
      writeSelectedOrganization(m.organizationId);
      const res = await api.client.organization.getSettings();
      // An offboarded organization is not offered; any other failure still lists the id.
      if (res.status === 200) out.push({ id: m.organizationId, label: res.body.name });
      else if (res.status !== 404 && res.status !== 403) out.push({ id: m.organizationId, label: m.organizationId });
    }
  } finally {
    writeSelectedOrganization(remembered);
  }
  return out;
}

function NoOrganization({ admin }: { admin: boolean }) {
  return (
    <section>
      <h1>API keys</h1>
      <p>
        You are not a member of any organization yet.{' '}
        {admin ? <Link to="/organizations">Create an organization</Link> : 'Ask a global administrator to add you to one.'}
      </p>
    </section>
  );
}

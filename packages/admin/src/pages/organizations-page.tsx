import type { Organization } from '@payment-gateway/contract';
import { useCallback, useEffect, useState } from 'react';
import { expectStatus } from '../api/api-error.js';
import type { Api } from '../api/client.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ErrorMessage } from '../components/error-message.js';
import { formatTime } from '../format.js';

/** Organizations (global admins): list, create, offboard (SPEC §4.5). */
export function OrganizationsPage(props: { api: Api; onChanged: () => void }) {
  const { api } = props;
  const [orgs, setOrgs] = useState<Organization[] | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [offboarding, setOffboarding] = useState<Organization | null>(null);

  const load = useCallback(() => {
    api.client.system
      .listOrganizations({ query: { page: 1, limit: 100 } })
      .then((r) => setOrgs(expectStatus(r, 200).items), setError);
  }, [api]);
  useEffect(load, [load]);

  return (
    <section aria-labelledby="orgs-heading">
      <h1 id="orgs-heading">Organizations</h1>
      <form
        className="inline-form"
        aria-label="New organization"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          api.client.system
            .createOrganization({ body: { name: name.trim() } })
            .then((r) => {
              expectStatus(r, 201);
              setName('');
              load();
              props.onChanged();
            })
            .catch(setError);
        }}
      >
        <label className="field">
          <span>Organization name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </label>
        <button type="submit" className="primary">
          Create organization
        </button>
      </form>
      <ErrorMessage error={error} />
      {orgs === null ? null : (
        <table aria-label="Organizations">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Id</th>
              <th scope="col">Status</th>
              <th scope="col">Portal</th>
              <th scope="col">Created</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {orgs.map((o) => (
              <tr key={o.id}>
                <td>{o.name}</td>
                <td className="mono">{o.id}</td>
                <td>{o.status}</td>
                <td>{o.portalEnabled ? 'enabled' : 'disabled'}</td>
                <td>{formatTime(o.createdAt)}</td>
                <td>
                  {o.status === 'active' ? (
                    <button type="button" className="danger" onClick={() => setOffboarding(o)}>
                      Offboard
                    </button>
                  ) : (
                    formatTime(o.offboardedAt)
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {offboarding ? (
        <ConfirmDialog
          title={`Offboard ${offboarding.name}`}
          onClose={() => setOffboarding(null)}
          onConfirm={async () => {
            expectStatus(await api.client.system.offboardOrganization({ params: { orgId: offboarding.id } }), 200);
            setOffboarding(null);
            load();
            props.onChanged();
          }}
        >
          <p>Offboarding stops every key and session of the organization at once.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

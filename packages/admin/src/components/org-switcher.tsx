/** The `Organization` combobox; the app keeps the selectedOrganization cookie in step with it. */
export function OrgSwitcher(props: { organizations: { id: string; label: string }[]; selected: string | null; onSelect: (orgId: string) => void }) {
  return (
    <label className="org-switcher">
      <span>Organization</span>
      <select aria-label="Organization" value={props.selected ?? ''} onChange={(e) => props.onSelect(e.target.value)} disabled={props.organizations.length === 0}>
        {props.organizations.length === 0 ? <option value="">No organization</option> : null}
        {props.organizations.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

import { ACTIONS, type Scope } from '@payment-gateway/contract';
import type { ScopeRow } from '../scope-model.js';

/** Resources × actions; one checkbox per scope, named by the scope itself (`client:read`). */
export function ScopeGrid(props: { rows: ScopeRow[]; selected: ReadonlySet<Scope>; grantable: (scope: Scope) => boolean; onToggle: (scope: Scope) => void }) {
  return (
    <table className="scope-grid" aria-label="Scopes">
      <thead>
        <tr>
          <th scope="col">Resource</th>
          {ACTIONS.map((a) => (
            <th scope="col" key={a}>
              {a}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr key={row.resource}>
            <th scope="row" title={row.description}>
              {row.resource}
            </th>
            {row.cells.map((cell) => (
              <td key={cell.action}>
                {cell.scope && props.grantable(cell.scope) ? (
                  <input
                    type="checkbox"
                    aria-label={cell.scope}
                    title={cell.description ?? undefined}
                    checked={props.selected.has(cell.scope)}
                    onChange={() => props.onToggle(cell.scope!)}
                  />
                ) : null}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

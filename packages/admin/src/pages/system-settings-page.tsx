import type { SystemSettings } from '@payment-gateway/contract';
import { useEffect, useState } from 'react';
import { expectStatus } from '../api/api-error.js';
import type { Api } from '../api/client.js';
import { ErrorMessage } from '../components/error-message.js';

/** System settings (global admins): portal TTLs and switches, key grace and key-age policy, organization defaults. */
export function SystemSettingsPage({ api }: { api: Api }) {
  const [settings, setSettings] = useState<SystemSettings | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    api.client.system.getSettings().then((r) => setSettings(expectStatus(r, 200)), setError);
  }, [api]);

  if (!settings)
    return (
      <section>
        <h1>System settings</h1>
        <ErrorMessage error={error} />
      </section>
    );

  const num = (v: string) => (v.trim() === '' ? Number.NaN : Number(v));
  const set = (update: (s: SystemSettings) => SystemSettings) => {
    setSaved(false);
    setSettings(update(settings));
  };
  return (
    <section aria-labelledby="settings-heading">
      <h1 id="settings-heading">System settings</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          api.client.system
            .updateSettings({ body: settings })
            .then((r) => {
              setSettings(expectStatus(r, 200));
              setSaved(true);
            })
            .catch(setError);
        }}
      >
        <fieldset>
          <legend>Customer portal</legend>
          <label className="check">
            <input type="checkbox" checked={settings.portal.enabled} onChange={(e) => set((s) => ({ ...s, portal: { ...s.portal, enabled: e.target.checked } }))} />
            Portal enabled
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={settings.portal.magicLinksEnabled}
              onChange={(e) => set((s) => ({ ...s, portal: { ...s.portal, magicLinksEnabled: e.target.checked } }))}
            />
            Magic links enabled
          </label>
          <label className="field">
            <span>Magic link lifetime (minutes)</span>
            <input inputMode="numeric" value={String(settings.portal.magicLinkTtlMinutes)} onChange={(e) => set((s) => ({ ...s, portal: { ...s.portal, magicLinkTtlMinutes: num(e.target.value) } }))} />
          </label>
          <label className="field">
            <span>Portal session lifetime (minutes)</span>
            <input inputMode="numeric" value={String(settings.portal.sessionTtlMinutes)} onChange={(e) => set((s) => ({ ...s, portal: { ...s.portal, sessionTtlMinutes: num(e.target.value) } }))} />
          </label>
        </fieldset>
        <fieldset>
          <legend>API key rotation</legend>
          <label className="field">
            <span>Default grace period (seconds)</span>
            <input
              inputMode="numeric"
              value={String(settings.keyPolicy.defaultGracePeriodSeconds)}
              onChange={(e) => set((s) => ({ ...s, keyPolicy: { ...s.keyPolicy, defaultGracePeriodSeconds: num(e.target.value) } }))}
            />
          </label>
          <label className="field">
            <span>Longest grace period (seconds)</span>
            <input
              inputMode="numeric"
              value={String(settings.keyPolicy.maxGracePeriodSeconds)}
              onChange={(e) => set((s) => ({ ...s, keyPolicy: { ...s.keyPolicy, maxGracePeriodSeconds: num(e.target.value) } }))}
            />
          </label>
          <label className="field">
            <span>Maximum key age (days; empty = no maximum)</span>
            <input
              inputMode="numeric"
              value={settings.keyPolicy.maxKeyAgeDays === null ? '' : String(settings.keyPolicy.maxKeyAgeDays)}
              onChange={(e) =>
                set((s) => ({ ...s, keyPolicy: { ...s.keyPolicy, maxKeyAgeDays: e.target.value.trim() === '' ? null : num(e.target.value) } }))
              }
            />
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={settings.keyPolicy.enforceMaxKeyAge}
              onChange={(e) => set((s) => ({ ...s, keyPolicy: { ...s.keyPolicy, enforceMaxKeyAge: e.target.checked } }))}
            />
            Refuse keys past the maximum age (after the grace below)
          </label>
          <label className="field">
            <span>Grace after a key falls due (days)</span>
            <input
              inputMode="numeric"
              value={String(settings.keyPolicy.rotationGraceDays)}
              onChange={(e) => set((s) => ({ ...s, keyPolicy: { ...s.keyPolicy, rotationGraceDays: num(e.target.value) } }))}
            />
          </label>
        </fieldset>
        <fieldset>
          <legend>New organizations</legend>
          <label className="check">
            <input
              type="checkbox"
              checked={settings.organizationDefaults.portalEnabled}
              onChange={(e) => set((s) => ({ ...s, organizationDefaults: { portalEnabled: e.target.checked } }))}
            />
            Portal enabled for new organizations
          </label>
        </fieldset>
        <ErrorMessage error={error} />
        <p aria-live="polite" className="muted">
          {saved ? 'Saved.' : ''}
        </p>
        <button type="submit" className="primary">
          Save settings
        </button>
      </form>
    </section>
  );
}

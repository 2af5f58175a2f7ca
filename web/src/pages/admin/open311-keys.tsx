/** The city's administrators issue, list and revoke the keys other systems file Open311 requests with. */
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { ErrorBanner, useApp, useLoad } from '../../app';
import { Field, FormFooter } from '../../forms';
import type { IssuedOpen311Key, Open311KeyView } from '../../../../src/api/open311/schemas';
import { AdminTabs, ConfirmButton, useAdminSubmit } from './common';

export function AdminOpen311KeysPage() {
  const { t, session, lang } = useApp();
  const keys = useLoad(() => api<{ items: Open311KeyView[] }>('GET', '/api/v1/open311/keys').then((r) => r.items), [session?.personId]);
  const [name, setName] = useState('');
  const [issued, setIssued] = useState<IssuedOpen311Key | null>(null);
  const [busy, setBusy] = useState('');
  const [revokeError, setRevokeError] = useState<unknown>(null);
  const create = useAdminSubmit(
    () => api<IssuedOpen311Key>('POST', '/api/v1/open311/keys', { body: { name } }),
    (key) => {
      setIssued(key);
      setName('');
      keys.reload();
    },
  );
  const revoke = async (id: string) => {
    setBusy(id);
    setRevokeError(null);
    try {
      await api('POST', `/api/v1/open311/keys/${id}/revoke`);
      keys.reload();
    } catch (error) {
      setRevokeError(error);
    } finally {
      setBusy('');
    }
  };
  const when = (iso: string) => new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB');
  return (
    <div class="card" data-testid="admin-open311">
      <AdminTabs current="open311" />
      <h1>{t('admin.open311.title')}</h1>
      <p class="muted">{t('admin.open311.intro')}</p>
      {issued && (
        <div class="banner ok" data-testid="open311-issued">
          <p>{t('admin.open311.issued', { name: issued.name })}</p>
          <code class="secret" data-testid="open311-key">
            {issued.key}
          </code>
        </div>
      )}
      <ErrorBanner error={keys.error ?? revokeError} onRetry={keys.reload} />
      {keys.data &&
        (keys.data.length === 0 ? (
          <p class="muted">{t('admin.open311.none')}</p>
        ) : (
          <div class="table-wrap">
            <table class="admin-table" data-testid="open311-table">
              <thead>
                <tr>
                  <th>{t('admin.open311.system')}</th>
                  <th>{t('admin.open311.id')}</th>
                  <th>{t('admin.open311.created')}</th>
                  <th>{t('admin.open311.state')}</th>
                  <th>{t('admin.centre.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {keys.data.map((key) => (
                  <tr key={key.id} data-testid={`open311-row-${key.id}`}>
                    <td data-label={t('admin.open311.system')}>{key.name}</td>
                    <td data-label={t('admin.open311.id')}>
                      <code>{key.id}</code>
                    </td>
                    <td data-label={t('admin.open311.created')}>{when(key.createdAt)}</td>
                    <td data-label={t('admin.open311.state')}>{key.revokedAt ? t('admin.open311.revokedAt', { when: when(key.revokedAt) }) : t('admin.open311.active')}</td>
                    <td data-label={t('admin.centre.actions')}>
                      {!key.revokedAt && (
                        <ConfirmButton label={t('admin.open311.revoke')} question={t('admin.open311.revokeQuestion', { name: key.name })} danger busy={busy === key.id} testid={`revoke-${key.id}`} onConfirm={() => void revoke(key.id)} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      <form class="form" noValidate onSubmit={create.submit} data-testid="open311-form">
        <h2>{t('admin.open311.add')}</h2>
        <Field label={t('admin.open311.system')} name="name" errors={create.errors} hint={t('admin.open311.nameHint')}>
          <input name="name" value={name} maxLength={100} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <FormFooter busy={create.busy} error={create.error} errors={create.errors} label={t('admin.open311.issue')} testid="open311-submit" />
      </form>
    </div>
  );
}

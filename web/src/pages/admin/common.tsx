/** What the administration pages share: their tabs, the centres of my area, field errors in the reader's language. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, type Centre } from '../../api';
import { Link, useApp, useLoad, type AppState } from '../../app';
import { useSubmit } from '../../forms';
import { localReason } from '../../reasons';
import { adminReasonCode } from '../../../../src/domain/administration';
import './admin.css';

type AdminTab = 'people' | 'centres' | 'departments' | 'open311';

export function AdminTabs(props: { current: AdminTab }) {
  const { t, session, centres } = useApp();
  const city = session?.centreId !== undefined && centres.get(session.centreId)?.level === 'city';
  const tabs: [AdminTab, string][] = [['people', '/admin']];
  if (city) tabs.push(['centres', '/admin/centres']);
  tabs.push(['departments', '/admin/departments']);
  // Other systems' keys are the city's to give.
  if (city) tabs.push(['open311', '/admin/open311-keys']);
  return (
    <nav class="admin-tabs" aria-label={t('admin.tabs')}>
      {tabs.map(([name, href]) => (
        <Link key={name} href={href} class={name === props.current ? 'current' : ''} data-testid={`admin-tab-${name}`}>
          {t(`admin.tab.${name}`)}
        </Link>
      ))}
    </nav>
  );
}

/** Every centre, read afresh (an administrator's changes show at once), parents before children. */
export function useCentres(): { list: Centre[]; byId: Map<string, Centre>; error: unknown; reload(): void } {
  const loaded = useLoad(() => api<{ items: Centre[] }>('GET', '/api/v1/centres', { auth: false }).then((r) => r.items), []);
  const list = loaded.data ?? [];
  return { list, byId: new Map(list.map((c) => [c.id, c])), error: loaded.error, reload: loaded.reload };
}

/** The centres of my area (mine and below), open ones only unless asked, in tree order. */
export function subtreeOf(list: Centre[], rootId: string | undefined, withClosed = false): Centre[] {
  if (!rootId) return [];
  const inside = list.filter((c) => c.path.includes(rootId) && (withClosed || c.closedAt === null));
  return inside.sort((a, b) => a.path.join('/').localeCompare(b.path.join('/')));
}

/** A centre's name in a select, indented by its depth below the root of the list. */
export function indented(centre: Centre, name: AppState['name'], rootDepth: number): string {
  return `${'\u3000'.repeat(Math.max(0, centre.path.length - rootDepth))}${name(centre.name)}`;
}

/** A field's reason from the API in the reader's language. */
export function adminReason(reason: string, t: AppState['t']): string {
  const code = adminReasonCode(reason);
  return code ? t(`adminReason.${code}`) : localReason(reason, t);
}

/** A submission whose field errors are worded by the administration rules' reasons. */
export function useAdminSubmit<T>(send: () => Promise<T>, onDone: (result: T) => void) {
  const { t } = useApp();
  return useSubmit(send, onDone, (reason) => adminReason(reason, t));
}

/** A button that asks before it acts: the question and a confirm button appear in its place. */
export function ConfirmButton(props: { label: string; question: string; onConfirm: () => void; busy?: boolean; danger?: boolean; testid: string; children?: ComponentChildren }) {
  const { t } = useApp();
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" class={props.danger ? 'danger' : ''} disabled={props.busy} data-testid={props.testid} onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  }
  return (
    <div class="confirm" role="alertdialog" data-testid={`${props.testid}-confirm`}>
      <p>{props.question}</p>
      {props.children}
      <div class="buttons">
        <button
          type="button"
          class={props.danger ? 'primary danger' : 'primary'}
          disabled={props.busy}
          data-testid={`${props.testid}-yes`}
          onClick={() => {
            setAsking(false);
            props.onConfirm();
          }}
        >
          {t('admin.confirm')}
        </button>
        <button type="button" onClick={() => setAsking(false)}>
          {t('form.cancel')}
        </button>
      </div>
    </div>
  );
}

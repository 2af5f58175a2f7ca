import { useMemo, useState } from 'preact/hooks';
import { api, CHANNELS, type Centre, type Channel, type CreatedCase, type Role } from '../api';
import { Link, useApp } from '../app';
import { Field, FormFooter, useSubmit } from '../forms';
import { FilePicker, NO_FILES, type PickedFiles } from '../files';
import { LocationPicker, SimilarBeforeFiling, type ReportedLocation } from '../location';


const CHANNEL_BY_ROLE: Record<Role, Channel> = { resident: 'app', grid_worker: 'grid', mediator: 'walk_in', admin: 'walk_in', expert: 'app', department: 'walk_in' };
/** What staff may pick: Open311 is the channel of reports that come in through that API. */
const STAFF_CHANNELS = CHANNELS.filter((c) => c !== 'open311');

/** The open centres under a parent: a closed centre takes no new reports. */
function children(centres: Map<string, Centre>, parentId: string | null): Centre[] {
  return [...centres.values()].filter((c) => c.parentId === parentId && c.closedAt === null).sort((a, b) => a.id.localeCompare(b.id));
}

export function ReportPage() {
  const { t, session, centres, categories, name, centreName } = useApp();
  const home = session?.centreId ? centres.get(session.centreId) : undefined;
  const homePath = home?.path ?? [];
  const [category, setCategory] = useState('');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [channel, setChannel] = useState<Channel>(CHANNEL_BY_ROLE[session?.role ?? 'resident']);
  const [county, setCounty] = useState(homePath[1] ?? '');
  const [town, setTown] = useState(homePath[2] ?? '');
  const [village, setVillage] = useState(homePath[3] ?? '');
  const [address, setAddress] = useState('');
  const [place, setPlace] = useState<ReportedLocation | null>(null);
  const [contactName, setContactName] = useState(session?.name ?? '');
  // A resident reports for themselves: their own number, which they can still change.
  const [phone, setPhone] = useState(session?.role === 'resident' ? (session.phone ?? '') : '');
  const [parties, setParties] = useState<{ name: string; role: string }[]>([]);
  const [affected, setAffected] = useState('');
  const [files, setFiles] = useState<PickedFiles>(NO_FILES);
  const [created, setCreated] = useState<CreatedCase | null>(null);
  const [key, setKey] = useState(() => `web-${Date.now()}-${Math.random().toString(36).slice(2)}`);

  // Centres load after the first render: fill the place from the home centre once they arrive.
  const effectiveCounty = county || homePath[1] || '';
  const effectiveTown = town || (county ? '' : homePath[2] || '');
  const effectiveVillage = village || (town || county ? '' : homePath[3] || '');

  const cityId = useMemo(() => [...centres.values()].find((c) => c.level === 'city')?.id ?? null, [centres]);
  const counties = cityId ? children(centres, cityId) : [];
  const towns = effectiveCounty ? children(centres, effectiveCounty) : [];
  const villages = effectiveTown ? children(centres, effectiveTown) : [];

  const form = useSubmit(
    () => {
      const body: Record<string, unknown> = {
        category,
        title,
        description,
        channel,
        location: { centreId: effectiveVillage, address, ...(place ?? {}) },
        complainant: { name: contactName, phone },
      };
      if (parties.length > 0) body.parties = parties;
      if (affected.trim() !== '') body.affectedCount = Number(affected);
      // Photos go first (each uploaded when picked); the report names them by id.
      if (files.ids.length > 0) body.files = files.ids;
      return api<CreatedCase>('POST', '/api/v1/cases', { body, headers: { 'Idempotency-Key': key } });
    },
    (result) => setCreated(result),
  );

  if (!session) {
    return (
      <div class="card">
        <h1>{t('report.title')}</h1>
        <p>{t('report.needSignIn')}</p>
        <Link class="button primary" href="/signin?next=/report">
          {t('nav.signIn')}
        </Link>
      </div>
    );
  }

  if (created) {
    return (
      <div class="card success" data-testid="report-done">
        <h1>{t('report.done')}</h1>
        <p>{t('report.caseNumber')}</p>
        <p class="case-number" data-testid="case-number">
          {created.caseNumber}
        </p>
        <p class="muted">
          {t('case.holder')}: {centreName(created.centreId)} · {t('case.stage')}: {t(`stage.${created.stage}`)}
        </p>
        <p>{t('report.keepNumber')}</p>
        <div class="buttons">
          <Link class="button primary" href={`/cases/${created.id}`} data-testid="view-case">
            {t('report.view')}
          </Link>
          <button
            onClick={() => {
              setCreated(null);
              setTitle('');
              setPlace(null);
              setDescription('');
              setParties([]);
              setFiles(NO_FILES);
              setKey(`web-${Date.now()}-${Math.random().toString(36).slice(2)}`);
            }}
          >
            {t('report.another')}
          </button>
        </div>
      </div>
    );
  }

  const e = form.errors;
  return (
    <form class="card form" onSubmit={form.submit} noValidate data-testid="report-form">
      <h1>{t('report.title')}</h1>
      <p class="muted">{t('report.intro')}</p>
      <Field label={t('field.category')} name="category" errors={e}>
        <select name="category" value={category} onChange={(ev) => setCategory(ev.currentTarget.value)}>
          <option value="">{t('field.choose')}</option>
          {categories.map((c) => (
            <option key={c.code} value={c.code}>
              {name(c.name)} · {t(`kind.${c.kind}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('field.title')} name="title" errors={e}>
        <input name="title" value={title} maxLength={200} onInput={(ev) => setTitle(ev.currentTarget.value)} />
      </Field>
      <Field label={t('field.description')} name="description" errors={e}>
        <textarea name="description" rows={4} value={description} onInput={(ev) => setDescription(ev.currentTarget.value)} />
      </Field>
      {session.role !== 'resident' && (
        <Field label={t('field.channel')} name="channel" errors={e}>
          <select name="channel" value={channel} onChange={(ev) => setChannel(ev.currentTarget.value as Channel)}>
            {STAFF_CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`channel.${c}`)}
              </option>
            ))}
          </select>
        </Field>
      )}
      <fieldset class="place">
        <legend>{t('case.place')}</legend>
        <div class="row3">
          <label>
            <span class="label">{t('field.county')}</span>
            <select
              name="county"
              value={effectiveCounty}
              onChange={(ev) => {
                setCounty(ev.currentTarget.value);
                setTown('');
                setVillage('');
              }}
            >
              <option value="">{t('field.choose')}</option>
              {counties.map((c) => (
                <option key={c.id} value={c.id}>
                  {name(c.name)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span class="label">{t('field.town')}</span>
            <select
              name="town"
              value={effectiveTown}
              onChange={(ev) => {
                setCounty(effectiveCounty);
                setTown(ev.currentTarget.value);
                setVillage('');
              }}
            >
              <option value="">{t('field.choose')}</option>
              {towns.map((c) => (
                <option key={c.id} value={c.id}>
                  {name(c.name)}
                </option>
              ))}
            </select>
          </label>
          <Field label={t('field.village')} name="location.centreId" errors={e}>
            <select
              name="village"
              value={effectiveVillage}
              onChange={(ev) => {
                setCounty(effectiveCounty);
                setTown(effectiveTown);
                setVillage(ev.currentTarget.value);
              }}
            >
              <option value="">{t('field.choose')}</option>
              {villages.map((c) => (
                <option key={c.id} value={c.id}>
                  {name(c.name)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Field label={t('field.address')} name="location.address" errors={e}>
          <input name="address" value={address} onInput={(ev) => setAddress(ev.currentTarget.value)} />
        </Field>
        <LocationPicker value={place} onChange={setPlace} villageId={effectiveVillage} error={e['location.lat'] ?? e['location.lng']} />
      </fieldset>
      <div class="row2">
        <Field label={t('field.complainantName')} name="complainant.name" errors={e}>
          <input name="contactName" value={contactName} onInput={(ev) => setContactName(ev.currentTarget.value)} autoComplete="name" />
        </Field>
        <Field label={t('field.phone')} name="complainant.phone" errors={e}>
          <input name="phone" type="tel" inputMode="tel" value={phone} onInput={(ev) => setPhone(ev.currentTarget.value)} autoComplete="tel" />
        </Field>
      </div>
      <fieldset class="parties">
        <legend>
          {t('field.parties')} <span class="muted">{t('field.optional')}</span>
        </legend>
        {parties.map((party, index) => (
          <div class="row-party" key={index} data-testid="party-row">
            <Field label={t('field.partyName')} name={`parties.${index}.name`} errors={e}>
              <input
                name={`party-name-${index}`}
                value={party.name}
                onInput={(ev) => setParties(parties.map((p, i) => (i === index ? { ...p, name: ev.currentTarget.value } : p)))}
              />
            </Field>
            <Field label={t('field.partyRole')} name={`parties.${index}.role`} errors={e}>
              <input
                name={`party-role-${index}`}
                value={party.role}
                onInput={(ev) => setParties(parties.map((p, i) => (i === index ? { ...p, role: ev.currentTarget.value } : p)))}
              />
            </Field>
            <button type="button" class="link" onClick={() => setParties(parties.filter((_, i) => i !== index))}>
              {t('field.remove')}
            </button>
          </div>
        ))}
        <button type="button" data-testid="add-party" onClick={() => setParties([...parties, { name: '', role: '' }])}>
          + {t('field.addParty')}
        </button>
      </fieldset>
      <Field label={t('field.affectedCount')} name="affectedCount" errors={e} optional>
        <input name="affectedCount" type="number" min={0} inputMode="numeric" value={affected} onInput={(ev) => setAffected(ev.currentTarget.value)} />
      </Field>
      <SimilarBeforeFiling category={category} villageId={effectiveVillage} location={place} />
      <FilePicker onChange={setFiles} sharePlaceOption testid="report-files" />
      {files.busy && <p class="hint">{t('files.wait')}</p>}
      <FormFooter busy={form.busy || files.busy} error={form.error} errors={form.errors} label={t('report.submit')} testid="submit-report" />
    </form>
  );
}

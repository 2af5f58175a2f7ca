/**
 * What the HTTP API answers, as types: each is the output of the zod schema that the API
 * validates against and documents in /openapi.json. The web UI imports these (types only),
 * so a change to an answer is a compile error wherever the UI reads it.
 */
export type { CaseList, CaseListItem, CaseView, CreatedCase, Timeline } from './cases/schemas';
export type { CategoryView as Category } from './categories/schemas';
export type { CentreView as Centre } from './centres/schemas';
export type { Dashboard } from './dashboard/schemas';
export type { DevPerson } from './dev/schemas';
export type { PoolMember } from './people/schemas';
export type { AuditEntryView, AuditPage } from './audit-log/schemas';
export type { JudicialConfirmation, JudicialHandoff } from './documents/schemas';
export type { FilterParams, SavedFilterView } from './saved-filters/schemas';
export type { CaseNotifications, InboxView, NotificationSettings } from './notifications/schemas';
export type { MapCases, MapSettings, SimilarCases } from './places/schemas';

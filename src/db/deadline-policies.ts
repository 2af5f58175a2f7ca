/**
 * The deadline policy's versions. Versions are only added, never changed: a case keeps the
 * one it was filed under, so an old version must stay readable as it was. Version 1 is the
 * built-in policy, in force until the city administrator saves a version 2.
 */
import { defaultDeadlinePolicy, policyFromSettings, policyForCaseFiledAt, settingsOf, type DeadlinePolicy, type PolicySettings } from '../domain';
import { chinaCalendar } from '../domain/china-calendar';
import { isDuplicateKeyError } from './errors';
import type { Models } from './models';

export interface PolicyVersion {
  version: number;
  settings: PolicySettings;
  createdAt: number;
  /** Person id, or `system` for the built-in version 1. */
  createdBy: string;
  note: string;
}

export const BUILT_IN_VERSION: PolicyVersion = {
  version: 1,
  settings: settingsOf(defaultDeadlinePolicy(chinaCalendar())),
  createdAt: 0,
  createdBy: 'system',
  note: 'Built-in policy',
};

/** Saving a version whose number another save took first. */
export class PolicyVersionTaken extends Error {}

interface StoredVersion {
  _id: number;
  settings: PolicySettings;
  createdAt: Date;
  createdBy: string;
  note: string;
}

function versionOf(doc: StoredVersion): PolicyVersion {
  return { version: doc._id, settings: doc.settings, createdAt: doc.createdAt.getTime(), createdBy: doc.createdBy, note: doc.note };
}

export async function currentPolicyVersion(models: Models): Promise<PolicyVersion> {
  const latest = await models.DeadlinePolicy.findOne().sort({ _id: -1 }).lean<StoredVersion>();
  return latest ? versionOf(latest) : BUILT_IN_VERSION;
}

/** Newest first, the built-in version last. */
export async function policyVersions(models: Models): Promise<PolicyVersion[]> {
  const stored = await models.DeadlinePolicy.find().sort({ _id: -1 }).lean<StoredVersion[]>();
  return [...stored.map(versionOf), BUILT_IN_VERSION];
}

/** Adds the version after `after`; throws PolicyVersionTaken when another save got there first. */
export async function addPolicyVersion(models: Models, after: number, settings: PolicySettings, createdBy: string, note: string, at: number): Promise<PolicyVersion> {
  const doc: StoredVersion = { _id: after + 1, settings, createdAt: new Date(at), createdBy, note };
  try {
    await models.DeadlinePolicy.collection.insertOne(doc as never);
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new PolicyVersionTaken(`Version ${after + 1} was saved by someone else`);
    throw error;
  }
  return versionOf(doc);
}

/** The policy a version makes with the national holiday data. */
export function policyOf(version: PolicyVersion): DeadlinePolicy {
  return policyFromSettings(version.settings, version.version, chinaCalendar());
}

/** The policy a case filed now runs under for life. */
export async function policyForNewCase(models: Models, now: number): Promise<DeadlinePolicy> {
  return policyForCaseFiledAt(policyOf(await currentPolicyVersion(models)), now);
}

import type { CaseKind } from './categories';

/**
 * Personal data never leaves the `cases` document unmasked: logs, audit
 * records and Temporal metadata (search attributes, workflow ids) carry the
 * masked form only, and what Temporal keeps of a case's payloads is encrypted
 * (src/temporal/payload-codec.ts).
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s+/g, '');
  if (digits.length <= 4) return '*'.repeat(digits.length);
  if (digits.length <= 7) return `${digits.slice(0, 1)}${'*'.repeat(digits.length - 3)}${digits.slice(-2)}`;
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}

/** A run of digits that may be a phone number (7 to 20 digits, spaces or dashes between). */
const PHONE_LIKE = /\+?\d(?:[ -]?\d){6,19}/g;

/** Free text with every phone-like number in it masked. */
export function maskPhonesIn(text: string): string {
  return text.replace(PHONE_LIKE, (found) => maskPhone(found.replace(/[ -]/g, '')));
}

/** The place and words of a report, as the public may see them. */
export interface PublicReport {
  /** The street address; null for a dispute. */
  address: string | null;
  lat: number | null;
  lng: number | null;
  /** The reporter's own words, phone numbers masked; null for a dispute. */
  description: string | null;
}

/**
 * What anyone may read of a case's report (Open311's public reads). A hazard is a
 * fault in a public place that anyone passing may see, and others can report or
 * avoid it: its place and description are public, phone-like numbers masked. A
 * dispute is between people, often neighbours or family: where it is and what was
 * said point at them, so none of it is public (the village or community it was
 * reported to and its category, status and dates are).
 */
export function publicReport(kind: CaseKind, report: { description: string; location: { address: string; lat: number | null; lng: number | null } }): PublicReport {
  if (kind !== 'hazard') return { address: null, lat: null, lng: null, description: null };
  const address = report.location.address.trim();
  return {
    address: address.length > 0 ? maskPhonesIn(address) : null,
    lat: report.location.lat ?? null,
    lng: report.location.lng ?? null,
    description: maskPhonesIn(report.description),
  };
}

/** `+86 138-0000-0001`, `0086 13800000001` and `13800000001` are one number. */
export function normalisePhone(phone: string): string | null {
  const digits = phone.trim().replace(/[\s()-]/g, '').replace(/^(\+|00)86/, '');
  return /^\+?[0-9]{6,15}$/.test(digits) ? digits : null;
}

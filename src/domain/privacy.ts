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

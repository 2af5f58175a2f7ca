import { createHash } from 'node:crypto';
import { normalisePhone } from '../domain/privacy';

/**
 * A stand-in for a phone number where lists need to match one (a resident sees the
 * cases filed with their number, whoever filed them) but must not hold the number:
 * the SHA-256 of the normalised number. It keeps the number out of `case_index` and
 * the API's memory; it is not a secret (numbers are few enough to try them all), so
 * the index is guarded as the cases are.
 */
export function phoneKeyOf(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const normal = normalisePhone(phone);
  return normal ? createHash('sha256').update(`onedoor-phone:${normal}`).digest('hex').slice(0, 32) : null;
}

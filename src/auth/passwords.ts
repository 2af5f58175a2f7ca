import { hash, verify } from '@node-rs/argon2';

/**
 * Passwords are hashed with argon2id (@node-rs/argon2, OWASP's first choice), with the
 * library's defaults (19 MiB, 2 passes), which the encoded hash records so later changes
 * still verify old hashes.
 */
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../domain/accounts';

export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH };

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** A hash of nothing anyone knows: an unknown account costs as much time as a known one. */
let decoy: Promise<string> | null = null;

/** True only when `stored` is the hash of `password`; an unknown account (null) is checked against the decoy and fails. */
export async function passwordMatches(stored: string | null, password: string): Promise<boolean> {
  decoy ??= hash(`decoy-${Math.random()}`);
  const target = stored ?? (await decoy);
  try {
    const ok = await verify(target, password);
    return ok && stored !== null;
  } catch {
    return false;
  }
}

/** Why a new password is refused, or null. Length is what matters (NIST 800-63B); no composition rules. */
export function passwordProblem(password: string): { zh: string; en: string } | null {
  if (password.length < MIN_PASSWORD_LENGTH) return { zh: `密码至少 ${MIN_PASSWORD_LENGTH} 个字符。`, en: `The password needs at least ${MIN_PASSWORD_LENGTH} characters.` };
  if (password.length > MAX_PASSWORD_LENGTH) return { zh: `密码最多 ${MAX_PASSWORD_LENGTH} 个字符。`, en: `The password can have at most ${MAX_PASSWORD_LENGTH} characters.` };
  return null;
}

/** The credential key of a username: case and surrounding spaces do not make a second account. */
export function passwordKey(username: string): string {
  return `password:${username.trim().toLowerCase()}`;
}

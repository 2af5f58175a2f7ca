import type { Models } from '../db/models';
import type { Role } from '../domain';

/** The person behind a request, as the people collection holds them now. */
export interface LivingPerson {
  id: string;
  name: string;
  role: Role;
  centreId: string;
  departmentId?: string;
  active: boolean;
  /** Residents: the number they sign in with, whose cases they see. */
  phone?: string;
}

/**
 * Every request is checked against the living person record, so deactivating a person
 * or moving them takes effect for every token and session they hold. A record read is
 * kept for `ttlMs` (a couple of seconds: a list page's burst of requests costs one
 * read); a change made through this process forgets it at once.
 */
export class PersonDirectory {
  private readonly cache = new Map<string, { at: number; person: LivingPerson | null }>();
  constructor(
    private readonly models: Models,
    private readonly ttlMs = 2_000,
  ) {}

  async get(personId: string): Promise<LivingPerson | null> {
    const hit = this.cache.get(personId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.person;
    const doc = await this.models.Person.findById(personId, { name: 1, role: 1, centreId: 1, departmentId: 1, active: 1, phone: 1 }).lean();
    const person: LivingPerson | null = doc
      ? { id: doc._id, name: doc.name, role: doc.role as Role, centreId: doc.centreId, ...(doc.departmentId ? { departmentId: doc.departmentId } : {}), ...(doc.phone ? { phone: doc.phone } : {}), active: doc.active !== false }
      : null;
    if (this.cache.size > 10_000) this.cache.clear();
    // Only what was found is kept: a person written a moment ago (a first sign-in) is found at the next request.
    if (person) this.cache.set(personId, { at: Date.now(), person });
    else this.cache.delete(personId);
    return person;
  }

  /** After a change to the person: the next request reads the record again. */
  forget(personId: string): void {
    this.cache.delete(personId);
  }
}

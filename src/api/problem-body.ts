/** The body of an error answer (RFC 9457 problem details), as the API sends it and the web UI reads it. */

/** One field the request got wrong: where (`body.location.centreId`), and why. */
export interface InvalidParam {
  name: string;
  reason: string;
}

/**
 * What a person reads, in each language the platform speaks, as notifications and risk
 * labels carry it: the client shows its reader's. `detail` stays English, for developers.
 */
export interface Message {
  zh: string;
  en: string;
}

/** The members every problem may have. */
export interface ProblemFields {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: InvalidParam[];
  /** The problem in the reader's words: every refusal and "not found" a person may see has one. */
  message?: Message;
}

/** A problem, with whatever extension members its type adds (a refusal's `reason`). */
export type Problem = ProblemFields & { [extension: string]: unknown };

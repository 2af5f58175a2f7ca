/** The body of an error answer (RFC 9457 problem details), as the API sends it and the web UI reads it. */

/** One field the request got wrong: where (`body.location.centreId`), and why. */
export interface InvalidParam {
  name: string;
  reason: string;
}

/** The members every problem may have. */
export interface ProblemFields {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: InvalidParam[];
}

/** A problem, with whatever extension members its type adds (a refusal's `reason`). */
export type Problem = ProblemFields & { [extension: string]: unknown };

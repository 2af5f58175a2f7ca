/**
 * Photos and documents a case carries: the ids of files kept in the file store
 * (GridFS), never their bytes, so the workflow's history holds only ids. A file is
 * attached by the report that opened the case, or by the action that recorded a
 * mediation session or a disposal; the case then lists it, and whoever may see the
 * case may see it.
 */

/** What a file was attached with. */
export const FILE_PURPOSES = ['intake', 'session', 'disposal'] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];

/** A file on a case: which, with what, when and by whom. */
export interface CaseFile {
  fileId: string;
  purpose: FilePurpose;
  at: number;
  by: string;
}

/** At most this many files go with one report or one action. */
export const MAX_FILES_PER_ATTACHMENT = 10;

/** A file id as the file store issues it. */
export const FILE_ID = /^file_[0-9a-f]{24}$/;

/** The files of a case (a case stored before files existed has none). */
export function filesOf(state: { files?: CaseFile[] }): CaseFile[] {
  return state.files ?? [];
}

/** The state with these files added, each once; the state itself when there are none. */
export function withFiles<S extends { files?: CaseFile[] }>(state: S, fileIds: readonly string[] | undefined, purpose: FilePurpose, by: string, now: number): S {
  if (!fileIds || fileIds.length === 0) return state;
  const known = new Set(filesOf(state).map((file) => file.fileId));
  const added = [...new Set(fileIds)].filter((id) => !known.has(id)).map((fileId) => ({ fileId, purpose, at: now, by }));
  return added.length === 0 ? state : { ...state, files: [...filesOf(state), ...added] };
}

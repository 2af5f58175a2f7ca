/**
 * Choosing photos and PDFs for a report or an action: each file is uploaded as soon as it
 * is picked (POST /api/v1/files, the body its bytes), with its preview and progress; the
 * form then sends only the ids. A file the server refuses says why, in the reader's words.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { UploadedFile } from '../../src/api/files/schemas';
import { MAX_FILES_PER_ATTACHMENT } from '../../src/domain/files';
import { ApiError, getSession, type Problem } from './api';
import { ProblemText, useApp } from './app';

const TYPE_BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
};

/** The type to declare: the browser's, or one read from the name; the server checks the content either way. */
function typeOf(file: File): string {
  if (file.type) return file.type;
  const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
  return TYPE_BY_EXTENSION[extension] ?? 'application/octet-stream';
}

/** Uploads one file, reporting progress (fetch cannot report an upload's progress; XMLHttpRequest can). */
export function uploadFile(file: File, sharePlace: boolean, onProgress: (fraction: number) => void): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const query = new URLSearchParams({ name: file.name.slice(0, 200) || 'file', ...(sharePlace ? { sharePlace: 'true' } : {}) });
    xhr.open('POST', `/api/v1/files?${query.toString()}`);
    xhr.setRequestHeader('Content-Type', typeOf(file));
    xhr.setRequestHeader('Accept', 'application/json');
    const session = getSession();
    if (session) xhr.setRequestHeader('X-CSRF-Token', session.csrf);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new ApiError({ status: 0, title: 'Network error' }, true));
    xhr.onload = () => {
      let data: unknown = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      if (xhr.status === 201) resolve(data as UploadedFile);
      else reject(new ApiError(data && typeof data === 'object' ? ({ status: xhr.status, ...(data as Partial<Problem>) } as Problem) : { status: xhr.status, title: xhr.statusText }));
    };
    xhr.send(file);
  });
}

interface Picked {
  key: number;
  file: File;
  /** An object URL for a photo's preview; null for a PDF. */
  preview: string | null;
  progress: number;
  uploaded: UploadedFile | null;
  error: unknown;
}

/** What the form needs: the ids uploaded so far, and whether any upload is still going. */
export interface PickedFiles {
  ids: string[];
  busy: boolean;
}

export const NO_FILES: PickedFiles = { ids: [], busy: false };

let nextKey = 1;

/** A photo and PDF picker whose files upload at once; `onChange` hears of every change. */
export function FilePicker(props: { onChange(files: PickedFiles): void; sharePlaceOption?: boolean; testid?: string }) {
  const { t } = useApp();
  const [picked, setPicked] = useState<Picked[]>([]);
  const [sharePlace, setSharePlace] = useState(false);
  const [tooMany, setTooMany] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const latest = useRef(picked);
  latest.current = picked;

  const update = (key: number, change: Partial<Picked>) => setPicked((list) => list.map((p) => (p.key === key ? { ...p, ...change } : p)));

  const ids = picked.flatMap((p) => (p.uploaded ? [p.uploaded.id] : []));
  const busy = picked.some((p) => !p.uploaded && p.error === null);
  const summary = `${ids.join(',')}|${busy}`;
  useEffect(() => props.onChange({ ids, busy }), [summary]);
  // Previews are the page's own memory: give them back when the picker goes.
  useEffect(() => () => latest.current.forEach((p) => p.preview && URL.revokeObjectURL(p.preview)), []);

  const add = (files: FileList | null) => {
    const chosen = [...(files ?? [])];
    const room = MAX_FILES_PER_ATTACHMENT - latest.current.length;
    setTooMany(chosen.length > room);
    const fresh: Picked[] = chosen.slice(0, Math.max(0, room)).map((file) => ({
      key: nextKey++,
      file,
      preview: typeOf(file).startsWith('image/') ? URL.createObjectURL(file) : null,
      progress: 0,
      uploaded: null,
      error: null,
    }));
    setPicked((list) => [...list, ...fresh]);
    for (const p of fresh) {
      uploadFile(p.file, sharePlace, (progress) => update(p.key, { progress })).then(
        (uploaded) => update(p.key, { uploaded, progress: 1 }),
        (error: unknown) => update(p.key, { error }),
      );
    }
    if (input.current) input.current.value = '';
  };

  const remove = (key: number) => {
    const gone = latest.current.find((p) => p.key === key);
    if (gone?.preview) URL.revokeObjectURL(gone.preview);
    setPicked((list) => list.filter((p) => p.key !== key));
    setTooMany(false);
  };

  return (
    <fieldset class="file-picker" data-testid={props.testid ?? 'file-picker'}>
      <legend>
        {t('files.title')} <span class="muted">{t('field.optional')}</span>
      </legend>
      <p class="hint">{t('files.hint', { max: MAX_FILES_PER_ATTACHMENT })}</p>
      {props.sharePlaceOption && (
        <label class="check">
          <input type="checkbox" name="sharePlace" checked={sharePlace} onChange={(ev) => setSharePlace(ev.currentTarget.checked)} />
          <span>
            {t('files.sharePlace')}
            <span class="hint block">{t('files.sharePlaceHint')}</span>
          </span>
        </label>
      )}
      {picked.length > 0 && (
        <ul class="picked">
          {picked.map((p) => (
            <li key={p.key} class={p.error ? 'failed' : p.uploaded ? 'done' : 'busy'} data-testid="picked-file">
              {p.error ? <span class="file-icon">×</span> : p.preview ? <img src={p.preview} alt="" /> : <span class="file-icon">PDF</span>}
              <div class="picked-text">
                <div class="picked-name">{p.file.name}</div>
                {p.error ? (
                  <div class="field-error" role="alert" data-testid="upload-error">
                    {p.error instanceof ApiError && p.error.network ? t('files.network') : <ProblemText error={p.error} />}
                  </div>
                ) : p.uploaded ? (
                  <div class="muted small" data-testid="upload-done">{t('files.uploaded')}</div>
                ) : (
                  <div class="small">
                    <progress max={1} value={p.progress} /> {t('files.uploading', { percent: Math.round(p.progress * 100) })}
                  </div>
                )}
              </div>
              <button type="button" class="link" onClick={() => remove(p.key)}>
                {t('files.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {tooMany && <div class="banner warn">{t('files.tooMany', { max: MAX_FILES_PER_ATTACHMENT })}</div>}
      {picked.length < MAX_FILES_PER_ATTACHMENT && (
        <label class="button file-add">
          + {t('files.add')}
          <input ref={input} type="file" name="files" multiple accept="image/*,application/pdf,.pdf,.heic,.heif" onChange={(ev) => add(ev.currentTarget.files)} data-testid="file-input" />
        </label>
      )}
    </fieldset>
  );
}

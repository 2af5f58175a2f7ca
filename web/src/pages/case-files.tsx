/** The photos and documents of a case: a strip of thumbnails that open the full picture, PDFs to download, and an Open311 picture link. */
import { useEffect, useState } from 'preact/hooks';
import type { CaseFiles, CaseFileView } from '../../../src/api/files/schemas';
import { api, type CaseView } from '../api';
import { ErrorBanner, formatDate, useApp, useLoad } from '../app';

function fileUrl(caseId: string, file: CaseFileView, thumbnail = false): string {
  return `/api/v1/cases/${caseId}/files/${file.id}${thumbnail ? '/thumbnail' : ''}`;
}

function Lightbox(props: { caseId: string; file: CaseFileView; onClose(): void }) {
  const { t } = useApp();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && props.onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [props.onClose]);
  return (
    <div class="lightbox" role="dialog" aria-modal="true" aria-label={props.file.name} onClick={props.onClose} data-testid="lightbox">
      <img src={fileUrl(props.caseId, props.file)} alt={props.file.name} onClick={(event) => event.stopPropagation()} />
      <button type="button" class="lightbox-close" onClick={props.onClose}>
        {t('files.close')}
      </button>
    </div>
  );
}

/** Mounted on the case page; reloads when the case changes (an action may have attached files). */
export function CaseFilesStrip(props: { caseView: CaseView }) {
  const { t, lang } = useApp();
  const c = props.caseView;
  const [open, setOpen] = useState<CaseFileView | null>(null);
  const loaded = useLoad(() => api<CaseFiles>('GET', `/api/v1/cases/${c.id}/files`), [c.id, c.updatedAt]);
  if (loaded.error) return <ErrorBanner error={loaded.error} onRetry={loaded.reload} />;
  const data = loaded.data;
  if (!data || (data.files.length === 0 && !data.mediaUrl)) return null;
  return (
    <section class="card case-files" data-testid="case-files">
      <h2>{t('files.title')}</h2>
      {data.files.length > 0 && (
        <ul class="thumbs">
          {data.files.map((file) => (
            <li key={file.id} data-testid="case-file" data-kind={file.kind}>
              {file.kind === 'image' ? (
                <button type="button" class="thumb" onClick={() => setOpen(file)} title={t('files.open')} aria-label={`${t('files.open')}: ${file.name}`}>
                  <img src={fileUrl(c.id, file, file.thumbnail)} alt={file.name} loading="lazy" />
                </button>
              ) : (
                <a class="thumb pdf" href={fileUrl(c.id, file)} download={file.name} title={t('files.download')}>
                  <span class="file-icon">PDF</span>
                  <span class="pdf-name">{file.name}</span>
                </a>
              )}
              <div class="thumb-caption small">
                <span class="badge">{t(`files.purpose.${file.purpose}`)}</span>
                {file.placeShared && <span class="muted"> · {t('files.placeShared')}</span>}
                <div class="muted">{t('files.by', { name: file.by.name ?? file.by.id, date: formatDate(file.at, lang) })}</div>
              </div>
            </li>
          ))}
        </ul>
      )}
      {data.mediaUrl && (
        <p data-testid="media-url">
          {t('files.mediaUrl')}:{' '}
          <a href={data.mediaUrl} target="_blank" rel="noopener noreferrer nofollow">
            {data.mediaUrl}
          </a>
        </p>
      )}
      {open && <Lightbox caseId={c.id} file={open} onClose={() => setOpen(null)} />}
    </section>
  );
}

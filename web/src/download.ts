/**
 * Downloads a file the API makes (a CSV export) with the current sign-in. A plain link
 * cannot carry the `Authorization` header the UI signs requests with, so the file is
 * fetched as a blob and handed to the browser as a download; a session cookie, when
 * there is one, goes along too. The one place that does this.
 */
import { ApiError, getSession, type Problem } from './api';

export interface Downloaded {
  filename: string;
  /** The answer's headers, e.g. X-Truncated for an export that left rows out. */
  headers: Headers;
}

export async function downloadFile(path: string, query: Record<string, string | undefined>, fallbackName: string): Promise<Downloaded> {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') url.searchParams.set(key, value);
  const headers: Record<string, string> = { Accept: 'text/csv, application/problem+json' };
  const session = getSession();
  if (session?.token) headers.Authorization = `Bearer ${session.token}`;
  let res: Response;
  try {
    res = await fetch(url, { headers, credentials: 'same-origin' });
  } catch (error) {
    throw new ApiError({ status: 0, title: 'Network error', detail: (error as Error).message }, true);
  }
  if (!res.ok) {
    const text = await res.text();
    let problem: Problem = { status: res.status, title: res.statusText, detail: text.slice(0, 300) };
    try {
      problem = { status: res.status, ...(JSON.parse(text) as Partial<Problem>) };
    } catch {
      // not a problem document: keep the text
    }
    throw new ApiError(problem);
  }
  const blob = await res.blob();
  const filename = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? fallbackName;
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = filename;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
  return { filename, headers: res.headers };
}

/**
 * Downloads a file the API makes (a CSV or XLSX export, a PDF) with the session cookie. It is fetched
 * as a blob and handed to the browser as a download, so a refusal (a 400 naming a
 * filter, a 403) is shown on the page instead of replacing it. The one place that does this.
 */
import { ApiError, type Problem } from './api';

export interface Downloaded {
  filename: string;
  /** The answer's headers, e.g. X-Truncated for an export that left rows out. */
  headers: Headers;
}

/** `accept`: the file's media type (CSV by default); a refusal comes as problem+json whatever it is. */
export async function downloadFile(path: string, query: Record<string, string | undefined>, fallbackName: string, accept = 'text/csv'): Promise<Downloaded> {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') url.searchParams.set(key, value);
  const headers: Record<string, string> = { Accept: `${accept}, application/problem+json` };
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

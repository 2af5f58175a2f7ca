/** Reads a PDF back with pdf.js: its text, page by page, and the fonts it uses, with whether each is embedded. */
export interface PdfFont {
  name: string;
  embedded: boolean;
}

/** A PDF may map CJK glyphs to radicals or compatibility ideographs (Chromium writes the Kangxi radical ⾥ for 里): read them as the ideographs they are. */
function unifiedIdeographs(text: string): string {
  return text.replace(/[\u2E80-\u2FDF\uF900-\uFAFF]/g, (ch) => ch.normalize('NFKC'));
}

export async function pdfText(bytes: Buffer): Promise<{ text: string; pages: string[]; fonts: PdfFont[] }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, disableFontFace: true, verbosity: 0 }).promise;
  const pages: string[] = [];
  const fonts = new Map<string, PdfFont>();
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    pages.push(unifiedIdeographs(content.items.map((item) => ('str' in item ? item.str : '')).join('')));
    // Drawing the page's operators loads its fonts into the page's objects, where their embedding shows.
    const ops = await page.getOperatorList();
    for (let k = 0; k < ops.fnArray.length; k++) {
      if (ops.fnArray[k] !== pdfjs.OPS.setFont) continue;
      const id = (ops.argsArray[k] as [string])[0];
      const font = page.commonObjs.get(id) as { name?: string; loadedName?: string; missingFile?: boolean };
      fonts.set(id, { name: font.name ?? font.loadedName ?? id, embedded: font.missingFile === false });
    }
  }
  await doc.destroy();
  return { text: pages.join('\n'), pages, fonts: [...fonts.values()] };
}

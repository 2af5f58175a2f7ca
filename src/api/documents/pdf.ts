/**
 * The mediation agreement (调解协议书) and the judicial confirmation bundle as PDF, in
 * Chinese, drawn with pdfkit. pdfkit embeds only the glyphs a document uses (a subset of
 * the CJK font, a few tens of kilobytes instead of the font's 19 MB), writes plain PDF 1.3
 * a court's and anyone's reader opens, and needs no browser or native code.
 */
import fs from 'node:fs';
import PDFDocument from 'pdfkit';
import type { Config } from '../../config';
import { HttpProblem, PROBLEM_TYPES } from '../problem';

type Pdf = InstanceType<typeof PDFDocument>;

export const PDF_FONT = 'cjk';

let fontCache: { path: string; data: Buffer } | null = null;

/** The configured CJK font's bytes, read once; a 503 that names the setting when the file is not there. */
function cjkFont(config: Pick<Config, 'cjkFontPath'>): Buffer {
  if (fontCache?.path === config.cjkFontPath) return fontCache.data;
  let data: Buffer;
  try {
    data = fs.readFileSync(config.cjkFontPath);
  } catch {
    throw new HttpProblem(
      {
        type: PROBLEM_TYPES.unavailable,
        title: 'Service unavailable',
        status: 503,
        detail: `The font for Chinese PDFs is missing at ${config.cjkFontPath}: install fonts-noto-cjk (npm run setup) or set ONEDOOR_CJK_FONT`,
        message: { zh: '服务器缺少生成中文文书所需的字体，暂时无法生成 PDF。请联系系统管理员安装 fonts-noto-cjk 字体。', en: 'The server lacks the font for Chinese documents, so it cannot make the PDF now. Ask the system administrator to install the fonts-noto-cjk font.' },
      },
      { 'Retry-After': '3600' },
    );
  }
  fontCache = { path: config.cjkFontPath, data };
  return data;
}

export interface PdfMeta {
  title: string;
  subject: string;
}

/** A new A4 document in the CJK font. */
export function newPdf(config: Pick<Config, 'cjkFontPath' | 'cjkFontName'>, meta: PdfMeta): Pdf {
  const font = cjkFont(config);
  const doc = new PDFDocument({ size: 'A4', margins: { top: 64, bottom: 64, left: 68, right: 68 }, info: { Title: meta.title, Subject: meta.subject, Creator: 'onedoor' }, bufferPages: true });
  doc.registerFont(PDF_FONT, font, config.cjkFontName);
  doc.font(PDF_FONT);
  return doc;
}

/** The finished document's bytes. */
export function pdfBytes(doc: Pdf): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    numberPages(doc);
    doc.end();
  });
}

/** "第 n 页 共 m 页" at the foot of every page. */
function numberPages(doc: Pdf): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.fontSize(9).fillColor('#555').text(`第 ${i + 1} 页 共 ${range.count} 页`, doc.page.margins.left, doc.page.height - 40, { width: contentWidth(doc), align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.fillColor('black');
}

export function contentWidth(doc: Pdf): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

export function title(doc: Pdf, text: string): void {
  doc.fontSize(20).text(text, { align: 'center' });
  doc.moveDown(0.8);
}

/** A section heading, on a new page when less than `keep` points (what must follow it) are left. */
export function heading(doc: Pdf, text: string, keep = 60): void {
  ensureRoom(doc, keep);
  doc.moveDown(0.6).fontSize(13).text(text);
  doc.moveDown(0.3);
}

export function paragraph(doc: Pdf, text: string, options: { indent?: boolean; size?: number } = {}): void {
  doc.fontSize(options.size ?? 11.5).text(text, { indent: options.indent ? 23 : 0, lineGap: 4, align: 'left' });
  doc.moveDown(0.2);
}

/** "label：value" lines, the labels aligned. */
export function facts(doc: Pdf, rows: readonly [string, string][]): void {
  const x = doc.page.margins.left;
  const labelWidth = 96;
  doc.fontSize(11.5);
  for (const [label, value] of rows) {
    ensureRoom(doc, 24);
    const y = doc.y;
    doc.text(`${label}：`, x, y, { width: labelWidth });
    doc.text(value || '—', x + labelWidth, y, { width: contentWidth(doc) - labelWidth, lineGap: 3 });
    doc.x = x;
    doc.moveDown(0.25);
  }
}

/** A signature line: "label（签名）：________   日期：____年__月__日". */
export function signatureLine(doc: Pdf, label: string, options: { seal?: boolean } = {}): void {
  ensureRoom(doc, options.seal ? 110 : 44);
  const x = doc.page.margins.left;
  doc.moveDown(0.9);
  const y = doc.y;
  doc.fontSize(11.5).text(label, x, y, { width: 200 });
  const lineStart = x + 205;
  doc.moveTo(lineStart, y + 14).lineTo(lineStart + 130, y + 14).lineWidth(0.6).stroke();
  doc.text('日期：', lineStart + 145, y, { width: 40, lineBreak: false });
  doc.text('____年____月____日', lineStart + 180, y, { width: 140, lineBreak: false });
  doc.x = x;
  // A long name wraps inside its column: the next line starts below it.
  doc.y = y + Math.max(20, doc.heightOfString(label, { width: 200 }) + 6);
  if (options.seal) {
    // Where the centre's seal goes: a dashed circle, as on paper forms.
    const cx = lineStart + 65;
    const cy = doc.y + 38;
    doc.save().circle(cx, cy, 34).dash(3, { space: 3 }).lineWidth(0.6).strokeColor('#999').stroke().restore();
    doc.fontSize(9).fillColor('#999').text('（印章）', cx - 20, cy - 5, { width: 40, align: 'center', lineBreak: false }).fillColor('black');
    doc.x = x;
    doc.y = cy + 42;
  }
}

/** A table with a header row; columns as fractions of the width. Rows break across pages with the header repeated. */
export function table(doc: Pdf, columns: readonly { header: string; width: number }[], rows: readonly string[][]): void {
  const x0 = doc.page.margins.left;
  const total = contentWidth(doc);
  const widths = columns.map((c) => c.width * total);
  const pad = 4;
  const drawRow = (cells: readonly string[], header: boolean) => {
    doc.fontSize(header ? 10 : 9.5);
    const heights = cells.map((cell, i) => doc.heightOfString(cell || '—', { width: widths[i]! - 2 * pad }));
    const height = Math.max(...heights) + 2 * pad;
    if (doc.y + height > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      if (!header) drawRow(columns.map((c) => c.header), true);
    }
    const y = doc.y;
    let x = x0;
    if (header) doc.save().rect(x0, y, total, height).fill('#eeeeee').restore();
    cells.forEach((cell, i) => {
      doc.fillColor('black').text(cell || '—', x + pad, y + pad, { width: widths[i]! - 2 * pad });
      x += widths[i]!;
    });
    doc.rect(x0, y, total, height).lineWidth(0.5).strokeColor('#888').stroke().strokeColor('black');
    doc.x = x0;
    doc.y = y + height;
  };
  drawRow(columns.map((c) => c.header), true);
  for (const row of rows) drawRow(row, false);
  doc.moveDown(0.5);
}

function ensureRoom(doc: Pdf, points: number): void {
  if (doc.y + points > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

export type { Pdf };

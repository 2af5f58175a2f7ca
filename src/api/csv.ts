/**
 * CSV as RFC 4180 writes it, for spreadsheets: fields separated by commas, records by
 * CRLF, a field quoted when it holds a comma, a quote, CR or LF, its quotes doubled.
 *
 * A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` as a formula (and
 * some also one that begins with a tab or CR), so a value someone typed could make it
 * compute or fetch. Such a cell is written with a leading `'`, which spreadsheets show
 * as text (OWASP, "CSV injection").
 */
export type CsvValue = string | number | boolean | null | undefined;

/** Excel reads a file as UTF-8 only when it begins with the byte order mark. */
export const UTF8_BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

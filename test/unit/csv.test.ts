import { describe, expect, it } from 'vitest';
import { csvField, csvRow, UTF8_BOM } from '../../src/api/csv';

describe('CSV encoding', () => {
  it('leaves plain fields alone, Chinese included', () => {
    expect(csvField('intake')).toBe('intake');
    expect(csvField('张三丰')).toBe('张三丰');
    expect(csvField(201)).toBe('201');
    expect(csvField(true)).toBe('true');
  });

  it('writes nothing for a missing value', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField('')).toBe('');
  });

  it('quotes fields with commas, quotes and line breaks, doubling the quotes (RFC 4180)', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line 1\nline 2')).toBe('"line 1\nline 2"');
    expect(csvField('a\r\nb')).toBe('"a\r\nb"');
    expect(csvField('{"reason":"x, y"}')).toBe('"{""reason"":""x, y""}"');
  });

  it('keeps spreadsheets from running a cell as a formula', () => {
    expect(csvField('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tcmd')).toBe("'\tcmd");
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField("'already")).toBe("'already");
  });

  it('ends every record with CRLF', () => {
    expect(csvRow(['a', 'b,c', null, 3])).toBe('a,"b,c",,3\r\n');
    expect(csvRow([])).toBe('\r\n');
  });

  it('names the byte order mark Excel needs', () => {
    expect(Buffer.from(UTF8_BOM, 'utf8')).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});

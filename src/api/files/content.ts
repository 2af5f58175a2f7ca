/**
 * What an upload is, judged by its bytes and never by its name or declared type:
 * a photo sharp can decode (JPEG, PNG, WebP, GIF, AVIF/HEIF) within a pixel budget,
 * or a PDF by its `%PDF-` header. Photos are re-encoded: turned upright by their
 * EXIF orientation and written without metadata (the place they were taken, the
 * camera, the time) unless the reporter chose to share the place; a thumbnail is made
 * of each.
 */
import sharp from 'sharp';
import { HttpProblem, PROBLEM_TYPES, type Message } from '../problem';

/** The types a client may declare; what is stored is decided by the content. */
export const ACCEPTED_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/heic', 'image/heif', 'application/pdf'] as const;

/** Formats sharp reports that we take as photos (never SVG, which carries scripts, nor TIFF or raw). */
const PHOTO_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'heif']);

/** The longest side a stored photo keeps: plenty to read a crack in a wall, and no 50-megapixel originals. */
const MAX_SIDE = 4096;
const THUMBNAIL_SIDE = 320;

export type FileKind = 'image' | 'pdf';

export interface Prepared {
  kind: FileKind;
  contentType: string;
  data: Buffer;
  /** A small WebP of a photo; null for a PDF. */
  thumbnail: Buffer | null;
  width: number | null;
  height: number | null;
}

export interface Limits {
  maxBytes: number;
  maxPixels: number;
}

const megabytes = (bytes: number): string => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

function problem(status: 400 | 413 | 415, detail: string, message: Message): HttpProblem {
  const type = status === 413 ? PROBLEM_TYPES.tooLarge : status === 415 ? PROBLEM_TYPES.unsupportedMediaType : PROBLEM_TYPES.validation;
  const title = status === 413 ? 'Payload too large' : status === 415 ? 'Unsupported media type' : 'Invalid request';
  return new HttpProblem({ type, title, status, detail, message });
}

export const fileProblems = {
  tooLarge: (maxBytes: number) =>
    problem(413, `A file may be at most ${maxBytes} bytes`, {
      zh: `文件太大：每个文件最大 ${megabytes(maxBytes)}。请压缩照片或拆分文件后重试。`,
      en: `The file is too large: each file may be at most ${megabytes(maxBytes)}. Make the photo smaller or split the file, then try again.`,
    }),
  notAccepted: (detail: string) =>
    problem(415, detail, {
      zh: '只能上传照片（JPEG、PNG、WebP、GIF、HEIF）或 PDF 文件，请另选文件。',
      en: 'Only photos (JPEG, PNG, WebP, GIF, HEIF) or PDF files can be uploaded; choose another file.',
    }),
  empty: () => problem(400, 'The body is empty: send the file’s bytes', { zh: '文件是空的，请另选文件。', en: 'The file is empty; choose another file.' }),
  tooManyPixels: (width: number, height: number, maxPixels: number) =>
    problem(400, `The image is ${width}×${height} pixels; at most ${maxPixels} pixels are decoded`, {
      zh: `照片像素过多（${width}×${height}），最多 ${Math.round(maxPixels / 1e6)} 百万像素。请缩小后重试。`,
      en: `The photo has too many pixels (${width}×${height}); at most ${Math.round(maxPixels / 1e6)} megapixels. Make it smaller and try again.`,
    }),
  unreadable: () =>
    problem(400, 'The image could not be decoded', { zh: '照片已损坏，无法打开。请另选照片。', en: 'The photo is damaged and cannot be opened; choose another.' }),
};

/** The MIME type of the request, without parameters; null if none was sent. */
export function declaredType(header: string | undefined): string | null {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type ? type : null;
}

const PDF_MAGIC = Buffer.from('%PDF-');

function isPdf(data: Buffer): boolean {
  return data.length > PDF_MAGIC.length && data.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC);
}

/**
 * Checks and prepares one upload. `declared` must be one of ACCEPTED_TYPES (415
 * otherwise), and the bytes must be what it says in kind: a PDF, or a photo.
 */
export async function prepareUpload(data: Buffer, declared: string | null, limits: Limits, sharePlace: boolean): Promise<Prepared> {
  if (declared === null || !(ACCEPTED_TYPES as readonly string[]).includes(declared)) {
    throw fileProblems.notAccepted(`Declare the file's type in Content-Type: one of ${ACCEPTED_TYPES.join(', ')}`);
  }
  if (data.length === 0) throw fileProblems.empty();
  if (data.length > limits.maxBytes) throw fileProblems.tooLarge(limits.maxBytes);
  if (declared === 'application/pdf') {
    if (!isPdf(data)) throw fileProblems.notAccepted('The content is not a PDF (no %PDF- header)');
    return { kind: 'pdf', contentType: 'application/pdf', data, thumbnail: null, width: null, height: null };
  }
  return preparePhoto(data, limits, sharePlace);
}

async function preparePhoto(data: Buffer, limits: Limits, sharePlace: boolean): Promise<Prepared> {
  let info: sharp.Metadata;
  try {
    info = await sharp(data, { limitInputPixels: false }).metadata();
  } catch {
    throw fileProblems.notAccepted('The content is not an image');
  }
  if (!info.format || !PHOTO_FORMATS.has(info.format)) throw fileProblems.notAccepted(`The content is ${info.format ?? 'unknown'}, not a photo`);
  const width = info.width ?? 0;
  const height = info.height ?? 0;
  // The header says how large the decoded picture is: a bomb is refused before a pixel is decoded.
  if (width * height > limits.maxPixels || width === 0 || height === 0) throw fileProblems.tooManyPixels(width, height, limits.maxPixels);
  // And the decoder itself is bounded, in case the header lied.
  const decode = () => sharp(data, { limitInputPixels: limits.maxPixels, failOn: 'error', pages: 1 }).rotate();
  const output = info.format === 'png' ? 'png' : info.format === 'webp' ? 'webp' : 'jpeg';
  try {
    let photo = decode().resize(MAX_SIDE, MAX_SIDE, { fit: 'inside', withoutEnlargement: true });
    // sharp writes no metadata unless asked: the place (GPS), camera and time go, unless the reporter shares the place.
    if (sharePlace) photo = photo.keepExif();
    photo = output === 'png' ? photo.png() : output === 'webp' ? photo.webp({ quality: 85 }) : photo.jpeg({ quality: 85, mozjpeg: true });
    const { data: encoded, info: out } = await photo.toBuffer({ resolveWithObject: true });
    const thumbnail = await decode().resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 70 }).toBuffer();
    return { kind: 'image', contentType: `image/${output}`, data: encoded, thumbnail, width: out.width, height: out.height };
  } catch {
    throw fileProblems.unreadable();
  }
}

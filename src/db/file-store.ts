/**
 * Files (photos, PDFs and their thumbnails) in MongoDB's GridFS: `fs.files` holds one
 * document per file (`_id` = the file id, with our metadata), `fs.chunks` its bytes in
 * chunks. Every file is written whole or not at all: a journal entry in `file_uploads`
 * is made before the first chunk and removed after the file document, so chunks left by
 * a process that died half-way are found and deleted (`sweepInterruptedWrites`).
 *
 * On MongoDB the driver's GridFSBucket writes and reads (chunks found by their
 * `{ files_id, n }` index). FerretDB's SQLite backend serves no index but `_id`, so
 * finding a file's chunks by `files_id` decodes every chunk of every file (measured:
 * 1.8 s to read a 1 KB file beside 80 MB of others). On FerretDB, and only there, the
 * chunks are written with `_id` = `<file id>#<n>` and read back by `_id` one by one:
 * the same GridFS layout (any driver's bucket still reads them by `files_id`), looked
 * up the one way FerretDB can look up quickly.
 */
import { GridFSBucket, type Binary, type Db, type Document } from 'mongodb';
import { isFerretDb } from './server-kind';
import type { Connection } from 'mongoose';
import type { Database } from './connection';

export const BUCKET = 'fs';
const CHUNK_SIZE = 255 * 1024;
/** A write journalled this long ago and never finished was interrupted. */
const INTERRUPTED_AFTER_MS = 10 * 60_000;

export interface StoredFile<M> {
  _id: string;
  length: number;
  chunkSize: number;
  uploadDate: Date;
  filename: string;
  metadata: M;
}

/** How chunks are found: by the driver's index on MongoDB, by `_id` on FerretDB. */
export type ChunkLookup = 'files_id' | 'chunk_id';

async function chunkLookupOf(db: Db): Promise<ChunkLookup> {
  return (await isFerretDb(db)) ? 'chunk_id' : 'files_id';
}

const chunkId = (fileId: string, n: number): string => `${fileId}#${n}`;

export class FileStore {
  private lookup: Promise<ChunkLookup> | null;

  /** `chunkLookup` fixes the way chunks are found instead of asking the server (tests run the driver's way on FerretDB too). */
  constructor(
    private readonly connection: Connection,
    options: { chunkLookup?: ChunkLookup } = {},
  ) {
    this.lookup = options.chunkLookup ? Promise.resolve(options.chunkLookup) : null;
  }

  private get db(): Db {
    const db = this.connection.db;
    if (!db) throw new Error('database not connected');
    return db;
  }

  private bucket(): GridFSBucket {
    return new GridFSBucket(this.db, { bucketName: BUCKET, chunkSizeBytes: CHUNK_SIZE });
  }

  private files() {
    return this.db.collection<StoredFile<Document>>(`${BUCKET}.files`);
  }

  private chunks() {
    return this.db.collection<{ _id: unknown; files_id: string; n: number; data: Buffer | Binary }>(`${BUCKET}.chunks`);
  }

  private journal() {
    return this.db.collection<{ _id: string; startedAt: Date }>('file_uploads');
  }

  private chunkLookup(): Promise<ChunkLookup> {
    this.lookup ??= chunkLookupOf(this.db).catch((error: unknown) => {
      this.lookup = null;
      throw error;
    });
    return this.lookup;
  }

  /** Stores `data` under `id`, whole or not at all. */
  async write<M extends Document>(id: string, filename: string, data: Buffer, metadata: M): Promise<void> {
    await this.journal().insertOne({ _id: id, startedAt: new Date() });
    try {
      if ((await this.chunkLookup()) === 'chunk_id') await this.writeByChunkId(id, filename, data, metadata);
      else await this.writeWithBucket(id, filename, data, metadata);
    } catch (error) {
      await this.delete(id).catch(() => undefined);
      throw error;
    }
    await this.journal().deleteOne({ _id: id });
  }

  private writeWithBucket(id: string, filename: string, data: Buffer, metadata: Document): Promise<void> {
    return new Promise((resolve, reject) => {
      const stream = this.bucket().openUploadStreamWithId(id as never, filename, { metadata });
      stream.once('finish', () => resolve());
      stream.once('error', (error) => {
        // The driver's abort deletes the chunks written so far.
        stream.abort().then(() => reject(error), () => reject(error));
      });
      stream.end(data);
    });
  }

  /** The driver's layout, written as it writes it (chunks first, the file document last), with chunk ids FerretDB finds by. */
  private async writeByChunkId(id: string, filename: string, data: Buffer, metadata: Document): Promise<void> {
    const count = Math.ceil(data.length / CHUNK_SIZE);
    for (let n = 0; n < count; n += 1) {
      await this.chunks().insertOne({ _id: chunkId(id, n), files_id: id, n, data: data.subarray(n * CHUNK_SIZE, (n + 1) * CHUNK_SIZE) });
    }
    await this.files().insertOne({ _id: id, length: data.length, chunkSize: CHUNK_SIZE, uploadDate: new Date(), filename, metadata });
  }

  /** A file's document by `_id`; null when there is none (or its write never finished). */
  async find<M>(id: string): Promise<StoredFile<M> | null> {
    return (await this.files().findOne({ _id: id })) as StoredFile<M> | null;
  }

  /** A finished file's bytes. */
  async read(file: StoredFile<unknown>): Promise<Buffer> {
    if ((await this.chunkLookup()) === 'chunk_id') {
      const count = Math.ceil(file.length / file.chunkSize);
      const parts: Buffer[] = [];
      for (let n = 0; n < count; n += 1) {
        const chunk = await this.chunks().findOne({ _id: chunkId(file._id, n) as never });
        // Written by another client's bucket: its chunks have the driver's ids.
        if (!chunk) return this.readWithBucket(file._id);
        parts.push(Buffer.isBuffer(chunk.data) ? chunk.data : Buffer.from(chunk.data.buffer));
      }
      return Buffer.concat(parts);
    }
    return this.readWithBucket(file._id);
  }

  private async readWithBucket(id: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const part of this.bucket().openDownloadStream(id as never)) parts.push(part as Buffer);
    return Buffer.concat(parts);
  }

  /** Removes a file and its chunks, finished or not; nothing to remove is no error. */
  async delete(id: string): Promise<void> {
    if ((await this.chunkLookup()) === 'chunk_id') {
      // By `_id` until the first missing chunk; a file with bytes but no such chunk was written by another client's bucket.
      let deleted = 0;
      while ((await this.chunks().deleteOne({ _id: chunkId(id, deleted) as never })).deletedCount === 1) deleted += 1;
      const file = await this.files().findOneAndDelete({ _id: id });
      if (file && file.length > 0 && deleted === 0) await this.chunks().deleteMany({ files_id: id });
    } else {
      await this.chunks().deleteMany({ files_id: id });
      await this.files().deleteOne({ _id: id });
    }
    await this.journal().deleteOne({ _id: id });
  }

  /** Finds writes a dead process left half-done and deletes what they wrote. */
  async sweepInterruptedWrites(now = Date.now()): Promise<number> {
    const stale = await this.journal()
      .find({ startedAt: { $lt: new Date(now - INTERRUPTED_AFTER_MS) } })
      .limit(100)
      .toArray();
    for (const entry of stale) await this.delete(entry._id);
    return stale.length;
  }

  /** Files whose metadata matches, oldest first (for sweeping; not a hot path: FerretDB scans `fs.files`). */
  async findWhere<M>(filter: Document, limit: number): Promise<StoredFile<M>[]> {
    return (await this.files().find(filter).sort({ uploadDate: 1 }).limit(limit).toArray()) as StoredFile<M>[];
  }

  /** Sets metadata fields of a file, if it is still as `expect` says. */
  async updateMetadata(id: string, expect: Document, set: Document): Promise<boolean> {
    const prefixed = (doc: Document) => Object.fromEntries(Object.entries(doc).map(([key, value]) => [`metadata.${key}`, value]));
    const { matchedCount } = await this.files().updateOne({ _id: id, ...prefixed(expect) }, { $set: prefixed(set) });
    return matchedCount === 1;
  }
}

const stores = new WeakMap<Connection, FileStore>();

/** The file store of a database connection (one per connection, so the FerretDB check runs once). */
export function fileStoreOf(db: Pick<Database, 'connection'>): FileStore {
  let store = stores.get(db.connection);
  if (!store) stores.set(db.connection, (store = new FileStore(db.connection)));
  return store;
}

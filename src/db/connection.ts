import mongoose, { type Connection } from 'mongoose';
// Before any connection: a driver command written to a closed socket must not wait forever.
import './drain-wait-fix';
import { registerModels, type Models } from './models';

export interface Database {
  connection: Connection;
  models: Models;
  close(): Promise<void>;
}

/**
 * One mongoose connection with our models registered on it. Works against
 * MongoDB and against FerretDB v1 (no transactions, no change streams, no
 * $lookup/$facet: see docs/architecture.md).
 */
export async function connectDatabase(uri: string, options: { maxPoolSize?: number } = {}): Promise<Database> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5000,
    maxPoolSize: options.maxPoolSize ?? 20,
    // Indexes are created explicitly by ensureIndexes(), once, not on every model compile.
    autoIndex: false,
    autoCreate: false,
  });
  await connection.asPromise();
  const models = registerModels(connection);
  return {
    connection,
    models,
    close: () => connection.close(),
  };
}

/** Creates collections and indexes; idempotent, run at worker and API start. */
export async function ensureIndexes(models: Models): Promise<void> {
  const first = Object.values(models)[0];
  const db = first?.db.db;
  if (!db) throw new Error('database not connected');
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const model of Object.values(models)) {
    if (!existing.has(model.collection.collectionName)) {
      await model.createCollection().catch((error: { codeName?: string }) => {
        // Another process (API and worker start together) may have created it first.
        if (error.codeName !== 'NamespaceExists') throw error;
      });
    }
    await model.createIndexes();
  }
}

export async function pingDatabase(connection: Connection): Promise<void> {
  const db = connection.db;
  if (!db) throw new Error('database not connected');
  await db.admin().command({ ping: 1 });
}

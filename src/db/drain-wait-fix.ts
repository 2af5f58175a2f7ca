import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import type { MongoNetworkError } from 'mongodb';

/**
 * A fix for the MongoDB driver (mongodb 6.20, as mongoose 8 pins it): a command
 * written to a socket the server has just closed could wait forever.
 *
 * The driver writes a command and, when `socket.write()` returns false, waits
 * for the socket's `drain` event with its `once()` helper, which gives up only
 * on an `error` event. A socket the peer has closed (FerretDB stopping closes
 * its clients' connections) is destroyed by Node without an `error`; writing
 * to it returns false, and neither `drain` nor `error` ever comes. The
 * connection's own close handler cannot help: it only fails a read already
 * waiting, and this command has not started reading. Nothing times it out (a
 * destroyed socket has no timer; the pool's commands have no socket timeout).
 *
 * When that command is the monitor's heartbeat, the monitor stops for good:
 * the server stays "Unknown", every operation fails server selection after
 * `serverSelectionTimeoutMS`, and the process never sees the server again
 * until it is restarted. The fault suite met it in the API after FerretDB
 * was stopped and started (every request a 503 for minutes, until the API was
 * killed); an ordinary command on a pooled connection would hang the same way.
 *
 * The fix: the driver's wait for `drain` also ends, with a network error (which
 * the driver handles as the connection's loss: the heartbeat fails, the
 * monitor reconnects, the pool is cleared), when the socket is already
 * destroyed or closes while waited on. Any other wait is the driver's own.
 */
type Once = (emitter: EventEmitter, name: string, options?: unknown) => Promise<unknown>;

interface DriverUtils {
  once: Once;
  onedoorDrainWaitFixed?: true;
}

interface SocketLike extends EventEmitter {
  destroyed?: boolean;
}

function isStream(emitter: EventEmitter): emitter is SocketLike {
  return typeof (emitter as SocketLike).destroyed === 'boolean';
}

/** Wraps the driver's `once` so a wait for `drain` ends when the socket closes. Idempotent. */
export function fixDrainWait(utils: DriverUtils, NetworkError: typeof MongoNetworkError): void {
  if (utils.onedoorDrainWaitFixed) return;
  const closedError = (): MongoNetworkError => new NetworkError('connection closed while a command waited to be written');
  const original = utils.once;
  utils.once = function once(emitter, name, options) {
    if (name !== 'drain' || !isStream(emitter)) return original(emitter, name, options);
    if (emitter.destroyed) return Promise.reject(closedError());
    let onClose: (() => void) | undefined;
    const closed = new Promise<never>((_, reject) => {
      onClose = () => reject(closedError());
      emitter.once('close', onClose);
    });
    return Promise.race([original(emitter, name, options), closed]).finally(() => {
      if (onClose) emitter.off('close', onClose);
    });
  };
  utils.onedoorDrainWaitFixed = true;
}

/** The copy of the driver mongoose loads: its utils module and its network error class. */
export function driverModules(): { utils: DriverUtils; NetworkError: typeof MongoNetworkError } {
  const fromMongoose = createRequire(require.resolve('mongoose'));
  return {
    utils: fromMongoose('mongodb/lib/utils') as DriverUtils,
    NetworkError: (fromMongoose('mongodb') as { MongoNetworkError: typeof MongoNetworkError }).MongoNetworkError,
  };
}

const driver = driverModules();
fixDrainWait(driver.utils, driver.NetworkError);

/**
 * The API requests the emulator received, newest last, so a test can tell that a command did (or did not) call a
 * route. Bounded because the extension under test polls for as long as it runs.
 */
import type * as http from 'node:http';

export interface LoggedRequest {
  /** Increases by one per request and never restarts, so a reader can ask for what came after a point it saw. */
  seq: number;
  method: string;
  path: string;
  /** The query string without its `?`, or '' when there is none. */
  query: string;
  /** The status answered; absent while the request runs or when the connection ended before an answer. */
  status?: number;
}

export const REQUEST_LOG_LIMIT = 1000;

export class RequestLog {
  private entries: LoggedRequest[] = [];
  private nextSeq = 1;

  record(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    const entry: LoggedRequest = { seq: this.nextSeq++, method: req.method ?? 'GET', path: url.pathname, query: url.search.slice(1) };
    this.entries.push(entry);
    if (this.entries.length > REQUEST_LOG_LIMIT) this.entries.splice(0, this.entries.length - REQUEST_LOG_LIMIT);
    res.once('finish', () => {
      entry.status = res.statusCode;
    });
  }

  /** The kept entries with a `seq` above `afterSeq`, oldest first. */
  since(afterSeq = 0): LoggedRequest[] {
    return this.entries.filter((entry) => entry.seq > afterSeq).map((entry) => ({ ...entry }));
  }

  /** The `seq` of the newest request so far (0 before the first). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  clear(): void {
    this.entries = [];
  }
}

/**
 * Run our compiled ES modules on the real XS engine (Moddable XS 13.x, as built by the npm package
 * `@agoric/xsnap` at install time: node_modules/@agoric/xsnap/xsnap-native/xsnap/build/bin/<os>/release/xsnap-worker).
 *
 * Why not the package's JS API (`import { xsnap } from '@agoric/xsnap'`)? It needs a Hardened-JS
 * host: importing it throws unless `@endo/init` (SES `lockdown()`) has frozen every intrinsic of
 * the calling Node process first — that would change the environment of every other mocha test
 * and of the Node benchmark. The worker's wire protocol is small, so this file drives the same
 * binary directly, with nothing but `node:child_process`.
 *
 * Wire protocol of xsnap-worker (netstrings `<len>:<bytes>,` on fd 3 (to the worker) and fd 4
 * (from it)):
 *   to worker     `e<script>`  evaluate a script (we send BOOTSTRAP once)
 *                 `?<bytes>`   call the worker's global `handleCommand(ArrayBuffer)`
 *                 `/<bytes>`   answer to a query the worker issued during a command
 *                 `q`          quit
 *   from worker   `.<meter-json>\x01<reply>`  command done; meter-json is
 *                               {"currentHeapCount":n,"compute":n,"allocate":n,"timestamps":[..]}
 *                 `!<text>`    uncaught exception (text = String(exception))
 *                 `?<bytes>`   query from XS code calling the global `issueCommand(ArrayBuffer)`;
 *                               the worker blocks until it gets `/<bytes>` back
 * Each command is one "crank": the meter is reset at its start, promise jobs are drained before
 * the reply, and the figures in the reply are the ones at its end.
 *
 * Our protocol on top of it (all payloads UTF-8 JSON):
 *   Node -> XS (`?`): {op:'import', entry} | {op:'call', entry, export, args, optional}
 *                     | {op:'loop', entry, export|null, n} | {op:'collected', id} | {op:'gc'}
 *   XS -> Node (reply): {ok:true, value} | {ok:false, error:{name, message, stack}}
 *   XS -> Node (query): {op:'load', specifier}  -> {ok:true, source} | {ok:false, error}
 *                       {op:'report', value}    -> {ok:true}
 *                       {op:'resolve', specifier} -> {ok:true, source: path} | {ok:false, error}
 *                       {op:'query', value}     -> {ok:true, value} | {ok:false, error}  (`onQuery`)
 * Modules are not bundled or rewritten: BOOTSTRAP creates an XS `Compartment` whose `loadNowHook`
 * asks Node for each module's source (`load` query; Node reads the compiled file under `root`) and
 * wraps it in XS's native `ModuleSource`, so `import`/`export` keep exact ES-module semantics, as
 * on a Moddable device. A `//# sourceURL=<path>` line is appended so XS stack traces name the file
 * and line. Relative specifiers ("./x.js", "../x.js") resolve; a bare one resolves only when the
 * session's `modules` map names its file (`resolve` query: the stand-ins of a Moddable platform's
 * modules, test/firmware); any other ("node:fs") fails with a message saying code run on XS must be
 * host-free.
 *
 * Contract for an entry module (see test/xs/selftest-entry.ts):
 *   - its top level runs once, at import (no top-level await);
 *   - `export function main(...args)` (optional) is called after the import; its return value (or
 *     the value of the promise it returns, settled before the job queue drains) must be
 *     JSON-serialisable and becomes `XsRun.result` — it travels back as the command's reply;
 *   - XS-only globals endowed to the compartment: `report(value)` sends a JSON value to Node at
 *     once through the worker's `issueCommand` channel (collected in `XsRun.reports`, in order),
 *     `print(...values)` writes a line to the worker's stdout (collected in `XsRun.stdout`),
 *     `trace(...values)` is Moddable's console: one `report({trace: text})` per call, and
 *     `query(value)` returns what the session's `onQuery` answers (a device bridged to Node).
 *     Look them up with `typeof`, so the same module also runs on Node (`runOnNode`).
 *     Everything else in the compartment's global is plain ECMAScript (no TextEncoder, no timers).
 *
 * Meter figures (`XsMeter`), as the worker reports them at the end of each crank:
 *   compute           XS meter count for the crank (roughly one per bytecode step plus a charge for
 *                     host calls); deterministic for the same code and inputs; does not charge GC.
 *                     Unsigned 32-bit in the worker: keep a crank below ~2e9 (`meteringLimit`).
 *   currentHeapCount  slots (32 bytes each on a 64-bit host, 16 on ESP32) in use: live objects
 *                     plus garbage not yet collected. After `gc()` it is the live count.
 *   allocate          bytes XS has obtained from the system for its slot heap and chunk heap
 *                     (~42 MB at start); it grows only when XS expands a heap. Chunk usage (string
 *                     bodies, ArrayBuffer storage, array items) is not reported by the worker; it
 *                     becomes visible only as organic GCs (`organicGc`) or `allocate` growth.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Readable, Writable } from 'node:stream';

// ---------------------------------------------------------------------------------------------
// Public types

export interface XsMeter {
  /** XS meter count of the crank (deterministic) */
  compute: number;
  /** slots in use at the end of the crank (live + uncollected garbage) */
  currentHeapCount: number;
  /** bytes XS has allocated from the system so far (slot + chunk heaps) */
  allocate: number;
  /** bytes in use in the chunk heap (only from the chunk-metering worker, test/firmware/xs-meter-worker.ts) */
  currentChunksSize?: number;
  /** garbage collections since the worker started (same worker) */
  gcCount?: number;
}

export interface XsRun<T = unknown> {
  /** JSON value returned by the entry's `main()`; null when the entry has no `main` */
  result: T;
  /** values the entry passed to `report()`, in order */
  reports: unknown[];
  /** output of `print()` in the worker */
  stdout: string;
  meter: {
    /** the crank that imported the entry (parsing + linking + every module's top level) */
    load: XsMeter;
    /** the crank that called `main()`; null when there is no `main` */
    main: XsMeter | null;
  };
  timings: {
    /** spawn + bootstrap script evaluated */
    startMs: number;
    loadMs: number;
    mainMs: number;
    /** including close */
    totalMs: number;
  };
  /** the worker's peak resident set size (Linux /proc VmHWM), null where unknown */
  workerPeakRssKiB: number | null;
}

export interface XsSessionOptions {
  /** wall-clock limit for each command sent to the worker; the worker is killed when it expires */
  timeoutMs?: number;
  /** XS meter limit per crank (worker `-l`); beyond it the worker exits "too much computation" */
  meteringLimit?: number;
  /** modules may be loaded only from below this directory (default: the entry's `build/` dir) */
  root?: string;
  /** path of the xsnap-worker binary (default: the one built by @agoric/xsnap; env XSNAP_WORKER) */
  bin?: string;
  /** name shown in error messages */
  name?: string;
  /**
   * Bare specifiers the entry's modules may import ("embedded:io/socket/udp", "timer") and the compiled file each
   * loads: the stand-ins of a platform's modules (test/firmware). Without it, only relative specifiers resolve.
   */
  modules?: Readonly<Record<string, string>>;
  /** Called with each `report()` value as it arrives; returning true keeps it out of `reports`. */
  onReport?: (value: unknown) => boolean;
  /** Answers the XS global `query(value)` (its JSON result is what `query` returns there; a throw becomes one there). */
  onQuery?: (value: unknown) => unknown;
}

export interface XsRunOptions extends XsSessionOptions {
  /** export called after the import (default 'main'); missing export = nothing to call */
  exportName?: string;
  /** arguments for it (JSON values) */
  args?: unknown[];
}

/** One crank running `fn(i)` for i = 0 .. iterations-1 after a full `gc()`. */
export interface XsPhase {
  iterations: number;
  /** figures at the end of the crank */
  meter: XsMeter;
  /** a garbage collection other than the initial `gc()` ran during the crank */
  organicGc: boolean;
}

export interface XsMeasureOptions extends XsSessionOptions {
  /** export to measure, called as fn(i) */
  exportName: string;
  /** measured calls (one crank) */
  iterations: number;
  /** calls before measuring (one crank; default = iterations) */
  warmup?: number;
  /** optional export called once after the import, before the warm-up */
  setupExport?: string;
  setupArgs?: unknown[];
}

export interface XsMeasurement {
  exportName: string;
  load: XsMeter;
  warmup: XsPhase;
  /** same crank with 0 iterations: fixed cost of a crank and the live heap after `gc()` */
  baseline: XsPhase;
  measured: XsPhase;
  /** a no-op function looped 0 and `iterations` times: the harness's loop + call overhead */
  loopBaseline: XsPhase;
  loopMeasured: XsPhase;
  perIteration: {
    /** compute of one fn(i) call, loop and call overhead removed */
    compute: number;
    /** compute per loop step including the harness's loop and call overhead */
    computeGross: number;
    /** slots allocated (garbage or retained) per call; exact only when `organicGc` is false */
    heapSlots: number;
    /** growth of XS's system allocation per call, bytes (0 unless XS had to expand its heaps) */
    allocateBytes: number;
  };
  /** a GC ran during the measured crank: heapSlots undercounts — lower `iterations` */
  organicGc: boolean;
  timings: { startMs: number; loadMs: number; warmupMs: number; measuredMs: number };
  workerPeakRssKiB: number | null;
}

/** Size of an XS slot on a 64-bit host (this worker) and on a 32-bit MCU (ESP32). */
export const XS_SLOT_BYTES_HOST = 32;
export const XS_SLOT_BYTES_ESP32 = 16;

// ---------------------------------------------------------------------------------------------
// Locating the worker

const EXIT_MESSAGES: Record<number, string> = {
  1: 'bad argument usage',
  2: 'I/O error',
  11: 'not enough memory',
  12: 'stack overflow',
  15: 'unhandled exception',
  16: 'property (key) name space exhausted',
  17: 'too much computation (meteringLimit exceeded)',
};

/** Path of the xsnap-worker binary built by @agoric/xsnap's postinstall. */
export function xsnapWorkerPath(): string {
  const fromEnv = process.env['XSNAP_WORKER'];
  if (fromEnv) return fromEnv;
  const platform = process.platform === 'linux' ? 'lin' : process.platform === 'darwin' ? 'mac' : null;
  if (platform === null) throw new Error(`xsnap-worker is not built for platform ${process.platform}`);
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = path.dirname(require.resolve('@agoric/xsnap/package.json'));
  } catch {
    throw new Error('@agoric/xsnap is not installed (npm install)');
  }
  return path.join(pkg, 'xsnap-native', 'xsnap', 'build', 'bin', platform, 'release', 'xsnap-worker');
}

// ---------------------------------------------------------------------------------------------
// Code evaluated in the worker (serialised with Function.prototype.toString; it must not refer
// to anything outside its own body). Type-checked here, run there.

interface XsModuleSourceCtor {
  new (source: string): object;
}
interface XsCompartment {
  importNow(specifier: string): Record<string, unknown>;
}
interface XsCompartmentCtor {
  new (options: {
    globals?: Record<string, unknown>;
    resolveHook?: (specifier: string, referrer: string | undefined) => string;
    loadNowHook?: (specifier: string) => { source: object };
  }): XsCompartment;
}
interface XsWorkerGlobal {
  issueCommand(message: ArrayBuffer): ArrayBuffer;
  print(...values: unknown[]): void;
  gc(): void;
  handleCommand?: (message: ArrayBuffer) => { result: ArrayBuffer | undefined };
  Compartment: XsCompartmentCtor;
  ModuleSource: XsModuleSourceCtor;
  TextEncoder: typeof TextEncoder;
  TextDecoder: typeof TextDecoder;
  FinalizationRegistry: typeof FinalizationRegistry;
}

function xsBootstrap(): void {
  const g = globalThis as unknown as XsWorkerGlobal;
  const { issueCommand, print, gc, Compartment, ModuleSource } = g;
  const encoder = new g.TextEncoder();
  const decoder = new g.TextDecoder();
  const toBuffer = (text: string): ArrayBuffer => {
    const bytes = encoder.encode(text);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  };
  const ask = (query: object): { ok: boolean; source?: string; error?: string; value?: unknown } =>
    JSON.parse(decoder.decode(issueCommand(toBuffer(JSON.stringify(query)))));

  const resolveHook = (specifier: string, referrer: string | undefined): string => {
    if (referrer === undefined) return specifier;
    if (!specifier.startsWith('./') && !specifier.startsWith('../')) {
      const mapped = ask({ op: 'resolve', specifier });
      if (mapped.ok && typeof mapped.source === 'string') return mapped.source;
      throw new Error(
        `cannot import "${specifier}" from ${referrer}: code run on XS must be host-free ` +
          '(relative "./x.js" imports only, or a specifier the session maps)',
      );
    }
    const parts = referrer.split('/');
    parts.pop();
    for (const part of specifier.split('/')) {
      if (part === '..') parts.pop();
      else if (part !== '.' && part !== '') parts.push(part);
    }
    return parts.join('/');
  };
  const loadNowHook = (specifier: string): { source: object } => {
    const answer = ask({ op: 'load', specifier });
    if (!answer.ok || typeof answer.source !== 'string') throw new Error(answer.error ?? `cannot load ${specifier}`);
    return { source: new ModuleSource(`${answer.source}\n//# sourceURL=${specifier}\n`) };
  };
  const report = (value: unknown): void => {
    const answer = ask({ op: 'report', value: value === undefined ? null : value });
    if (!answer.ok) throw new Error(answer.error ?? 'report failed');
  };
  // Moddable's `trace` (the serial console): each call is one report, so Node sees the line at once.
  const trace = (...values: unknown[]): void => report({ trace: values.map((v) => String(v)).join('') });
  const query = (value: unknown): unknown => {
    const answer = ask({ op: 'query', value: value === undefined ? null : value });
    if (!answer.ok) throw new Error(answer.error ?? 'query failed');
    return answer.value;
  };
  const compartment = new Compartment({ globals: { print, report, trace, query }, resolveHook, loadNowHook });

  let phase = 0;
  const collected: Record<number, boolean> = {};
  const registry = new g.FinalizationRegistry((id: number) => {
    collected[id] = true;
  });
  const noop = (_i: number): void => {};
  const exported = (entry: string, name: string, optional: boolean): ((...args: unknown[]) => unknown) | null => {
    const value = compartment.importNow(entry)[name];
    if (typeof value === 'function') return value as (...args: unknown[]) => unknown;
    if (optional && value === undefined) return null;
    throw new TypeError(`${entry} has no exported function "${name}"`);
  };
  const describe = (e: unknown): object => {
    if (e !== null && typeof e === 'object') {
      const error = e as { name?: unknown; message?: unknown; stack?: unknown };
      return { name: String(error.name), message: String(error.message), stack: String(error.stack ?? '') };
    }
    return { name: 'thrown value', message: String(e), stack: '' };
  };

  g.handleCommand = (message: ArrayBuffer) => {
    // The worker replies with `box.result` once the job queue is empty, so a promise returned by
    // an entry's export can still deliver its value.
    const box: { result: ArrayBuffer | undefined } = { result: undefined };
    const done = (value: unknown): void => {
      let text: string;
      try {
        text = JSON.stringify({ ok: true, value: value === undefined ? null : value });
      } catch (e) {
        fail(e);
        return;
      }
      box.result = toBuffer(text);
    };
    const fail = (e: unknown): void => {
      box.result = toBuffer(JSON.stringify({ ok: false, error: describe(e) }));
    };
    try {
      const command = JSON.parse(decoder.decode(message)) as {
        op: string;
        entry: string;
        export: string | null;
        args: unknown[];
        optional: boolean;
        n: number;
        id: number;
      };
      if (command.op === 'import') {
        compartment.importNow(command.entry);
        done(null);
      } else if (command.op === 'call') {
        const fn = exported(command.entry, command.export ?? 'main', command.optional);
        if (fn === null) {
          done({ called: false, value: null });
        } else {
          const value = fn(...command.args);
          if (value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function') {
            (value as Promise<unknown>).then((v) => done({ called: true, value: v }), fail);
          } else {
            done({ called: true, value });
          }
        }
      } else if (command.op === 'loop') {
        const fn = command.export === null ? noop : exported(command.entry, command.export, false)!;
        const n = command.n;
        gc();
        const id = ++phase;
        registry.register({}, id); // collected only by a GC that runs during the loop
        for (let i = 0; i < n; i++) fn(i);
        done(id);
      } else if (command.op === 'gc') {
        gc();
        done(null);
      } else if (command.op === 'collected') {
        done(collected[command.id] === true);
      } else {
        throw new Error(`unknown op ${command.op}`);
      }
    } catch (e) {
      fail(e);
    }
    return box;
  };
}

const BOOTSTRAP = `(${xsBootstrap.toString()})();`;

// ---------------------------------------------------------------------------------------------
// The worker process

interface CommandResult {
  meter: XsMeter;
  reply: Buffer;
}

interface Pending {
  what: string;
  resolve(result: CommandResult): void;
  reject(error: Error): void;
}

type QueryHandler = (query: Buffer) => Promise<Buffer>;

const CAPTURE_LIMIT = 1 << 20;

class XsnapProcess {
  readonly name: string;
  private readonly child: ChildProcess;
  private readonly toWorker: Writable;
  private readonly timeoutMs: number;
  private inbox: Buffer = Buffer.alloc(0);
  private pending: Pending | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private exited: Error | null = null;
  private exitWaiters: Array<() => void> = [];
  private stderrText = '';
  stdoutText = '';

  constructor(bin: string, name: string, meteringLimit: number, timeoutMs: number, private readonly onQuery: QueryHandler) {
    this.name = name;
    this.timeoutMs = timeoutMs;
    if (!existsSync(bin)) {
      throw new Error(`xsnap-worker binary not found at ${bin} (was @agoric/xsnap's postinstall build run?)`);
    }
    const args = ['sip-intercom-xs'];
    if (meteringLimit > 0) args.push('-l', String(Math.floor(meteringLimit)));
    this.child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] });
    const stdio = this.child.stdio;
    this.toWorker = stdio[3] as Writable;
    const fromWorker = stdio[4] as Readable;
    this.toWorker.on('error', () => {}); // EPIPE after a crash: reported through 'exit'
    fromWorker.on('error', () => {});
    fromWorker.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (text: string) => {
      if (this.stdoutText.length < CAPTURE_LIMIT) this.stdoutText += text;
    });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (text: string) => {
      if (this.stderrText.length < CAPTURE_LIMIT) this.stderrText += text;
    });
    this.child.on('error', (error) => this.fail(new Error(`${name}: cannot run ${bin}: ${error.message}`)));
    // 'close' comes after the worker exited and its pipes are drained, so stderr is complete.
    this.child.on('close', (code, signal) => {
      const why =
        signal !== null
          ? `killed by ${signal}`
          : code === 0
            ? 'exited'
            : `exited with code ${code}${code !== null && EXIT_MESSAGES[code] ? ` (${EXIT_MESSAGES[code]})` : ''}`;
      this.fail(new Error(`${name}: xsnap worker ${why}${this.stderrTail()}`));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private stderrTail(): string {
    const text = this.stderrText.trim();
    return text ? `; stderr: ${text.slice(-2000)}` : '';
  }

  private fail(error: Error): void {
    if (this.exited === null) this.exited = error;
    const pending = this.pending;
    this.pending = null;
    pending?.reject(new Error(`${error.message} (while ${pending.what})`));
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined) {
      for (const wake of this.exitWaiters.splice(0)) wake();
    }
  }

  private write(parts: Buffer[]): void {
    const length = parts.reduce((sum, part) => sum + part.length, 0);
    this.toWorker.write(Buffer.concat([Buffer.from(`${length}:`), ...parts, Buffer.from(',')]));
  }

  private receive(chunk: Buffer): void {
    this.inbox = this.inbox.length === 0 ? chunk : Buffer.concat([this.inbox, chunk]);
    for (;;) {
      const colon = this.inbox.indexOf(0x3a);
      if (colon < 0) {
        if (this.inbox.length > 12) this.protocolError('no netstring length');
        return;
      }
      const length = Number(this.inbox.subarray(0, colon).toString('latin1'));
      if (!Number.isInteger(length) || colon === 0) {
        this.protocolError('bad netstring length');
        return;
      }
      const end = colon + 1 + length;
      if (this.inbox.length < end + 1) return;
      if (this.inbox[end] !== 0x2c) {
        this.protocolError('missing netstring terminator');
        return;
      }
      const message = this.inbox.subarray(colon + 1, end);
      this.inbox = this.inbox.subarray(end + 1);
      this.dispatch(message);
    }
  }

  private protocolError(what: string): void {
    this.child.kill('SIGKILL');
    this.fail(new Error(`${this.name}: xsnap protocol error: ${what}`));
  }

  private dispatch(message: Buffer): void {
    const kind = message[0];
    const body = message.subarray(1);
    if (kind === 0x3f /* ? */) {
      this.onQuery(Buffer.from(body)).then(
        (answer) => this.write([Buffer.from('/'), answer]),
        (error: unknown) =>
          this.write([Buffer.from('/'), Buffer.from(JSON.stringify({ ok: false, error: String(error) }))]),
      );
      return;
    }
    const pending = this.pending;
    if (pending === null) {
      this.protocolError(`unexpected message ${JSON.stringify(message.subarray(0, 80).toString())}`);
      return;
    }
    this.pending = null;
    if (kind === 0x2e /* . */) {
      const separator = body.indexOf(1);
      const meterText = separator < 0 ? '' : body.subarray(0, separator).toString('utf8');
      const reply = separator < 0 ? body : body.subarray(separator + 1);
      let meter: XsMeter = { compute: NaN, currentHeapCount: NaN, allocate: NaN };
      if (meterText) {
        const parsed = JSON.parse(meterText) as XsMeter;
        // An instrumented worker adds fields (test/firmware/xs-meter-worker.ts: currentChunksSize, gcCount): kept.
        meter = { ...parsed, compute: parsed.compute, currentHeapCount: parsed.currentHeapCount, allocate: parsed.allocate };
      }
      pending.resolve({ meter, reply: Buffer.from(reply) });
    } else if (kind === 0x21 /* ! */) {
      pending.reject(new Error(`${this.name}: uncaught exception in XS while ${pending.what}: ${body.toString('utf8')}`));
    } else {
      this.pending = pending;
      this.protocolError(`unknown reply ${JSON.stringify(message.subarray(0, 80).toString())}`);
    }
  }

  /** Send one command and wait for its reply; commands are serialised. */
  command(payload: Buffer, what: string): Promise<CommandResult> {
    const run = (): Promise<CommandResult> =>
      new Promise<CommandResult>((resolve, reject) => {
        if (this.exited !== null) {
          reject(new Error(`${this.exited.message} (before ${what})`));
          return;
        }
        const timer = setTimeout(() => {
          this.child.kill('SIGKILL');
          this.fail(new Error(`${this.name}: timed out after ${this.timeoutMs} ms${this.stderrTail()}`));
        }, this.timeoutMs);
        this.pending = {
          what,
          resolve: (result) => {
            clearTimeout(timer);
            resolve(result);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        this.write([payload]);
      });
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }

  /** Peak and current resident set size of the worker, KiB (Linux only). */
  memory(): { rssKiB: number; peakRssKiB: number } | null {
    if (this.child.pid === undefined || this.exited !== null) return null;
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const field = (key: string): number => Number(new RegExp(`^${key}:\\s*(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
      return { rssKiB: field('VmRSS'), peakRssKiB: field('VmHWM') };
    } catch {
      return null;
    }
  }

  /** Ask the worker to quit; kill it if it does not within a second. Never rejects. */
  async close(): Promise<void> {
    await this.queue;
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    if (this.exited === null) {
      this.exited = new Error(`${this.name}: closed`);
      this.write([Buffer.from('q')]);
      this.toWorker.end();
    }
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 1000);
    let giveUp: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((resolve) => (giveUp = setTimeout(resolve, 3000)))]);
    clearTimeout(kill);
    clearTimeout(giveUp);
  }
}

// ---------------------------------------------------------------------------------------------
// Sessions

interface Reply {
  ok: boolean;
  value?: unknown;
  error?: { name: string; message: string; stack: string };
}

function defaultRoot(entry: string): string {
  let dir = path.dirname(entry);
  for (;;) {
    if (path.basename(dir) === 'build') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.dirname(entry);
    dir = parent;
  }
}

/** A live xsnap worker with our bootstrap loaded. Close it when done. */
export class XsSession {
  readonly reports: unknown[] = [];
  private readonly worker: XsnapProcess;
  private root: string | null;
  private readonly modules: Readonly<Record<string, string>>;
  private readonly onReport: ((value: unknown) => boolean) | undefined;
  private readonly onQuery: ((value: unknown) => unknown) | undefined;
  /** Every module file loaded, in order. */
  readonly loaded: string[] = [];
  /** wall-clock time taken by spawn + bootstrap */
  startMs = 0;

  private constructor(options: XsSessionOptions) {
    this.root = options.root === undefined ? null : path.resolve(options.root);
    this.modules = options.modules ?? {};
    this.onReport = options.onReport;
    this.onQuery = options.onQuery;
    this.worker = new XsnapProcess(
      options.bin ?? xsnapWorkerPath(),
      options.name ?? 'xsnap',
      options.meteringLimit ?? 2_000_000_000,
      options.timeoutMs ?? 30_000,
      (query) => this.answer(query),
    );
  }

  static async open(options: XsSessionOptions = {}): Promise<XsSession> {
    const started = performance.now();
    const session = new XsSession(options);
    try {
      await session.worker.command(Buffer.from(`e${BOOTSTRAP}`), 'evaluating the bootstrap');
    } catch (error) {
      await session.worker.close();
      throw error;
    }
    session.startMs = performance.now() - started;
    return session;
  }

  get stdout(): string {
    return this.worker.stdoutText;
  }

  get pid(): number | undefined {
    return this.worker.pid;
  }

  memory(): { rssKiB: number; peakRssKiB: number } | null {
    return this.worker.memory();
  }

  private async answer(query: Buffer): Promise<Buffer> {
    const json = (value: object): Buffer => Buffer.from(JSON.stringify(value));
    const request = JSON.parse(query.toString('utf8')) as { op?: string; specifier?: unknown; value?: unknown };
    if (request.op === 'report') {
      if (this.onReport?.(request.value) !== true) this.reports.push(request.value);
      return json({ ok: true });
    }
    if (request.op === 'query') {
      try {
        const value = this.onQuery === undefined ? null : await this.onQuery(request.value);
        return json({ ok: true, value: value === undefined ? null : value });
      } catch (error) {
        return json({ ok: false, error: (error as Error).message });
      }
    }
    if (request.op === 'resolve' && typeof request.specifier === 'string') {
      const file = Object.hasOwn(this.modules, request.specifier) ? this.modules[request.specifier] : undefined;
      return json(file === undefined ? { ok: false, error: `no module "${request.specifier}"` } : { ok: true, source: path.resolve(file) });
    }
    if (request.op === 'load' && typeof request.specifier === 'string') {
      const file = request.specifier;
      const root = this.root ?? path.dirname(file);
      const relative = path.relative(root, file);
      if (!path.isAbsolute(file) || relative.startsWith('..') || path.isAbsolute(relative)) {
        return json({ ok: false, error: `cannot load ${file}: outside ${root}` });
      }
      if (!file.endsWith('.js')) return json({ ok: false, error: `cannot load ${file}: not a .js module` });
      try {
        const source = await readFile(file, 'utf8');
        this.loaded.push(file);
        return json({ ok: true, source });
      } catch (error) {
        return json({ ok: false, error: `cannot load ${file}: ${(error as Error).message}` });
      }
    }
    return json({ ok: false, error: `unknown query ${query.toString('utf8').slice(0, 200)}` });
  }

  private async request(command: object, what: string): Promise<{ value: unknown; meter: XsMeter }> {
    const { meter, reply } = await this.worker.command(Buffer.concat([Buffer.from('?'), Buffer.from(JSON.stringify(command))]), what);
    if (reply.length === 0) {
      throw new Error(`${this.worker.name}: no reply while ${what} (a promise returned by the entry never settled?)`);
    }
    const parsed = JSON.parse(reply.toString('utf8')) as Reply;
    if (!parsed.ok) {
      const error = parsed.error ?? { name: 'Error', message: 'unknown failure', stack: '' };
      const failure = new Error(`${error.name}: ${error.message} (on XS, while ${what})`);
      failure.stack = `${failure.message}\nXS stack:\n${error.stack}`;
      throw failure;
    }
    return { value: parsed.value, meter };
  }

  private entryPath(entryJsPath: string): string {
    const entry = path.resolve(entryJsPath);
    if (!existsSync(entry) || !statSync(entry).isFile()) throw new Error(`entry module not found: ${entry}`);
    if (this.root === null) this.root = defaultRoot(entry);
    return entry;
  }

  /** Import a module (runs its top level once). Meter of that crank. */
  async load(entryJsPath: string): Promise<XsMeter> {
    const entry = this.entryPath(entryJsPath);
    return (await this.request({ op: 'import', entry }, `importing ${entry}`)).meter;
  }

  /** Call an exported function with JSON arguments; resolves with its JSON result. */
  async call<T = unknown>(
    entryJsPath: string,
    exportName: string,
    args: unknown[] = [],
    optional = false,
  ): Promise<{ called: boolean; value: T; meter: XsMeter }> {
    const entry = this.entryPath(entryJsPath);
    const { value, meter } = await this.request(
      { op: 'call', entry, export: exportName, args, optional },
      `calling ${exportName}() of ${entry}`,
    );
    const outcome = value as { called: boolean; value: T };
    return { called: outcome.called, value: outcome.value, meter };
  }

  /** One crank: gc(), then fn(i) for i < n (`exportName` null = a no-op function). */
  async loop(entryJsPath: string, exportName: string | null, n: number): Promise<XsPhase> {
    const entry = this.entryPath(entryJsPath);
    const what = `running ${exportName ?? 'a no-op'} ${n} times`;
    const { value: id, meter } = await this.request({ op: 'loop', entry, export: exportName, n }, what);
    // FinalizationRegistry callbacks run after the crank that collected the sentinel.
    const { value: organicGc } = await this.request({ op: 'collected', id }, 'checking for GC');
    return { iterations: n, meter, organicGc: organicGc === true };
  }

  /** A crank that only runs a full `gc()`: its meter is the live heap (nothing registered, unlike `loop`). */
  async collect(): Promise<XsMeter> {
    return (await this.request({ op: 'gc' }, 'collecting garbage')).meter;
  }

  /** Warm-up crank, then measured crank, with baselines; see `XsMeasurement`. */
  async measure(entryJsPath: string, exportName: string, iterations: number, warmup = iterations): Promise<Omit<XsMeasurement, 'load' | 'timings' | 'workerPeakRssKiB'> & { warmupMs: number; measuredMs: number }> {
    if (!Number.isInteger(iterations) || iterations <= 0) throw new RangeError('iterations must be a positive integer');
    let t = performance.now();
    const warm = await this.loop(entryJsPath, exportName, warmup);
    const warmupMs = performance.now() - t;
    const baseline = await this.loop(entryJsPath, exportName, 0);
    t = performance.now();
    const measured = await this.loop(entryJsPath, exportName, iterations);
    const measuredMs = performance.now() - t;
    const loopBaseline = await this.loop(entryJsPath, null, 0);
    const loopMeasured = await this.loop(entryJsPath, null, iterations);
    const computeGross = (measured.meter.compute - baseline.meter.compute) / iterations;
    const loopStep = (loopMeasured.meter.compute - loopBaseline.meter.compute) / iterations;
    return {
      exportName,
      warmup: warm,
      baseline,
      measured,
      loopBaseline,
      loopMeasured,
      perIteration: {
        compute: computeGross - loopStep,
        computeGross,
        heapSlots: (measured.meter.currentHeapCount - baseline.meter.currentHeapCount) / iterations,
        allocateBytes: (measured.meter.allocate - baseline.meter.allocate) / iterations,
      },
      organicGc: measured.organicGc,
      warmupMs,
      measuredMs,
    };
  }

  async close(): Promise<void> {
    await this.worker.close();
  }
}

// ---------------------------------------------------------------------------------------------
// One-shot helpers

/**
 * Run a compiled entry module on XS: import it (with its relative imports), call its `main(...args)`
 * if it exports one, and return what it reported plus the meter figures. The worker is always
 * closed; a failure (exception, crash, meter or time limit) rejects with the message.
 */
export async function runOnXs<T = unknown>(entryJsPath: string, options: XsRunOptions = {}): Promise<XsRun<T>> {
  const started = performance.now();
  const session = await XsSession.open(options);
  try {
    let t = performance.now();
    const load = await session.load(entryJsPath);
    const loadMs = performance.now() - t;
    t = performance.now();
    const call = await session.call<T>(entryJsPath, options.exportName ?? 'main', options.args ?? [], true);
    const mainMs = performance.now() - t;
    const memory = session.memory();
    await session.close(); // also in `finally`; a second close is a no-op
    return {
      result: call.called ? call.value : (null as T),
      reports: session.reports,
      stdout: session.stdout,
      meter: { load, main: call.called ? call.meter : null },
      timings: { startMs: session.startMs, loadMs, mainMs, totalMs: performance.now() - started },
      workerPeakRssKiB: memory?.peakRssKiB ?? null,
    };
  } finally {
    await session.close();
  }
}

/**
 * For the benchmark: import `entryJsPath` in a fresh worker, optionally call `setupExport`, then
 * run `exportName(i)` `warmup` times (one crank) and `iterations` times (one crank, after a full
 * gc()), and report compute and heap growth per call. Compute is deterministic; heap growth is
 * exact when `organicGc` is false. Keep iterations x compute per call below ~2e9 (meter limit).
 */
export async function measureOnXs(entryJsPath: string, options: XsMeasureOptions): Promise<XsMeasurement> {
  const session = await XsSession.open(options);
  try {
    let t = performance.now();
    const load = await session.load(entryJsPath);
    const loadMs = performance.now() - t;
    if (options.setupExport !== undefined) {
      await session.call(entryJsPath, options.setupExport, options.setupArgs ?? []);
    }
    const result = await session.measure(entryJsPath, options.exportName, options.iterations, options.warmup);
    const { warmupMs, measuredMs, ...figures } = result;
    const memory = session.memory();
    return {
      ...figures,
      load,
      timings: { startMs: session.startMs, loadMs, warmupMs, measuredMs },
      workerPeakRssKiB: memory?.peakRssKiB ?? null,
    };
  } finally {
    await session.close();
  }
}

/**
 * The same contract on Node, for comparing results: imports the module, calls `main(...args)`,
 * and collects `report()` calls through a temporary `globalThis.report`. Node caches modules:
 * top-level `report()` calls are seen only by the first run of a module in a process.
 */
export async function runOnNode<T = unknown>(
  entryJsPath: string,
  options: { exportName?: string; args?: unknown[] } = {},
): Promise<{ result: T; reports: unknown[] }> {
  const reports: unknown[] = [];
  const g = globalThis as { report?: (value: unknown) => void };
  const previous = g.report;
  g.report = (value: unknown) => {
    reports.push(JSON.parse(JSON.stringify(value === undefined ? null : value)));
  };
  try {
    const namespace = (await import(pathToFileURL(path.resolve(entryJsPath)).href)) as Record<string, unknown>;
    const fn = namespace[options.exportName ?? 'main'];
    const value = typeof fn === 'function' ? await (fn as (...args: unknown[]) => unknown)(...(options.args ?? [])) : null;
    return { result: JSON.parse(JSON.stringify(value === undefined ? null : value)) as T, reports };
  } finally {
    if (previous === undefined) delete g.report;
    else g.report = previous;
  }
}

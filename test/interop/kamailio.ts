// kamailio as the registrar + proxy of interop tests: renders the project's own config
// (test/interop/kamailio/kamailio.cfg) and db_text tables into a fresh temporary directory, runs
// `kamailio -DD -E` as a child (its own process group), waits until it answers an OPTIONS probe on UDP and
// listens on TCP, and reads back what it decided (its "IC ..." log lines) and who is registered (kamcmd ul.dump).
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PeerHelper, PeerProcess, describeExit, renderTemplate, tail } from "./child.js";
import { LOOPBACK, findProgram, isBound, sleep, type Peer } from "./peers.js";

// Compiled to build/test/interop/: the config stays in the source tree.
const CONFIG_TEMPLATE = fileURLToPath(new URL("../../../test/interop/kamailio/kamailio.cfg", import.meta.url));

/** Kamailio's TLS module (tls.so): its own Debian package. */
export const KAMAILIO_TLS: Peer = Object.freeze({ program: "kamailio's tls module", debianPackage: "kamailio-tls-modules" });

/** Where Debian's kamailio keeps its modules (multiarch: /usr/lib/<triplet>/kamailio/modules). */
export function kamailioModuleDirs(): string[] {
	const dirs = ["/usr/lib/kamailio/modules", "/usr/local/lib/kamailio/modules", "/usr/local/lib64/kamailio/modules"];
	if (existsSync("/usr/lib")) for (const d of readdirSync("/usr/lib")) if (d.endsWith("-linux-gnu")) dirs.push(`/usr/lib/${d}/kamailio/modules`);
	return dirs;
}

/** The digest realm (never resolved: AORs and URIs all use 127.0.0.1). */
export const REALM = "intercom.test";
export const KAMAILIO_PORT = 5060;

export interface SipUser {
	readonly user: string;
	readonly password: string;
}
export const DOOR: SipUser = Object.freeze({ user: "door", password: "door-secret" });
export const ALICE: SipUser = Object.freeze({ user: "alice", password: "alice-secret" });
export const BOB: SipUser = Object.freeze({ user: "bob", password: "bob-secret" });
/** The subscribers kamailio knows (its db_text table is written from this list). */
export const SIP_USERS: readonly SipUser[] = Object.freeze([DOOR, ALICE, BOB]);

export interface KamailioOptions {
	/** UDP and TCP port on 127.0.0.1 (default 5060: user AORs are sip:user@127.0.0.1, which is "this proxy" only on 5060). */
	readonly port?: number;
	/** Also SIP over TLS (the tls module) on 127.0.0.1:`port` (default 5061) with this certificate and key (PEM files). */
	readonly tls?: { readonly certificateFile: string; readonly keyFile: string; readonly port?: number };
	readonly realm?: string;
	readonly users?: readonly SipUser[];
	/** Until it answers the probe (default 10 s). */
	readonly startTimeoutMs?: number;
}

/** One decision line of our config: `IC <event> key=value ...`. */
export interface KamailioEvent {
	readonly event: string;
	readonly fields: Readonly<Record<string, string>>;
	readonly line: string;
}

/** A contact in kamailio's location table. */
export interface Registration {
	/** The AOR's user part (usrloc keeps users without domain here). */
	readonly aor: string;
	readonly contact: string;
	/** Seconds left, as kamcmd reports them. */
	readonly expires: number | null;
	readonly userAgent: string;
	readonly transport: string;
}

const EVENT_LINE = /<script>: IC ([A-Z_]+)(.*)$/;

/** MD5 HA1 as RFC 2617 defines it (what kamailio's subscriber table stores). */
export function digestHa1(user: string, realm: string, password: string): string {
	return createHash("md5").update(`${user}:${realm}:${password}`).digest("hex");
}

function dbTextTables(users: readonly SipUser[], realm: string): { subscriber: string; version: string } {
	for (const u of users) {
		// db_text separates fields with ':' and tables must not hold an empty (NULL) field.
		if (!/^[A-Za-z0-9._-]+$/.test(u.user) || u.password === "") throw new Error(`kamailio: unusable test user ${JSON.stringify(u)}`);
	}
	const rows = users.map((u, i) =>
		[i + 1, u.user, realm, digestHa1(u.user, realm, u.password), digestHa1(`${u.user}@${realm}`, realm, u.password)].join(":"),
	);
	return {
		subscriber: ["id(int,auto) username(string) domain(string) ha1(string) ha1b(string)", ...rows, ""].join("\n"),
		version: ["id(int,auto) table_name(string) table_version(int)", "1:version:1", "2:subscriber:7", ""].join("\n"),
	};
}

/**
 * A running kamailio. Start with `Kamailio.start`, always `stop()` it (mocha after hook). Its directory: kamailio.cfg
 * (rendered), db/, kamailio.log, the ctl socket. Its `log`: everything it logged (stderr: -E).
 */
export class Kamailio extends PeerHelper {
	readonly port: number;
	/** The TLS port, or 0 without TLS. */
	readonly tlsPort: number;
	readonly realm: string;
	readonly configFile: string;
	readonly ctlSocket: string;
	readonly logFile: string;
	readonly #binary: string;
	#stopped = false;

	private constructor(binary: string, port: number, tlsPort: number, realm: string, dir: string, proc: PeerProcess) {
		super(dir, proc);
		this.#binary = binary;
		this.port = port;
		this.tlsPort = tlsPort;
		this.realm = realm;
		this.configFile = join(dir, "kamailio.cfg");
		this.ctlSocket = join(dir, "kamailio.ctl");
		this.logFile = join(dir, "kamailio.log");
	}

	/** Render the config, start kamailio and wait until it answers. Throws (with its log) if it does not. */
	static async start(binary: string, options: KamailioOptions = {}): Promise<Kamailio> {
		const port = options.port ?? KAMAILIO_PORT;
		const realm = options.realm ?? REALM;
		const users = options.users ?? SIP_USERS;
		if (isBound(port, "udp") === true || isBound(port, "tcp") === true) {
			throw new Error(`kamailio: 127.0.0.1:${port} is already in use (another kamailio or test still running?)`);
		}
		const dir = mkdtempSync(join(tmpdir(), "kamailio-"));
		const db = join(dir, "db");
		mkdirSync(db);
		const tables = dbTextTables(users, realm);
		writeFileSync(join(db, "subscriber"), tables.subscriber);
		writeFileSync(join(db, "version"), tables.version);
		const tls = options.tls;
		const tlsPort = tls === undefined ? 0 : tls.port ?? 5061;
		if (tls !== undefined && isBound(tlsPort, "tcp") === true) throw new Error(`kamailio: 127.0.0.1:${tlsPort} (TLS) is already in use`);
		const config = renderTemplate(readFileSync(CONFIG_TEMPLATE, "utf8"), {
			PORT: port, TLS_PORT: tlsPort, REALM: realm, RUN_DIR: dir, DB_DIR: db, LOCAL_USERS: users.map((u) => u.user).join("|"),
		}, CONFIG_TEMPLATE);
		writeFileSync(join(dir, "kamailio.cfg"), config);
		if (tls !== undefined) {
			// The tls module's own file: our certificate; clients are not asked for one (the station has none).
			writeFileSync(join(dir, "tls.cfg"), ["[server:default]", "method = TLSv1.2+", "verify_certificate = no", "require_certificate = no",
				`certificate = ${tls.certificateFile}`, `private_key = ${tls.keyFile}`, "", "[client:default]", "method = TLSv1.2+",
				"verify_certificate = no", "require_certificate = no", ""].join("\n"));
		}

		// -DD: stay in the foreground (worker processes are still forked, into our process group); -E: log to stderr.
		const args = ["-f", join(dir, "kamailio.cfg"), "-DD", "-E", "-m", "64", "-M", "8", ...(tls !== undefined ? ["-A", "WITH_TLS"] : [])];
		const proc = new PeerProcess("kamailio", binary, args, { cwd: dir, logFile: join(dir, "kamailio.log") });
		const k = new Kamailio(binary, port, tlsPort, realm, dir, proc);
		return k.ready(k.#waitReady(options.startTimeoutMs ?? 10000));
	}

	/** A position in the log, for `events(..., since)` / `logSince`. */
	mark(): number {
		return this.peer.output.length;
	}
	logSince(mark: number): string {
		return this.peer.output.slice(mark);
	}

	/** The config's decision lines (`IC <event> ...`), optionally of one event type and after a `mark()`. */
	events(event?: string, since = 0): KamailioEvent[] {
		const out: KamailioEvent[] = [];
		for (const line of this.logSince(since).split("\n")) {
			const m = EVENT_LINE.exec(line.trimEnd());
			if (m === null || (event !== undefined && m[1] !== event)) continue;
			const fields: Record<string, string> = {};
			// values hold no spaces except a Contact's display name: "key=" starts the next field
			for (const f of m[2].matchAll(/ ([A-Za-z_]+)=(.*?)(?= [A-Za-z_]+=|\s*$)/g)) fields[f[1]] = f[2];
			out.push({ event: m[1], fields, line: line.trim() });
		}
		return out;
	}

	/** Resolve with the first matching decision line after `since`; reject after `timeoutMs`. */
	async waitForEvent(event: string, match: (e: KamailioEvent) => boolean, timeoutMs: number, since = 0): Promise<KamailioEvent> {
		const until = performance.now() + timeoutMs;
		for (;;) {
			const found = this.events(event, since).find(match);
			if (found !== undefined) return found;
			if (!this.running) throw new Error(`kamailio exited (${describeExit(this.peer.exitInfo)}) while waiting for IC ${event}\n${this.describe()}`);
			if (performance.now() > until) throw new Error(`kamailio: no matching IC ${event} within ${timeoutMs} ms\n${this.describe()}`);
			await sleep(25);
		}
	}

	/** The location table, through kamcmd on the ctl socket (`ul.dump`). */
	async registrations(): Promise<Registration[]> {
		const text = await this.kamcmd(["ul.dump"]);
		return parseUlDump(text);
	}

	/** Run kamcmd against this kamailio's ctl socket; resolves with its stdout. */
	kamcmd(args: readonly string[], timeoutMs = 5000): Promise<string> {
		// kamcmd comes with kamailio: look beside it first (/usr/sbin is not on a Debian user's PATH)
		const kamcmd = findProgram("kamcmd", [dirname(this.#binary)]);
		if (kamcmd === null) return Promise.reject(new Error("kamcmd not found on PATH (it comes with the Debian package kamailio)"));
		return new Promise((resolve, reject) => {
			execFile(kamcmd, ["-s", `unix:${this.ctlSocket}`, ...args], { timeout: timeoutMs, encoding: "latin1" }, (err, stdout, stderr) => {
				if (err !== null) reject(new Error(`kamcmd ${args.join(" ")}: ${err.message}\n${stderr}`));
				else resolve(stdout);
			});
		});
	}

	/**
	 * Send `OPTIONS sip:127.0.0.1:<port>` (no user: the config answers it itself) over UDP or TCP; resolves with the
	 * status line of the answer, or null after `timeoutMs`.
	 */
	probe(timeoutMs = 300, transport: "udp" | "tcp" = "udp"): Promise<string | null> {
		const id = randomBytes(6).toString("hex");
		const options = (localPort: number) => [
			`OPTIONS sip:${LOOPBACK}:${this.port}${transport === "tcp" ? ";transport=tcp" : ""} SIP/2.0`,
			`Via: SIP/2.0/${transport.toUpperCase()} ${LOOPBACK}:${localPort};branch=z9hG4bK-probe-${id}`,
			"Max-Forwards: 70",
			`From: <sip:probe@${LOOPBACK}:${localPort}>;tag=${id}`,
			`To: <sip:${LOOPBACK}:${this.port}>`,
			`Call-ID: probe-${id}@${LOOPBACK}`,
			"CSeq: 1 OPTIONS",
			"Content-Length: 0",
			"", "",
		].join("\r\n");
		return new Promise((resolve) => {
			let done = false;
			let release = () => {};
			const finish = (answer: string | null) => {
				if (done) return;
				done = true;
				clearTimeout(timer);
				release();
				resolve(answer);
			};
			const timer = setTimeout(() => finish(null), timeoutMs);
			if (transport === "udp") {
				const s = createSocket("udp4");
				release = () => s.close();
				s.on("error", () => finish(null));
				s.on("message", (msg) => finish(msg.toString("latin1").split("\r\n")[0]));
				s.bind({ address: LOOPBACK, port: 0 }, () => s.send(options(s.address().port), this.port, LOOPBACK));
			} else {
				const s = connect({ host: LOOPBACK, port: this.port });
				release = () => s.destroy();
				let text = "";
				s.on("error", () => finish(null));
				s.on("connect", () => s.write(options(s.localPort ?? 0)));
				s.on("data", (d: Buffer) => {
					text += d.toString("latin1");
					if (text.includes("\r\n\r\n")) finish(text.split("\r\n")[0]);
				});
			}
		});
	}

	/** The log's tail and where the files are, for assertion messages. */
	describe(lines = 40): string {
		return `kamailio pid ${this.pid} (${describeExit(this.peer.exitInfo)}), files in ${this.dir}\n--- kamailio log (tail)\n${tail(this.log, lines)}`;
	}

	/**
	 * SIGTERM to the whole process group (kamailio and its workers), SIGKILL after 3 s; resolves when no process
	 * of the group is left. The directory is deleted unless `keepFiles` (then its path is printed).
	 */
	async stop(keepFiles = false): Promise<void> {
		if (this.#stopped) return;
		this.#stopped = true;
		await this.peer.stop([{ signal: "SIGTERM", waitMs: 3000 }]);
		this.removeFiles(keepFiles);
	}

	async #waitReady(timeoutMs: number): Promise<void> {
		const until = performance.now() + timeoutMs;
		for (;;) {
			if (!this.running) {
				throw new Error(`${this.peer.exitedAtStart()}\n${this.describe()}`);
			}
			const answer = await this.probe(200);
			if (answer !== null && / 200 /.test(answer) && isBound(this.port, "tcp") !== false && (this.tlsPort === 0 || isBound(this.tlsPort, "tcp") !== false)) return;
			if (performance.now() > until) throw new Error(`kamailio did not answer OPTIONS on 127.0.0.1:${this.port} within ${timeoutMs} ms\n${this.describe()}`);
			await sleep(50);
		}
	}
}

/** The contacts in `kamcmd ul.dump` output (kamailio 5.6's indented "Key: value" tree). */
export function parseUlDump(text: string): Registration[] {
	const out: Registration[] = [];
	let aor = "";
	let current: { contact: string; expires: number | null; userAgent: string; transport: string } | null = null;
	const flush = () => {
		if (current !== null) out.push({ aor, ...current });
		current = null;
	};
	for (const raw of text.split("\n")) {
		const m = /^\s*([A-Za-z-]+):\s*(.*?)\s*$/.exec(raw);
		if (m === null) continue;
		const [, key, value] = m;
		if (key === "AoR") {
			flush();
			aor = value;
		} else if (key === "Address") {
			flush();
			current = { contact: value, expires: null, userAgent: "", transport: "" };
		} else if (current !== null) {
			if (key === "Expires") current.expires = /^\d+$/.test(value) ? Number(value) : null;
			else if (key === "User-Agent") current.userAgent = value;
			else if (key === "Socket") current.transport = value.split(":")[0];
		}
	}
	flush();
	return out;
}

// Command line of the simulated station (`npm start -- --help`): a configuration file (`--config`, the same JSON
// document the ESP32 reads, src/intercom/config.ts) and options that override its fields. Every error names the
// option or the field, the value and what is allowed; secrets are never echoed.
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { isObject, mergeConfig, type JsonObject } from "../../src/intercom/config-reader.js";
import { DNS_SERVER_FORM, parseDnsServer, parseServerAddress, parseStationConfig, SERVER_FORM } from "../../src/intercom/config.js";
import type { AudioSource } from "./audio-device.js";
import { INDOOR_DEFAULTS } from "./indoor-station.js";
import { PANEL_DEFAULTS } from "./panel-host.js";
import { soundCommands } from "./sound-device.js";
import { STATION_DEFAULTS, type StationOptions } from "./station.js";
import { readWav } from "./wav.js";

/** Secrets from the environment (not the command line, which `ps` shows to every local user): the SIP password, and
 * door codes separated by commas (`1234#,*`), which replace the file's. */
export const PASSWORD_VARIABLE = "SIP_INTERCOM_PASSWORD", DOOR_CODES_VARIABLE = "SIP_INTERCOM_DOOR_CODES";

export const STATION_USAGE = `usage: sip-intercom station [options]     (npm start -- [options])
  Runs the door station on this machine. With no options it listens on 127.0.0.1:5070 (UDP and TCP) with no PBX,
  answers incoming calls after 1 s, and reads commands from standard input:
    press | release | hold MS | list [1] | call URI | answer [n] | reject [n] | hangup [n] | open [relay]
    dtmf DIGITS [n] | register | unregister | status | config | help | quit
  "press" and "release" work the door button (hold MS: a long press), "list" rings the call list, "open" pulses the
  door relay. Calls carry G.711 audio (RTP, RTCP, RFC 4733 DTMF in and out).
  It also serves the web panel (http://127.0.0.1:8080) with a built-in indoor station (sip:flat@127.0.0.1:5090):
  with no registrar, the call list rings the indoor station, which may key the door code; standard input takes
  its commands too: indoor answer | indoor hangup | indoor open [rfc4733|info] | indoor call
options:
  --config FILE           the station's configuration (JSON: sip, callList, doorCodes, relays, incoming ...; README)
  --address IP            address to listen on and to put in Via/Contact (default 127.0.0.1)
  --port N                SIP port, UDP and TCP (sip.port; default 5070 in the simulator)
  --user NAME             the station's user (default door): AOR sip:NAME@DOMAIN
  --domain HOST           the AOR's domain (default: the registrar's host, else --address)
  --display-name TEXT     display name in From
  --password SECRET       digest password (shown by ps: prefer sip.password in --config or ${PASSWORD_VARIABLE})
                          (door codes, too, may come from ${DOOR_CODES_VARIABLE}="1234#,*" instead of the file)
  --auth-user NAME        digest username, if it differs from --user
  --registrar HOST[:PORT][;transport=udp|tcp|tls]   register there (none by default); HOST is a name or an address:
                          a name without port is located by DNS (NAPTR, SRV, A: RFC 3263); sips:HOST[:PORT] for TLS
  --proxy HOST[:PORT][;transport=udp|tcp|tls]       send calls through this outbound proxy (default: the registrar)
  --no-proxy              call straight to the URI's host even with a registrar
  --dns IP[:PORT],...     DNS servers to ask (sip.dnsServers; default: those of /etc/resolv.conf)
  --tls-ca FILE           certificates (PEM) a TLS server's must lead to (sip.tlsCaFile; default: the system's)
  --tls-no-verify         do not check a TLS server's certificate (a self-signed PBX; sip.tlsVerify false)
                          (SSLKEYLOGFILE=FILE in the environment writes TLS session keys for Wireshark: debugging only)
  --expires S             registration lifetime asked for (default 600)
  --answer auto|manual|busy|decline       incoming calls: answer anybody (auto, after --answer-delay), ring until
                          "answer" (manual), refuse everybody with 486 (busy) or 603 (decline)
  --answer-delay MS       ring this long before auto-answering (default 1000)
  --session-expires S     RFC 4028 session interval to ask for, 0 = none (default 1800)
  --rtp-port N            first RTP port (default 16400; call slot i uses N+2i, RTCP N+2i+1)
  --call URI              call URI once started (registered first when there is a registrar)
  --hangup-after S        end every call S seconds after it was answered (callLimits.maxCallSeconds)
  --exit-after-call       quit when the first call has ended
  --audio-in FILE.wav     the door microphone hears this file, looped (8 kHz mono 16-bit; other PCM/G.711 WAVs are converted)
  --tone HZ               ... or a sine tone of HZ (1-3999) (e.g. --tone 700); default: silence
  --audio-out FILE.wav    record what the door speaker plays as 8 kHz mono 16-bit WAV
  --meters                log each call's levels once a second ("call 0: level in -12 dBFS out -9 dBFS")
  --audio-device          the sound card: microphone in, speaker out (arecord/aplay from alsa-utils, or sox)
  --echo-suppressor       duck the sent audio while the far end talks (audio.echoSuppressor.enabled)
  --trace                 print whole SIP messages instead of one line each
  --http-port N           the web panel's port (default ${PANEL_DEFAULTS.port})
  --http-address IP       the web panel's address (default ${PANEL_DEFAULTS.address}; anybody who can reach it can open the door)
  --indoor-port N         the indoor station's SIP port (default ${INDOOR_DEFAULTS.port}; its RTP on ${INDOOR_DEFAULTS.rtpPort}-${INDOOR_DEFAULTS.rtpPort + 1})
  --no-panel              no web panel and no indoor station
  --help`;

/** The web panel and its indoor station (hosts/sim/panel-host.ts, indoor-station.ts). */
export interface PanelArgs {
	readonly httpAddress: string;
	readonly httpPort: number;
	readonly indoorPort: number;
}

export interface StationArgs {
	readonly station: StationOptions;
	readonly call: string | null;
	readonly exitAfterCall: boolean;
	/** null: --no-panel. */
	readonly panel: PanelArgs | null;
	/** The configuration document `station.config` was validated from (the panel adds its indoor station to it). */
	readonly document: JsonObject;
}

/** What the simulator changes of the built-in defaults: its own port (a PBX may hold 5060 on the same machine),
 * anybody may call it (the built-in defaults refuse every caller), and no echo suppressor (files have no echo). */
const SIMULATOR_DEFAULTS: JsonObject = Object.freeze({
	sip: { port: STATION_DEFAULTS.port },
	incoming: { allow: ["*"] },
	audio: { echoSuppressor: { enabled: false } },
});

/** Parse argv; throws an Error whose message names the bad option or lists every bad field of the file. */
export function parseStationArgs(argv: readonly string[], log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): StationArgs | "help" {
	const values = new Map<string, string>();
	const flags = new Set<string>();
	const withValue = new Set(["--config", "--address", "--port", "--user", "--domain", "--display-name", "--password", "--auth-user", "--registrar",
		"--proxy", "--dns", "--tls-ca", "--expires", "--answer", "--answer-delay", "--session-expires", "--rtp-port", "--call", "--hangup-after",
		"--audio-in", "--audio-out", "--tone", "--http-port", "--http-address", "--indoor-port"]);
	const bare = new Set(["--no-proxy", "--tls-no-verify", "--exit-after-call", "--trace", "--help", "--meters", "--echo-suppressor", "--audio-device", "--no-panel"]);
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const eq = a.indexOf("=");
		const name = a.startsWith("--") && eq > 0 ? a.slice(0, eq) : a;
		if (bare.has(name)) flags.add(name);
		else if (withValue.has(name)) {
			const v = eq > 0 && a.startsWith("--") ? a.slice(eq + 1) : argv[++i];
			if (v === undefined) throw new Error(`${name}: a value is expected`);
			values.set(name, v);
		} else throw new Error(`unknown option "${a}" (see --help)`);
	}
	if (flags.has("--help")) return "help";
	const int = (name: string, min: number, max: number): number | undefined => {
		const v = values.get(name);
		if (v === undefined) return undefined;
		if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new Error(`${name}: expected a whole number ${min}-${max}, got "${v}"`);
		return Number(v);
	};
	const server = (name: string): string | undefined => {
		const v = values.get(name);
		if (v !== undefined && parseServerAddress(v) === null) throw new Error(`${name}: expected ${SERVER_FORM}, got "${v}"`);
		return v;
	};

	// The document: the simulator's defaults, the file over them, the environment and the options over both.
	const file = values.get("--config");
	let doc: JsonObject = SIMULATOR_DEFAULTS;
	if (file !== undefined) doc = merge(doc, readConfigFile(file));
	const sip: Record<string, unknown> = {}, incoming: Record<string, unknown> = {};
	const password = env[PASSWORD_VARIABLE];
	if (password !== undefined && password !== "") sip.password = password;
	if (values.has("--password")) {
		log(`--password: any user of this machine can read it with ps; put it in the --config file (sip.password) or ${PASSWORD_VARIABLE}`);
		sip.password = values.get("--password");
	}
	const user = values.get("--user");
	if (user !== undefined && !/^[A-Za-z0-9._~!$&'()*+,;=-]+$/.test(user)) throw new Error(`--user: expected a SIP user name (letters, digits, .-_ ...), got "${user}"`);
	const sessionExpires = int("--session-expires", 0, 86400);
	if (sessionExpires !== undefined && sessionExpires > 0 && sessionExpires < 90) throw new Error(`--session-expires: RFC 4028 needs at least 90 s (or 0 for none), got ${sessionExpires}`);
	const rtpPort = int("--rtp-port", 1024, 65000);
	if (rtpPort !== undefined && rtpPort % 2 !== 0) throw new Error(`--rtp-port: expected an even port (RTP even, RTCP the odd one above), got ${rtpPort}`);
	Object.assign(sip, defined({
		user, domain: values.get("--domain"), displayName: values.get("--display-name"), authUser: values.get("--auth-user"),
		registrar: server("--registrar"), proxy: flags.has("--no-proxy") ? null : server("--proxy"), registerExpires: int("--expires", 10, 86400),
		sessionExpires, port: int("--port", 0, 65535), rtpPort, dnsServers: dnsServers(values.get("--dns")), tlsCaFile: values.get("--tls-ca"),
		tlsVerify: flags.has("--tls-no-verify") ? false : undefined,
	}));
	const answer = values.get("--answer");
	if (answer !== undefined) {
		if (!["auto", "manual", "busy", "decline"].includes(answer)) throw new Error(`--answer: expected auto, manual, busy or decline, got "${answer}"`);
		if (answer === "busy" || answer === "decline") Object.assign(incoming, { allow: [], refuseStatus: answer === "busy" ? 486 : 603 });
		else incoming.answer = answer;
	}
	const answerDelay = int("--answer-delay", 0, 60000);
	if (answerDelay !== undefined) incoming.answerDelayMs = answerDelay;
	const hangupAfter = int("--hangup-after", 1, 86400);
	const overrides: Record<string, unknown> = { sip, incoming };
	const codes = env[DOOR_CODES_VARIABLE];
	if (codes !== undefined && codes !== "") overrides.doorCodes = { codes: codes.split(",").map((c) => c.trim()) };
	if (hangupAfter !== undefined) overrides.callLimits = { maxCallSeconds: hangupAfter, warningSeconds: 0 };
	if (flags.has("--echo-suppressor")) overrides.audio = { echoSuppressor: { enabled: true } };
	doc = merge(doc, overrides);

	const result = parseStationConfig(doc);
	if (!result.ok) {
		throw new Error(`${file !== undefined ? `--config ${file}` : "the options"}: ${result.errors.length} error${result.errors.length === 1 ? "" : "s"}\n  ` +
			result.errors.join("\n  "));
	}
	const httpAddress = values.get("--http-address") ?? PANEL_DEFAULTS.address;
	if (isIP(httpAddress) === 0) throw new Error(`--http-address: expected an IP address (e.g. 127.0.0.1), got "${httpAddress}"`);
	const panel: PanelArgs | null = flags.has("--no-panel") ? null : {
		httpAddress, httpPort: int("--http-port", 0, 65535) ?? PANEL_DEFAULTS.port, indoorPort: int("--indoor-port", 0, 65535) ?? INDOOR_DEFAULTS.port,
	};
	return {
		panel, document: doc,
		station: { address: values.get("--address") ?? STATION_DEFAULTS.address, config: result.config, trace: flags.has("--trace"),
			tlsKeyLogFile: env.SSLKEYLOGFILE !== undefined && env.SSLKEYLOGFILE !== "" ? env.SSLKEYLOGFILE : undefined,
			meters: flags.has("--meters"), log, audio: { source: audioSource(values, flags, log), recordTo: audioOut(values) } },
		call: values.get("--call") ?? null,
		exitAfterCall: flags.has("--exit-after-call"),
	};
}

/** The file as a JSON object, or an Error naming the file and what is wrong with it. */
export function readConfigFile(file: string): JsonObject {
	let content: string;
	try {
		content = readFileSync(file, "utf8");
	} catch (err) {
		throw new Error(`--config ${file}: cannot read it: ${(err as Error).message}`);
	}
	let doc: unknown;
	try {
		doc = JSON.parse(content);
	} catch (err) {
		throw new Error(`--config ${file}: not JSON: ${(err as Error).message}`);
	}
	if (!isObject(doc)) throw new Error(`--config ${file}: expected a JSON object at the top ({"sip": {...}, "callList": {...} ...})`);
	return doc;
}

/** `over` deep-merged onto `base` (src/intercom/config-reader.ts: the one merge both hosts use). */
export const merge = mergeConfig;

/** `--dns 192.0.2.53,192.0.2.54:5353` as the configuration's list (checked here to name the option). */
function dnsServers(v: string | undefined): string[] | undefined {
	if (v === undefined) return undefined;
	const list = v.split(",").map((x) => x.trim());
	for (const x of list) if (parseDnsServer(x) === null) throw new Error(`--dns: expected ${DNS_SERVER_FORM}, separated by commas, got "${x}"`);
	return list;
}

function defined(o: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function audioSource(values: Map<string, string>, flags: Set<string>, log: (line: string) => void): AudioSource {
	if ([values.has("--audio-in"), values.has("--tone"), flags.has("--audio-device")].filter((x) => x).length > 1) {
		throw new Error("--audio-in, --tone and --audio-device: choose one source for the door microphone");
	}
	if (flags.has("--audio-device")) {
		soundCommands(); // fails here, naming what to install, rather than mid-call
		return { kind: "device" };
	}
	const tone = values.get("--tone");
	if (tone !== undefined) {
		if (!/^\d+$/.test(tone) || Number(tone) < 1 || Number(tone) > 3999) throw new Error(`--tone: expected a whole number 1-3999, got "${tone}"`);
		return { kind: "tone", hz: Number(tone) };
	}
	const audioIn = values.get("--audio-in");
	if (audioIn === undefined) return { kind: "silence" };
	let wav;
	try {
		wav = readWav(audioIn);
	} catch (err) {
		throw new Error(`--audio-in: ${(err as Error).message}`);
	}
	if (wav.samples.length === 0) throw new Error(`--audio-in: ${audioIn} holds no samples`);
	if (wav.converted.length > 0) log(`--audio-in ${audioIn}: ${wav.converted.join(", ")}`);
	return { kind: "samples", samples: wav.samples, name: audioIn };
}

function audioOut(values: Map<string, string>): string | null {
	const out = values.get("--audio-out") ?? null;
	if (out !== null && !/\.wav$/i.test(out)) throw new Error(`--audio-out: expected a file name ending in .wav, got "${out}"`);
	return out;
}

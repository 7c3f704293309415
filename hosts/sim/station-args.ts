// Command-line options of the simulated station (`npm start -- --help`): each error names the option and what
// it expects (the brief: a bad configuration gets an answer naming the field).
import { uaConfig } from "../../src/ua/ua-config.js";
import { parseServer, STATION_DEFAULTS, type AnswerMode, type StationOptions } from "./station.js";
import type { AudioSource } from "./station-media.js";
import { soundCommands } from "./sound-device.js";
import { readWav } from "./wav.js";

export const STATION_USAGE = `usage: sip-intercom station [options]     (npm start -- [options])
  Runs the door station on this machine. With no options it listens on 127.0.0.1:5070 (UDP and TCP) with no PBX,
  answers incoming calls after 1 s, and reads commands from standard input:
    register | unregister | call URI | answer [n] | reject [n] | hangup [n] | dtmf DIGITS [n] | status | help | quit
  Calls carry G.711 audio (RTP, RTCP, RFC 4733 DTMF in and out); received digits are logged as
  "call 0: DTMF 5 (RFC 4733)" or "(SIP INFO)".
options:
  --address IP            address to listen on and to put in Via/Contact (default 127.0.0.1)
  --port N                SIP port, UDP and TCP (default 5070)
  --user NAME             the station's user (default door): AOR sip:NAME@DOMAIN
  --domain HOST           the AOR's domain (default: the registrar's address, else --address)
  --display-name TEXT     display name in From
  --password SECRET       digest password; --auth-user NAME if the username differs from --user
  --registrar IP[:PORT][;transport=tcp]   register there (none by default)
  --proxy IP[:PORT][;transport=tcp]       send calls through this outbound proxy (default: the registrar)
  --no-proxy              call straight to the URI's host even with a registrar
  --expires S             registration lifetime asked for (default 600)
  --answer auto|manual|busy|decline       incoming calls (default auto)
  --answer-delay MS       ring this long before auto-answering (default 1000)
  --session-expires S     RFC 4028 session interval to ask for, 0 = none (default 1800)
  --rtp-port N            first RTP port (default 16400; call slot i uses N+2i, RTCP N+2i+1)
  --call URI              call URI once started (registered first when there is a registrar)
  --hangup-after S        hang up a call S seconds after it was answered
  --exit-after-call       quit when the first call has ended
  --audio-in FILE.wav     send this file on every call, looped (8 kHz mono 16-bit; other PCM/G.711 WAVs are converted)
  --tone HZ               send a sine tone of HZ (1-3999) instead (e.g. --tone 700); default: silence
  --audio-out FILE.wav    record what the station receives (all calls mixed) as 8 kHz mono 16-bit WAV
  --meters                log each call's levels once a second ("call 0: level in -12 dBFS out -9 dBFS")
  --audio-device          the sound card: microphone in, speaker out (arecord/aplay from alsa-utils, or sox)
  --echo-suppressor       duck the sent audio while the far end talks (for boards without echo cancellation)
  --trace                 print whole SIP messages instead of one line each
  --help`;

export interface StationArgs {
	readonly station: StationOptions;
	readonly call: string | null;
	readonly hangupAfter: number;
	readonly exitAfterCall: boolean;
}

/** Parse argv; throws an Error whose message names the bad option. */
export function parseStationArgs(argv: readonly string[], log: (line: string) => void): StationArgs | "help" {
	const values = new Map<string, string>();
	const flags = new Set<string>();
	const withValue = new Set(["--address", "--port", "--user", "--domain", "--display-name", "--password", "--auth-user", "--registrar",
		"--proxy", "--expires", "--answer", "--answer-delay", "--session-expires", "--rtp-port", "--call", "--hangup-after",
		"--audio-in", "--audio-out", "--tone"]);
	const bare = new Set(["--no-proxy", "--exit-after-call", "--trace", "--help", "--meters", "--echo-suppressor", "--audio-device"]);
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
	const int = (name: string, fallback: number, min: number, max: number): number => {
		const v = values.get(name);
		if (v === undefined) return fallback;
		if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new Error(`${name}: expected a whole number ${min}-${max}, got "${v}"`);
		return Number(v);
	};
	const address = values.get("--address") ?? STATION_DEFAULTS.address;
	const registrar = values.has("--registrar") ? parseServer(values.get("--registrar")!, "--registrar") : null;
	const proxy = flags.has("--no-proxy") ? null : values.has("--proxy") ? parseServer(values.get("--proxy")!, "--proxy") : registrar;
	const answer = (values.get("--answer") ?? STATION_DEFAULTS.answer) as AnswerMode;
	if (!["auto", "manual", "busy", "decline"].includes(answer)) throw new Error(`--answer: expected auto, manual, busy or decline, got "${answer}"`);
	const user = values.get("--user") ?? "door";
	if (!/^[A-Za-z0-9._~!$&'()*+,;=-]+$/.test(user)) throw new Error(`--user: expected a SIP user name (letters, digits, .-_ ...), got "${user}"`);
	const sessionExpires = int("--session-expires", 1800, 0, 86400);
	if (sessionExpires > 0 && sessionExpires < 90) throw new Error(`--session-expires: RFC 4028 needs at least 90 s (or 0 for none), got ${sessionExpires}`);
	const ua = uaConfig({
		user,
		domain: values.get("--domain") ?? registrar?.address ?? address,
		displayName: values.get("--display-name") ?? "",
		authUser: values.get("--auth-user") ?? user,
		password: values.get("--password") ?? "",
		registrar,
		outboundProxy: proxy,
		registerExpires: int("--expires", 600, 10, 86400),
		sessionExpires,
		rtpPort: int("--rtp-port", 16400, 1024, 65000),
	});
	if ([values.has("--audio-in"), values.has("--tone"), flags.has("--audio-device")].filter((x) => x).length > 1) {
		throw new Error("--audio-in, --tone and --audio-device: choose one source for the calls' audio");
	}
	if (flags.has("--audio-device")) soundCommands(); // fails here, naming what to install, rather than mid-call
	let source: AudioSource = { kind: "silence" };
	if (values.has("--tone")) source = { kind: "tone", hz: int("--tone", 0, 1, 3999) };
	const audioIn = values.get("--audio-in");
	if (audioIn !== undefined) {
		let wav;
		try {
			wav = readWav(audioIn);
		} catch (err) {
			throw new Error(`--audio-in: ${(err as Error).message}`);
		}
		if (wav.samples.length === 0) throw new Error(`--audio-in: ${audioIn} holds no samples`);
		if (wav.converted.length > 0) log(`--audio-in ${audioIn}: ${wav.converted.join(", ")}`);
		source = { kind: "samples", samples: wav.samples, name: audioIn };
	}
	if (flags.has("--audio-device")) source = { kind: "device" };
	const audioOut = values.get("--audio-out") ?? null;
	if (audioOut !== null && !/\.wav$/i.test(audioOut)) throw new Error(`--audio-out: expected a file name ending in .wav, got "${audioOut}"`);
	return {
		station: {
			address, port: int("--port", STATION_DEFAULTS.port, 0, 65535), ua, answer,
			answerDelay: int("--answer-delay", STATION_DEFAULTS.answerDelay, 0, 600000), trace: flags.has("--trace"), log,
			audio: { source, recordTo: audioOut, meters: flags.has("--meters"), echoSuppressor: flags.has("--echo-suppressor") },
		},
		call: values.get("--call") ?? null,
		hangupAfter: int("--hangup-after", 0, 0, 86400),
		exitAfterCall: flags.has("--exit-after-call"),
	};
}

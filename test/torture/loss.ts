// Calls and a registration through a link that loses 30 % of the datagrams each way (lossy-relay.ts), on 127.0.0.1:
// SIPp calls the station and the station calls SIPp, each call set up and torn down through the relay (RFC 3261
// §17: the transactions' retransmissions carry it; RFC 3581: every answer follows the request's source back through
// the relay); the station registers with Kamailio behind such a link and stays registered through its refreshes (§10.2).
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { SimStation } from "../../hosts/sim/station.js";
import { parseStationConfig } from "../../src/intercom/config.js";
import { DOOR, Kamailio } from "../interop/kamailio.js";
import { describeSipp, freePort, freeRtpPorts, sleep, startSipp, type SippResult } from "../interop/peers.js";
import { LossyLink, type LinkCounts } from "./lossy-relay.js";

const SCENARIOS = fileURLToPath(new URL("../../../test/torture/scenarios/", import.meta.url));

export interface LossyCallsResult {
	/** SIPp calling the station: calls SIPp completed (INVITE, 200, ACK, BYE, 200) of those asked, its exit code. */
	readonly toStation: { asked: number; completed: number; code: number | null; ms: number; explain: string };
	/** The station calling SIPp: calls answered and ended by the flat's BYE. */
	readonly fromStation: { asked: number; completed: number; code: number | null; ms: number; explain: string };
	/** What the relays dropped, each way, and the rate over both links. */
	readonly relay: { toStation: LinkCounts; toPeer: LinkCounts; lossRate: number };
	/** The station afterwards: no call, no transaction (after the transactions' timers ran out). */
	readonly idle: boolean;
}

/** `calls` calls each way through links losing `loss` of the datagrams both ways. */
export async function lossyCalls(sipp: string, o: { calls: number; loss: number; idleWithinMs?: number }): Promise<LossyCallsResult> {
	const stationPort = await freePort();
	const parsed = parseStationConfig({ sip: { port: stationPort, rtpPort: await freeRtpPorts(6) }, incoming: { allow: ["*"], answerDelayMs: 0 } });
	if (!parsed.ok) throw new Error(parsed.errors.join("; "));
	const lines: string[] = [];
	const station = await SimStation.start({
		address: "127.0.0.1", config: parsed.config, trace: false,
		log: (l) => {
			if (/^call \d+: (answered|ended)/.test(l)) lines.push(l);
		},
	});
	const uacPort = await freePort([1, 2, 4]), uasPort = await freePort([1, 2, 4]);
	const station127 = { address: "127.0.0.1", port: stationPort };
	const toUac = await LossyLink.open({ peer: { address: "127.0.0.1", port: uacPort }, station: station127, loss: o.loss, seed: 0xca11 });
	const toUas = await LossyLink.open({ peer: { address: "127.0.0.1", port: uasPort }, station: station127, loss: o.loss, seed: 0xf1a7 });
	const retrans = ["-max_invite_retrans", "10", "-max_non_invite_retrans", "10"];
	try {
		// SIPp calls the station, one call after the other.
		let t = performance.now();
		const uac = await startSipp(sipp, {
			scenario: SCENARIOS + "loss-uac.xml", port: uacPort, remote: `127.0.0.1:${toUac.peerPort}`, service: "door",
			timeoutMs: o.calls * 40_000, extra: ["-m", String(o.calls), "-l", "1", "-key", "contact_port", String(toUac.stationPort), ...retrans],
		}).done;
		const uacMs = performance.now() - t;
		const toStationEnded = lines.filter((l) => /ended: remote hangup/.test(l)).length;

		// The station calls SIPp, one call after the other; the flat hangs up each.
		const uasRun = startSipp(sipp, {
			scenario: SCENARIOS + "loss-uas.xml", port: uasPort, timeoutMs: o.calls * 40_000,
			extra: ["-m", String(o.calls), "-key", "contact_port", String(toUas.stationPort), ...retrans],
		});
		await uasRun.ready();
		t = performance.now();
		let fromStation = 0;
		for (let k = 0; k < o.calls && !uasRun.exited; k++) {
			const ended = station.waitFor((l) => /^call \d+: ended/.test(l), 40_000).catch(() => "");
			station.command(`call sip:flat@127.0.0.1:${toUas.stationPort}`);
			if (/ended: remote hangup/.test(await ended)) fromStation++;
		}
		const uas = await uasRun.done;
		const uasMs = performance.now() - t;

		const idleStart = performance.now(), ua = station.station.ua;
		while (!(station.station.idle && ua.layer.active === 0) && performance.now() - idleStart < (o.idleWithinMs ?? 0)) await sleep(250);
		const sum = (a: LinkCounts, b: LinkCounts): LinkCounts => ({ forwarded: a.forwarded + b.forwarded, dropped: a.dropped + b.dropped });
		const all = sum(sum(toUac.toStation, toUas.toStation), sum(toUac.toPeer, toUas.toPeer));
		return {
			toStation: {
				asked: o.calls, completed: Math.min(successful(uac), toStationEnded), code: uac.code, ms: Math.round(uacMs),
				explain: uac.code === 0 ? "" : describeSipp(uac),
			},
			fromStation: {
				asked: o.calls, completed: Math.min(successful(uas), fromStation), code: uas.code, ms: Math.round(uasMs),
				explain: uas.code === 0 ? "" : describeSipp(uas),
			},
			relay: { toStation: sum(toUac.toStation, toUas.toStation), toPeer: sum(toUac.toPeer, toUas.toPeer), lossRate: all.dropped / (all.dropped + all.forwarded) },
			idle: station.station.idle && ua.layer.active === 0,
		};
	} finally {
		await Promise.all([toUac.close(), toUas.close()]);
		await station.stop(300);
	}
}

export interface LossyRegistrationResult {
	readonly seconds: number;
	/** Registrations that succeeded (the first and every refresh) and those that failed. */
	readonly registered: number;
	readonly failed: number;
	/** Kamailio still holds the station's contact at the end. */
	readonly bound: boolean;
	readonly relay: { toStation: LinkCounts; toPeer: LinkCounts; lossRate: number };
	readonly log: string;
}

/**
 * The station registers with Kamailio (127.0.0.1:5060) through a link losing `loss` both ways, every `expires` s
 * (refreshed at half of it), for `seconds`. Kamailio is started and stopped here.
 */
export async function lossyRegistration(kamailioBin: string, o: { seconds: number; loss: number; expires: number }): Promise<LossyRegistrationResult> {
	const kamailio = await Kamailio.start(kamailioBin);
	const stationPort = await freePort();
	const link = await LossyLink.open({ peer: { address: "127.0.0.1", port: kamailio.port }, station: { address: "127.0.0.1", port: stationPort }, loss: o.loss, seed: 0x4e61 });
	const parsed = parseStationConfig({
		sip: {
			port: stationPort, rtpPort: await freeRtpPorts(6), user: DOOR.user, password: DOOR.password, domain: "127.0.0.1",
			registrar: `127.0.0.1:${link.stationPort}`, proxy: null, registerExpires: o.expires,
		},
	});
	if (!parsed.ok) throw new Error(parsed.errors.join("; "));
	const lines: string[] = [];
	const station = await SimStation.start({
		address: "127.0.0.1", config: parsed.config, trace: false,
		log: (l) => {
			if (/^regist|^unregist/.test(l)) lines.push(l);
		},
	});
	try {
		await sleep(o.seconds * 1000);
		const regs = await kamailio.registrations();
		return {
			seconds: o.seconds,
			registered: lines.filter((l) => l.startsWith("registered")).length,
			failed: lines.filter((l) => l.startsWith("registration failed")).length,
			bound: regs.some((r) => r.aor === DOOR.user && (r.expires ?? 0) > 0),
			relay: { toStation: link.toStation, toPeer: link.toPeer, lossRate: link.lossRate },
			log: lines.join("\n"),
		};
	} finally {
		await station.stop(3000);
		await link.close();
		await kamailio.stop();
	}
}

/** Calls SIPp counted as successful (its final statistics screen: "Successful call | periodic | cumulative"). */
function successful(r: SippResult): number {
	const m = /Successful call\s*\|\s*\d+\s*\|\s*(\d+)/.exec(r.screen + r.stdout);
	return m === null ? 0 : Number(m[1]);
}

// The simulator's built-in indoor station (hosts/sim/indoor-station.ts) with the door station in one process on
// 127.0.0.1: the configuration it gets wired into when there is no PBX, the call the door's list makes to it, the
// door code it keys (RFC 4733 events, SIP INFO: RFC 6086), monitoring (it calls the door), and a second call refused.
import assert from "node:assert/strict";
import { parseStationConfig } from "../../src/intercom/config.js";
import type { IntercomEvent } from "../../src/intercom/events.js";
import { IndoorStation, indoorDoorCode, withIndoorStation, type IndoorEvent } from "../../hosts/sim/indoor-station.js";
import { SimStation } from "../../hosts/sim/station.js";
import { freePort, freeRtpPorts } from "../interop/peers.js";

const URI = "sip:flat@127.0.0.1:5090";

function config(doc: Record<string, unknown>) {
	const r = parseStationConfig(doc);
	if (!r.ok) throw new Error(r.errors.join("; "));
	return r.config;
}

describe("the indoor station wired into a door station without a PBX", () => {
	it("rings it from the call list, admits it, and makes up a door code (six digits and #) that it alone knows", () => {
		const c = config(withIndoorStation({ incoming: { allow: ["alice@*"] } }, URI));
		assert.deepEqual(c.callList.targets, [{ uri: URI, name: "indoor station", ringSeconds: 30 }]);
		assert.deepEqual(c.incoming.allow.map((a) => `${a.caller} ${a.openDoor}`), ["alice@* true", "flat@127.0.0.1 true"]);
		assert.equal(c.doorCodes.codes.length, 1);
		assert.match(c.doorCodes.codes[0].code, /^\d{6}#$/);
		assert.equal(indoorDoorCode(c), c.doorCodes.codes[0].code);
		const again = config(withIndoorStation({}, URI));
		assert.notEqual(again.doorCodes.codes[0].code, c.doorCodes.codes[0].code, "a new code each start");
	});

	it("keeps what the document says: its call list, an allow-list that admits it already, its door codes", () => {
		const doc = { callList: { targets: ["sip:101@192.0.2.1"] }, incoming: { allow: ["*"] }, doorCodes: { codes: [{ code: "99#", relay: 0 }] } };
		const c = config(withIndoorStation(doc, URI));
		assert.deepEqual(c.callList.targets.map((t) => t.uri), ["sip:101@192.0.2.1"]);
		assert.deepEqual(c.incoming.allow.map((a) => a.caller), ["*"]);
		assert.equal(indoorDoorCode(c), "99#");
	});

	it("leaves a station with a PBX as it is (its call list rings the flats through the PBX)", () => {
		const doc = { sip: { registrar: "192.0.2.1" } };
		assert.equal(withIndoorStation(doc, URI), doc);
		assert.equal(indoorDoorCode(config(doc)), "");
	});
});

describe("the indoor station and the door station on 127.0.0.1 (one process)", function () {
	this.timeout(20000);
	let door: SimStation;
	let indoor: IndoorStation;
	const events: IntercomEvent[] = [];
	const indoorLines: string[] = [];

	before(async () => {
		const doorPort = await freePort(), indoorPort = await freePort(), rtp = await freeRtpPorts(8);
		const uri = `sip:flat@127.0.0.1:${indoorPort}`;
		const doc = { sip: { port: doorPort, rtpPort: rtp }, incoming: { allow: ["*"], answerDelayMs: 200 }, callLimits: { hangupAfterDoorOpenSeconds: 0 },
			audio: { echoSuppressor: { enabled: false } } };
		const c = config(withIndoorStation(doc, uri));
		door = await SimStation.start({ address: "127.0.0.1", config: c, trace: false, log: () => {} });
		door.onEvent((e) => events.push(e));
		indoor = await IndoorStation.start({ address: "127.0.0.1", port: indoorPort, rtpPort: rtp + 6, doorUri: `sip:door@127.0.0.1:${doorPort}`, doorCode: indoorDoorCode(c) });
		indoor.onEvent((e: IndoorEvent) => {
			if (e.type !== "levels") indoorLines.push(e.line);
		});
	});
	after(async () => {
		await indoor?.stop();
		await door?.stop(0);
	});

	async function until(test: () => boolean, what: string, ms = 5000): Promise<void> {
		const end = Date.now() + ms;
		while (!test()) {
			if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms\n${indoorLines.join("\n")}`);
			await new Promise((r) => setTimeout(r, 20));
		}
	}
	const opened = () => events.filter((e) => e.type === "door-opened").length;

	it("a press rings it; answered, it keys the code as RFC 4733 events, then as SIP INFO: the door opens each time", async () => {
		door.command("press");
		await new Promise((r) => setTimeout(r, 100));
		door.command("release");
		await until(() => indoor.status().state === "ringing", "ringing");
		assert.match(indoor.status().peer, /sip:door@127\.0\.0\.1/);
		assert.ok(indoor.answer());
		await until(() => door.station.status().slots[0].state === "active" && indoor.status().state === "in-call", "in a call");
		assert.ok(indoor.openDoor("rfc4733"));
		await until(() => opened() === 1, "door opened by RFC 4733");
		assert.equal(events.filter((e) => e.type === "digit" && e.source === "RFC 4733").length, 7);
		indoor.command("open info");
		await until(() => opened() === 2, "door opened by SIP INFO");
		assert.equal(events.filter((e) => e.type === "digit" && e.source === "SIP INFO").length, 7);
		indoor.command("hangup");
		await until(() => indoor.status().state === "idle" && door.station.status().slots[0].state === "idle", "both idle");
	});

	it("calls the door (monitoring): the door answers it, and its code opens the door from that call too", async () => {
		const before = opened();
		assert.ok(indoor.callDoor());
		assert.equal(indoor.status().state, "calling");
		await until(() => indoor.status().state === "in-call", "the door answers");
		assert.ok(events.some((e) => e.type === "incoming" && e.decision === "answer"));
		assert.ok(indoor.openDoor("info"));
		await until(() => opened() === before + 1, "door opened from the monitoring call");
		assert.ok(indoor.hangup());
		await until(() => indoor.status().state === "idle", "idle");
	});

	it("says why it cannot: no call to answer, open or hang up", () => {
		assert.equal(indoor.answer(), false);
		assert.equal(indoor.openDoor("rfc4733"), false);
		assert.equal(indoor.hangup(), false);
		assert.deepEqual(indoorLines.slice(-3), ["indoor station: answer: nothing rings", "indoor station: open: not in a call with the door", "indoor station: hangup: no call"]);
	});
});

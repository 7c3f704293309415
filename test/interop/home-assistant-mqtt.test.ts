// The simulated station and Home Assistant's side of MQTT against a real broker: Debian's mosquitto on 127.0.0.1 (with
// a password file), the npm `mqtt` client playing Home Assistant. Discovery checked against Home Assistant's documented
// keys, a press seen as a ring, "open door" seen as a relay pulse, a lost connection seen as the will, a broker restart
// answered by a reconnection and a new announcement.
import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import mqtt, { type MqttClient } from "mqtt";
import { parseStationConfig } from "../../src/intercom/config.js";
import { SimStation } from "../../hosts/sim/station.js";
import { discoveryProblems } from "../home/ha-discovery-schema.js";
import { PeerProcess } from "./child.js";
import { Mosquitto, MOSQUITTO } from "./mosquitto.js";
import { freePort, freeRtpPorts, LOOPBACK, requirePeer } from "./peers.js";

const BROKER_USER = { name: "station", password: "broker-secret" };
const BASE = "sip-intercom/door";
const MAIN = fileURLToPath(new URL("../../hosts/sim/main.js", import.meta.url));

interface Message {
	readonly topic: string;
	readonly payload: string;
	readonly retain: boolean;
	readonly at: number;
}

/** Home Assistant's side: an npm `mqtt` client that keeps every message it gets. */
class HomeAssistant {
	readonly messages: Message[] = [];
	#waiters: (() => void)[] = [];
	private constructor(readonly client: MqttClient) {
		client.on("message", (topic, payload, packet) => {
			this.messages.push({ topic, payload: payload.toString("utf8"), retain: packet.retain, at: performance.now() });
			for (const w of [...this.#waiters]) w();
		});
	}

	static async connect(port: number, subscribe = "#"): Promise<HomeAssistant> {
		const client = await mqtt.connectAsync(`mqtt://${LOOPBACK}:${port}`, { username: BROKER_USER.name, password: BROKER_USER.password, reconnectPeriod: 200, connectTimeout: 3000 });
		const ha = new HomeAssistant(client);
		await client.subscribeAsync(subscribe, { qos: 1 });
		return ha;
	}

	/** The first message (from index `from`) that passes `test`; rejects after `ms`. */
	waitFor(test: (m: Message) => boolean, ms: number, from = 0): Promise<Message> {
		return new Promise((resolve, reject) => {
			const check = () => {
				const m = this.messages.slice(from).find(test);
				if (m === undefined) return;
				clearTimeout(timer);
				this.#waiters = this.#waiters.filter((w) => w !== check);
				resolve(m);
			};
			const timer = setTimeout(() => {
				this.#waiters = this.#waiters.filter((w) => w !== check);
				reject(new Error(`no such message within ${ms} ms; got:\n${this.messages.slice(from).map((m) => `${m.topic} ${m.payload.slice(0, 80)}`).join("\n")}`));
			}, ms);
			this.#waiters.push(check);
			check();
		});
	}

	async close(): Promise<void> {
		await this.client.endAsync(true);
	}
}

async function startStation(port: number, lines: string[], mqttOverrides: Record<string, unknown> = {}): Promise<SimStation> {
	const result = parseStationConfig({
		sip: { port: 0, rtpPort: await freeRtpPorts(6) },
		relays: [{ name: "door", pulseMs: 400 }],
		mqtt: { enabled: true, broker: `${LOOPBACK}:${port}`, username: BROKER_USER.name, password: BROKER_USER.password, allowOpen: true, keepAliveSeconds: 5, ...mqttOverrides },
	});
	if (!result.ok) throw new Error(result.errors.join("\n"));
	return SimStation.start({ address: LOOPBACK, config: result.config, trace: false, log: (l) => lines.push(l) });
}

describe("Home Assistant over MQTT with mosquitto (interop)", function () {
	this.timeout(30_000);
	let broker: Mosquitto | null = null;
	let station: SimStation | null = null;
	let ha: HomeAssistant | null = null;
	const lines: string[] = [];

	before(async function () {
		requirePeer(this, MOSQUITTO);
		broker = await Mosquitto.start({ port: await freePort(), user: BROKER_USER });
		station = await startStation(broker.port, lines);
		await station.waitFor((l) => l.startsWith("mqtt: connected"), 5000);
	});

	after(async () => {
		await ha?.close();
		await station?.stop(0);
		await broker?.stop();
	});

	afterEach(async () => {
		await ha?.close();
		ha = null;
	});

	it("the discovery message and the states are retained at the broker, and the discovery has Home Assistant's documented keys", async () => {
		ha = await HomeAssistant.connect(broker!.port);
		const config = await ha.waitFor((m) => m.topic === "homeassistant/device/sip-intercom-door/config", 3000);
		assert.equal(config.retain, true, "retained (delivered to a new subscription)");
		const doc = JSON.parse(config.payload) as Record<string, unknown>;
		assert.deepEqual(discoveryProblems(doc), []);
		const dev = doc.device as Record<string, unknown>;
		assert.deepEqual(Object.keys(dev).sort(), ["identifiers", "manufacturer", "model", "name", "sw_version"].sort());
		for (const [topic, payload] of [[`${BASE}/availability`, "online"], [`${BASE}/call/state`, "idle"], [`${BASE}/registration`, "none"], [`${BASE}/relay/1/state`, "OFF"]]) {
			const m = await ha.waitFor((x) => x.topic === topic, 3000);
			assert.deepEqual([m.payload, m.retain], [payload, true], topic);
		}
	});

	it("a press of the door button publishes a ring event, not retained", async () => {
		ha = await HomeAssistant.connect(broker!.port);
		await ha.waitFor((m) => m.topic === `${BASE}/availability`, 3000);
		const from = ha.messages.length;
		station!.command("hold 100"); // past the 30 ms debounce
		const ring = await ha.waitFor((m) => m.topic === `${BASE}/doorbell`, 3000, from);
		assert.deepEqual(JSON.parse(ring.payload), { event_type: "ring", button: 1 });
		const late = await HomeAssistant.connect(broker!.port, `${BASE}/doorbell`);
		await new Promise((r) => setTimeout(r, 300));
		assert.equal(late.messages.length, 0, "an event is not replayed to a new subscriber");
		await late.close();
	});

	it("publishing 'open door' pulses the relay: the binary sensor goes ON, then OFF after the pulse", async () => {
		ha = await HomeAssistant.connect(broker!.port);
		await ha.waitFor((m) => m.topic === `${BASE}/relay/1/state`, 3000);
		const from = ha.messages.length;
		await ha.client.publishAsync(`${BASE}/relay/1/open`, "PRESS", { qos: 1 });
		const on = await ha.waitFor((m) => m.topic === `${BASE}/relay/1/state` && m.payload === "ON", 3000, from);
		assert.equal(station!.relays[0].read(), 1);
		const opened = await ha.waitFor((m) => m.topic === `${BASE}/door`, 3000, from);
		assert.deepEqual(JSON.parse(opened.payload), { event_type: "opened", relay: 1, name: "door", by: "mqtt" });
		const off = await ha.waitFor((m) => m.topic === `${BASE}/relay/1/state` && m.payload === "OFF", 3000, from);
		assert.ok(off.at - on.at >= 350 && off.at - on.at < 1500, `pulse of ${Math.round(off.at - on.at)} ms (configured 400)`);
		assert.equal(station!.relays[0].read(), 0);
	});

	it("when the station's connection is lost the broker publishes its will 'offline'; the station reconnects and says online", async () => {
		ha = await HomeAssistant.connect(broker!.port);
		await ha.waitFor((m) => m.topic === `${BASE}/availability` && m.payload === "online", 3000);
		const from = ha.messages.length, mark = lines.length;
		station!.home!.dropBrokerConnection(); // the TCP connection dies without a DISCONNECT
		const will = await ha.waitFor((m) => m.topic === `${BASE}/availability`, 3000, from);
		assert.equal(will.payload, "offline");
		await ha.waitFor((m) => m.topic === `${BASE}/availability` && m.payload === "online", 5000, from);
		assert.match(lines.slice(mark).join("\n"), /mqtt: disconnected: the broker closed the connection; again in \d\.\d s\n(.*\n)*mqtt: connected/);
	});

	it("after a broker restart (its retained messages lost) the station reconnects and announces again", async () => {
		const mark = lines.length;
		await broker!.restart(300);
		ha = await HomeAssistant.connect(broker!.port);
		const config = await ha.waitFor((m) => m.topic === "homeassistant/device/sip-intercom-door/config", 10_000);
		assert.deepEqual(discoveryProblems(JSON.parse(config.payload)), []);
		await ha.waitFor((m) => m.topic === `${BASE}/availability` && m.payload === "online", 3000);
		assert.ok(lines.slice(mark).some((l) => /^mqtt: disconnected: the broker closed the connection; again in/.test(l)), lines.slice(mark).join("\n"));
		assert.ok(lines.slice(mark).filter((l) => l.startsWith("mqtt: connected")).length >= 1);
	});

	it("wrong broker credentials are refused by mosquitto and logged, with the longest back-off", async () => {
		const other: string[] = [];
		const s = await startStation(broker!.port, other, { password: "not-the-pass-7731", clientId: "wrong-creds", baseTopic: "sip-intercom/other", deviceId: "other" });
		try {
			const line = await s.waitFor((l) => l.startsWith("mqtt: disconnected"), 5000);
			assert.match(line, /^mqtt: disconnected: the broker refused the connection: (bad user name or password \(CONNACK 4\)|not authorized \(CONNACK 5\)); again in (4[5-9]|[5-7]\d)\.\d s$/);
			assert.ok(!other.join("\n").includes("7731"), "the password is never logged");
		} finally {
			await s.stop(0);
		}
	});

	it("the command-line station killed with SIGKILL: the broker publishes its will at once", async function () {
		const dir = mkdtempSync(join(tmpdir(), "station-"));
		const file = join(dir, "station.json");
		writeFileSync(file, JSON.stringify({
			sip: { port: 0, rtpPort: await freeRtpPorts(6) },
			mqtt: { enabled: true, broker: `${LOOPBACK}:${broker!.port}`, username: BROKER_USER.name, password: BROKER_USER.password, deviceId: "cli", baseTopic: "sip-intercom/cli", clientId: "cli" },
		}));
		ha = await HomeAssistant.connect(broker!.port, "sip-intercom/cli/availability");
		const cli = new PeerProcess("station", process.execPath, [MAIN, "--no-panel", "--config", file]);
		try {
			await cli.waitForOutput(/mqtt: connected/, 8000);
			await ha.waitFor((m) => m.payload === "online", 3000);
			const from = ha.messages.length;
			const killedAt = performance.now();
			cli.signalGroup("SIGKILL");
			const will = await ha.waitFor((m) => m.payload === "offline", 3000, from);
			assert.ok(will.at - killedAt < 2000, `will after ${Math.round(will.at - killedAt)} ms`);
		} finally {
			await cli.stop([{ signal: "SIGKILL", waitMs: 1000 }]);
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

// The simulator's links to the home: the host-free HomeLink (src/home: Home Assistant over MQTT, the HTTP API) on
// node:net — a TCP client for the broker and a listener for the API. Adapters only: every decision is in src/home.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { callSlots } from "../../src/intercom/door-station.js";
import type { IntercomEvents } from "../../src/intercom/events.js";
import { HomeLink } from "../../src/home/home-link.js";
import type { StationControl } from "../../src/home/station-events.js";
import type { TimerWheel } from "../../src/transaction/timer-wheel.js";
import { NodeStreamConnector, NodeStreamSocket, type NodeClock, type NodeRandom } from "./node-host.js";

/** The firmware version from package.json (Home Assistant's device block, /api/system/info). */
export const VERSION: string = (JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "latin1")) as { version: string }).version;

export interface SimHomeOptions {
	readonly station: StationControl;
	/** The station's address: the API listens there. */
	readonly address: string;
	readonly log: IntercomEvents;
	readonly wheel: TimerWheel;
	readonly clock: NodeClock;
	readonly random: NodeRandom;
}

/** MQTT and the HTTP API of a running simulated station (both off unless its configuration enables them). */
export class SimHome {
	readonly link: HomeLink;
	/** TCP sockets of the MQTT client and the API's connections (all closed at stop). */
	readonly connector = new NodeStreamConnector();
	/** The MQTT client's latest socket. */
	#broker: NodeStreamSocket | null = null;
	#server: Server | null = null;
	#port = 0;

	private constructor(o: SimHomeOptions) {
		const http = o.station.config.http;
		this.link = new HomeLink({
			station: o.station, slots: callSlots(o.station.config), log: o.log, wheel: o.wheel, clock: o.clock, random: o.random,
			connector: { connect: (address, port, user) => {
				const socket = this.connector.connect(address, port, user);
				this.#broker = socket as NodeStreamSocket | null;
				return socket;
			} },
			version: VERSION,
			configurationUrl: http.enabled && http.port !== 0 ? `http://${o.address.includes(":") ? `[${o.address}]` : o.address}:${http.port}/` : "",
		});
	}

	static async start(o: SimHomeOptions): Promise<SimHome> {
		const home = new SimHome(o);
		const http = home.link.http;
		if (http !== null) {
			const connector = home.connector;
			const server = createServer({ noDelay: true }, (raw) => {
				const s = new NodeStreamSocket(raw);
				connector.track(s);
				const user = http.accept(s, raw.remoteAddress ?? "", raw.remotePort ?? 0);
				if (user !== null) s.setUser(user); // else it was answered 503 and closed
			});
			await new Promise<void>((resolve, reject) => {
				server.once("error", reject);
				server.listen({ host: o.address, port: o.station.config.http.port, exclusive: true }, () => {
					server.off("error", reject);
					resolve();
				});
			}).catch((err: Error) => {
				throw new Error(`cannot listen for the HTTP API on ${o.address}:${o.station.config.http.port}: ${err.message} (choose another http.port)`);
			});
			home.#server = server;
			const a = server.address();
			home.#port = typeof a === "object" && a !== null ? a.port : 0;
			o.log.event({ type: "http", state: "listening", detail: `http://${o.address}:${home.#port}/api/` });
		}
		home.link.start();
		return home;
	}

	/** The network drops the broker connection (no DISCONNECT, as a cut cable would): for tests of the will. */
	dropBrokerConnection(): void {
		this.#broker?.socket.destroy();
	}

	/** The HTTP API's port (0: not listening). */
	get httpPort(): number {
		return this.#port;
	}

	/** Offline to the broker, close the API's connections and listener. */
	async stop(): Promise<void> {
		this.link.stop();
		// Let the "offline" and DISCONNECT leave before the sockets go.
		await new Promise((r) => setTimeout(r, 20));
		this.connector.destroyAll();
		const server = this.#server;
		this.#server = null;
		if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
	}
}

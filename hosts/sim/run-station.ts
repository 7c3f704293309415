// Running the simulated station from the command line: options, stdin commands, signals, and the web panel with its
// built-in indoor station (unless --no-panel).
import { createInterface } from "node:readline";
import { parseStationConfig } from "../../src/intercom/config.js";
import { IndoorStation, INDOOR_DEFAULTS, indoorDoorCode, withIndoorStation } from "./indoor-station.js";
import { PacketCapture } from "./packet-capture.js";
import { endpoint, Panel } from "./panel-host.js";
import { parseStationArgs, STATION_USAGE, type StationArgs } from "./station-args.js";
import { SimStation } from "./station.js";

/** Start the station with `argv`; resolves with the exit code when it stops. */
export async function runStation(argv: readonly string[]): Promise<number> {
	const log = (line: string) => process.stdout.write(`${timestamp()} ${line}\n`);
	let args;
	try {
		args = parseStationArgs(argv, log);
	} catch (err) {
		process.stderr.write(`sip-intercom station: ${(err as Error).message}\n`);
		return 2;
	}
	if (args === "help") {
		process.stdout.write(STATION_USAGE + "\n");
		return 0;
	}
	let running: Running;
	try {
		running = await startAll(args);
	} catch (err) {
		process.stderr.write(`sip-intercom station: ${(err as Error).message}\n`);
		return 1;
	}
	const { station, indoor, panel } = running;
	let stopping: Promise<void> | null = null;
	let done!: (code: number) => void;
	const finished = new Promise<number>((resolve) => (done = resolve));
	const stop = (code: number) => {
		stopping ??= (async () => {
			await panel?.stop();
			await Promise.all([station.stop(), indoor?.stop()]);
		})().then(() => done(code));
	};
	if (args.exitAfterCall) station.onEvent((e) => {
		if (e.type === "ended" || (e.type === "refused" && e.command === "call")) stop(e.type === "ended" ? 0 : 1);
	});
	// The station waits for its first registration before calling (src/intercom/door-station.ts).
	if (args.call !== null) station.command(`call ${args.call}`);
	process.once("SIGINT", () => stop(0));
	process.once("SIGTERM", () => stop(0));
	if (process.stdin.isTTY || !args.exitAfterCall) {
		const rl = createInterface({ input: process.stdin });
		rl.on("line", (line) => {
			const indoorLine = /^\s*indoor\s+(.*)$/.exec(line);
			if (indoorLine !== null) {
				if (indoor === null) log("no indoor station (--no-panel)");
				else indoor.command(indoorLine[1]);
			} else if (!station.command(line)) stop(0);
		});
		finished.then(() => rl.close(), () => rl.close());
	}
	return finished;
}

interface Running {
	readonly station: SimStation;
	readonly indoor: IndoorStation | null;
	readonly panel: Panel | null;
}

/**
 * The door station, and with the panel the indoor station and the page's server. With no PBX the door station's
 * configuration gets the indoor station (call list, allow-list, a door code it knows: hosts/sim/indoor-station.ts).
 */
async function startAll(args: StationArgs): Promise<Running> {
	const options = args.station, p = args.panel;
	if (p === null) return { station: await SimStation.start(options), indoor: null, panel: null };
	const indoorUri = `sip:${INDOOR_DEFAULTS.user}@${endpoint(options.address, p.indoorPort)}`;
	const parsed = parseStationConfig(withIndoorStation(args.document, indoorUri));
	if (!parsed.ok) throw new Error(`the configuration with the indoor station: ${parsed.errors.join("; ")}`);
	const config = parsed.config, capture = new PacketCapture(), panel = new Panel();
	const station = await SimStation.start({ ...options, config, capture, observe: (s) => panel.observeStation(s) });
	let indoor: IndoorStation | null = null;
	try {
		const ua = station.station.ua.config;
		indoor = await IndoorStation.start({
			address: options.address, port: p.indoorPort, rtpPort: INDOOR_DEFAULTS.rtpPort,
			doorUri: `sip:${ua.user}@${endpoint(station.net.address, station.net.port)}`, doorCode: indoorDoorCode(config),
		});
		indoor.onEvent((e) => {
			if (e.type !== "levels") options.log(e.line);
		});
		panel.observeIndoor(indoor);
		const url = await panel.listen(p.httpAddress, p.httpPort, capture);
		options.log(`indoor station ${indoor.uri}`);
		options.log(`panel: ${url}`);
		return { station, indoor, panel };
	} catch (err) {
		await indoor?.stop();
		await station.stop(0);
		throw err;
	}
}

function timestamp(): string {
	const d = new Date();
	return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}:${String(d.getSeconds()).padStart(2, "0")}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

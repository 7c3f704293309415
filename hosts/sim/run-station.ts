// Running the simulated station from the command line: options, stdin commands, signals.
import { createInterface } from "node:readline";
import { parseStationArgs, STATION_USAGE } from "./station-args.js";
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
	let station: SimStation;
	try {
		station = await SimStation.start(args.station);
	} catch (err) {
		process.stderr.write(`sip-intercom station: ${(err as Error).message}\n`);
		return 1;
	}
	let stopping: Promise<void> | null = null;
	let done!: (code: number) => void;
	const finished = new Promise<number>((resolve) => (done = resolve));
	const stop = (code: number) => {
		stopping ??= station.stop().then(() => done(code));
	};
	station.onLine((line) => {
		const answered = /^call (\d+): answered/.exec(line);
		if (answered !== null && args.hangupAfter > 0) setTimeout(() => station.command(`hangup ${answered[1]}`), args.hangupAfter * 1000);
		if (args.exitAfterCall && /^call \d+: ended/.test(line)) stop(0);
	});
	if (args.call !== null) {
		const uri = args.call;
		if (args.station.ua.registrar !== null) {
			station.waitFor((l) => l.startsWith("registered") || l.startsWith("registration failed"), 40000)
				.then((l) => (l.startsWith("registered") ? station.command(`call ${uri}`) : stop(1)), () => stop(1));
		} else station.command(`call ${uri}`);
	}
	process.once("SIGINT", () => stop(0));
	process.once("SIGTERM", () => stop(0));
	if (process.stdin.isTTY || !args.exitAfterCall) {
		const rl = createInterface({ input: process.stdin });
		rl.on("line", (line) => {
			if (!station.command(line)) stop(0);
		});
		finished.then(() => rl.close(), () => rl.close());
	}
	return finished;
}

function timestamp(): string {
	const d = new Date();
	return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}:${String(d.getSeconds()).padStart(2, "0")}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

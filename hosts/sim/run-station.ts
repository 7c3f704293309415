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

// The log lines of an in-process simulated station, kept for a test: wait for a line that may already have come.
import { SimStation, type StationOptions } from "../../hosts/sim/station.js";
import { parseStationConfig } from "../../src/intercom/config.js";

/** Start the simulated station on 127.0.0.1 with the configuration document `doc`, logging into `journal`. */
export async function startSimStation(doc: unknown, journal: StationLog, trace = false, options: Partial<StationOptions> = {}): Promise<SimStation> {
	const config = parseStationConfig(doc);
	if (!config.ok) throw new Error(`test configuration: ${config.errors.join("; ")}`);
	journal.reset();
	return SimStation.start({ address: "127.0.0.1", config: config.config, trace, log: journal.push, ...options });
}

export class StationLog {
	/** Every line since the last `reset()`; pass `push` as the station's `log` option. */
	readonly lines: string[] = [];
	readonly push = (line: string): void => {
		this.lines.push(line);
	};

	reset(): void {
		this.lines.length = 0;
	}

	/** The first line matching `re`: one already logged, or the next one `station` logs within `timeoutMs`. */
	until(station: SimStation, re: RegExp, timeoutMs: number): Promise<string> {
		const seen = this.lines.find((l) => re.test(l));
		return seen !== undefined ? Promise.resolve(seen) : station.waitFor((l) => re.test(l), timeoutMs);
	}

	text(): string {
		return this.lines.join("\n");
	}
}

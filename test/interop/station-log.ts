// The log lines of an in-process simulated station, kept for a test: wait for a line that may already have come.
import type { SimStation } from "../../hosts/sim/station.js";

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

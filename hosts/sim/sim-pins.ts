// Stand-in pins for the simulator: the door relay and the LEDs as levels in memory (the station's events say what
// they do; the web panel and tests read the levels), and the button's level as the `press`/`release` commands set it.
import type { Pin } from "../../src/host.js";

export class SimPin implements Pin {
	#level = 0;
	/** Each level written, with the monotonic time (for tests that check a relay pulse's length). */
	readonly writes: { level: number; at: number }[] = [];

	constructor(readonly name: string, readonly now: () => number = () => 0) {}

	read(): number {
		return this.#level;
	}

	write(value: number): void {
		if (value === this.#level && this.writes.length > 0) return;
		this.#level = value;
		this.writes.push({ level: value, at: this.now() });
		if (this.writes.length > 100) this.writes.shift();
	}
}

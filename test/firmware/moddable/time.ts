// `time` on XS for the firmware tests: `Time.ticks` as the ESP32 keeps it, a millisecond count stored as an Int32, so
// it goes negative and wraps; the harness starts it near the wrap to prove the clock's unwrapping.
import { clock } from "./bridge.js";

export const ticks = { offset: 0 };

const Time = {
	get ticks(): number {
		return (clock.now + ticks.offset) | 0;
	},
	delta(start: number, end?: number): number {
		return ((end ?? Time.ticks) - start) | 0;
	},
};

export default Time;

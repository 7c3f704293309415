// Randomness for branches, tags, Call-IDs, SSRCs and cnonces (RFC 3261 §8.1.1.7, §19.3; RFC 3550 §8.1) from the ESP32's
// hardware RNG: XS's `Math.random` is `esp_random()` there (xs/platforms/esp/xsHost.h), which the radio's noise makes
// truly random while Wi-Fi is on (ESP32 TRM, "Random Number Generator").
import type { Random } from "../../src/host.js";

export interface HardwareRandomOptions {
	/** A uniform number in [0, 1) drawn from the hardware (default: `Math.random`, `esp_random()` on the ESP32). */
	readonly source?: () => number;
}

export class HardwareRandom implements Random {
	readonly #source: () => number;

	constructor(options: HardwareRandomOptions = {}) {
		this.#source = options.source ?? Math.random;
	}

	fill(bytes: Uint8Array): void {
		const source = this.#source;
		for (let i = 0; i < bytes.length; i++) bytes[i] = (source() * 256) & 0xff;
	}
}

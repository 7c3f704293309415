// `embedded:io/digital` on XS for the firmware tests: an input the test presses (its edge interrupt calls
// `onReadable` as the ECMA-419 driver does), outputs whose every change is reported to Node with the device time
// (the relay pulse, the LEDs).
import { clock, tell } from "./bridge.js";

type Options = { pin: number; mode: number; edge?: number; onReadable?: (this: Digital) => void };

const pins = new Map<number, Digital>();

export default class Digital {
	static readonly Input = 0;
	static readonly InputPullUp = 1;
	static readonly InputPullDown = 2;
	static readonly InputPullUpDown = 3;
	static readonly Output = 8;
	static readonly OutputOpenDrain = 9;
	static readonly Rising = 1;
	static readonly Falling = 2;
	readonly pin: number;
	readonly #output: boolean;
	readonly #edge: number;
	readonly #onReadable: ((this: Digital) => void) | undefined;
	level: 0 | 1;

	constructor(options: Options) {
		if (pins.has(options.pin)) throw new Error(`pin ${options.pin} in use`);
		this.pin = options.pin;
		this.#output = options.mode === Digital.Output || options.mode === Digital.OutputOpenDrain;
		this.#edge = options.edge ?? 0;
		this.#onReadable = options.onReadable;
		this.level = options.mode === Digital.InputPullUp ? 1 : 0;
		pins.set(options.pin, this);
	}

	read(): 0 | 1 {
		return this.level;
	}

	write(value: 0 | 1): void {
		if (!this.#output) throw new Error(`pin ${this.pin} is an input`);
		if (value === this.level) return;
		this.level = value;
		tell({ pin: this.pin, level: value, at: clock.now });
	}

	close(): void {
		pins.delete(this.pin);
	}

	/** The outside world drives an input to `level`. */
	drive(level: 0 | 1): void {
		if (this.#output || level === this.level) return;
		this.level = level;
		const edge = level === 1 ? Digital.Rising : Digital.Falling;
		if ((this.#edge & edge) !== 0) this.#onReadable?.call(this);
	}
}

/** Drive input `pin` (false: no such pin). */
export function drive(pin: number, level: 0 | 1): boolean {
	const p = pins.get(pin);
	if (p === undefined) return false;
	p.drive(level);
	return true;
}

/** Every pin's level. */
export function levels(): Record<string, number> {
	const out: Record<string, number> = {};
	for (const [pin, p] of pins) out[pin] = p.level;
	return out;
}

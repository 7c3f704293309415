// The door button, the door relay and the indicator LEDs on ECMA-419 `embedded:io/digital` — DESIGN.md §6a. The button
// reports raw edges from its interrupt (debouncing and long presses are the station's, src/intercom/button.ts); the
// relay's active level is the station's too (its `activeLow` setting): a pin here writes what it is told.
import type { Pin } from "../../src/host.js";
import { INDICATOR_NAMES, type IndicatorName } from "../../src/intercom/events.js";

/** What the adapters use of ECMA-419 `Digital`. */
export interface DigitalIO {
	read(): number;
	write(value: 0 | 1): void;
	close(): void;
}

/** `M`: the type of its modes (numbers in the SDK's typings, `unknown` in npm's 5.6.0), taken as it is. */
export interface DigitalIOConstructor<M> {
	readonly Input: M;
	readonly InputPullUp: M;
	readonly InputPullDown: M;
	readonly Output: M;
	readonly Rising: number;
	readonly Falling: number;
	new (options: { pin: number; mode: M; edge?: number; onReadable?: (this: DigitalIO) => void }): DigitalIO;
}

/** An output: a relay module's input or an LED. */
export class OutputPin<M> implements Pin {
	readonly pin: number;
	readonly #io: DigitalIO;
	readonly #invert: boolean;
	#level = 0;

	constructor(options: { readonly io: DigitalIOConstructor<M>; readonly pin: number; readonly invert?: boolean }) {
		this.pin = options.pin;
		this.#invert = options.invert === true;
		this.#io = new options.io({ pin: options.pin, mode: options.io.Output });
		this.#io.write(this.#invert ? 1 : 0);
	}

	read(): number {
		return this.#level;
	}

	write(value: number): void {
		const level = value === 0 ? 0 : 1;
		if (level === this.#level) return;
		this.#level = level;
		this.#io.write((level === 1) !== this.#invert ? 1 : 0);
	}

	close(): void {
		this.#io.close();
	}
}

export type Pull = "up" | "down" | "none";

export interface ButtonInputOptions<M> {
	readonly io: DigitalIOConstructor<M>;
	readonly pin: number;
	/** The input's pull resistor: "up" for a button to ground (the usual wiring), "none" when the board has its own. */
	readonly pull: Pull;
	/** Pressed reads 0 (a button to ground with a pull-up). */
	readonly activeLow: boolean;
	/** Each change of the level, as the interrupt sees it (the station debounces). */
	readonly onEdge: (pressed: boolean) => void;
}

/** The door button on an edge interrupt (both edges): every change of level is passed on, bounces included. */
export class ButtonInput<M> {
	readonly pin: number;
	readonly #io: DigitalIO;
	readonly #activeLow: boolean;
	readonly #onEdge: (pressed: boolean) => void;
	#pressed: boolean;

	constructor(options: ButtonInputOptions<M>) {
		const io = options.io;
		this.pin = options.pin;
		this.#activeLow = options.activeLow;
		this.#onEdge = options.onEdge;
		const mode = options.pull === "up" ? io.InputPullUp : options.pull === "down" ? io.InputPullDown : io.Input;
		this.#io = new io({ pin: options.pin, mode, edge: io.Rising | io.Falling, onReadable: () => this.#changed() });
		this.#pressed = this.#level();
	}

	get pressed(): boolean {
		return this.#pressed;
	}

	close(): void {
		this.#io.close();
	}

	#level(): boolean {
		return (this.#io.read() === 0) === this.#activeLow;
	}

	#changed(): void {
		// Read the level rather than count edges: two edges can come as one interrupt, the level is always right.
		const pressed = this.#level();
		if (pressed === this.#pressed) return;
		this.#pressed = pressed;
		this.#onEdge(pressed);
	}
}

/** The indicator LEDs on GPIO outputs, where `leds` names a pin for them (a board without one leaves it dark). */
export function gpioIndicators<M>(io: DigitalIOConstructor<M>, leds: Readonly<Partial<Record<IndicatorName, number>>>): Partial<Record<IndicatorName, Pin>> {
	const out: Partial<Record<IndicatorName, Pin>> = {};
	for (const n of INDICATOR_NAMES) {
		const pin = leds[n];
		if (pin !== undefined) out[n] = new OutputPin({ io, pin });
	}
	return out;
}

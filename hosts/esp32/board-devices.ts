// What a board gives the firmware: its IO classes and how its LEDs are driven — the Moddable target's device map
// (like a target's `embedded:provider/builtin`). The manifest picks the board module per platform (`hosts/esp32/board`).
import type { Pin } from "../../src/host.js";
import { INDICATOR_NAMES, type IndicatorName } from "../../src/intercom/events.js";
import type { Pull } from "./digital-pins.js";
import type { AudioInIOConstructor, AudioOutIOConstructor } from "./i2s-audio.js";

/** Pin numbers, from the manifest's `config.pins` (per platform; an installer changes them there). */
export interface BoardPins {
	readonly button: number;
	readonly buttonPull: Pull;
	readonly buttonActiveLow: boolean;
	/** One per configured relay, in order (`relays[0]` is the door). */
	readonly relays: readonly number[];
	/** GPIO LEDs by indicator (a board with an RGB pixel ignores them). */
	readonly leds: Readonly<Partial<Record<IndicatorName, number>>>;
}

export interface Board {
	readonly name: string;
	/** A digital output (a relay module's input). */
	output(pin: number): Pin & { close(): void };
	/** I2S microphone and amplifier (null: the board has none). */
	readonly AudioIn: AudioInIOConstructor | null;
	readonly AudioOut: AudioOutIOConstructor | null;
	/** The microphone's sample rate (16 kHz for I2S MEMS microphones whose clock may not go below 0.5 MHz). */
	readonly inputRate: 8000 | 16000;
	/** The indicator LEDs as pins. */
	indicators(pins: BoardPins): Partial<Record<IndicatorName, Pin>>;
	/** The door button: `onEdge` hears every change of its level (the station debounces). */
	button(pins: BoardPins, onEdge: (pressed: boolean) => void): { close(): void };
}

/** The board's pins from the manifest's `config.pins`; throws naming the field (a build-time mistake, found at boot). */
export function readPins(value: unknown): BoardPins {
	const o = isRecord(value) ? value : {};
	const gpio = (path: string, v: unknown): number => {
		if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 48) throw new RangeError(`config.pins.${path}: expected a GPIO number 0-48, got ${String(v)}`);
		return v;
	};
	const relays = o["relays"], leds = isRecord(o["leds"]) ? o["leds"] : {};
	if (!Array.isArray(relays)) throw new RangeError("config.pins.relays: expected a list of GPIO numbers");
	const ledPins: Partial<Record<IndicatorName, number>> = {};
	for (const n of INDICATOR_NAMES) if (leds[n] !== undefined) ledPins[n] = gpio(`leds.${n}`, leds[n]);
	const pull = o["buttonPull"] ?? "up";
	if (pull !== "up" && pull !== "down" && pull !== "none") throw new RangeError(`config.pins.buttonPull: expected "up", "down" or "none", got ${String(pull)}`);
	return Object.freeze({
		button: gpio("button", o["button"]), buttonPull: pull, buttonActiveLow: o["buttonActiveLow"] !== false,
		relays: Object.freeze(relays.map((r, i) => gpio(`relays[${i}]`, r))), leds: Object.freeze(ledPins),
	});
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

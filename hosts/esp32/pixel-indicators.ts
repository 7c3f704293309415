// The indicator LEDs on one RGB pixel (the Atom Echo's SK6812): each logical indicator is a Pin that lights its colour,
// and the pixel shows the most important indicator lit (door open, in call, calling, not registered, idle).
import type { Pin } from "../../src/host.js";
import { INDICATOR_NAMES, type IndicatorName } from "../../src/intercom/events.js";

/** What the adapter uses of Moddable's NeoPixel driver. */
export interface PixelIO {
	makeRGB(r: number, g: number, b: number): number;
	setPixel(index: number, color: number): void;
	update(): void;
}

export type Rgb = readonly [number, number, number];

/** Colours, dimmed (a pixel at full power glares in a dark doorway). */
export const PIXEL_COLORS: Readonly<Record<IndicatorName, Rgb>> = Object.freeze({
	idle: Object.freeze([0, 0, 24] as const),
	notRegistered: Object.freeze([40, 16, 0] as const),
	calling: Object.freeze([32, 32, 0] as const),
	inCall: Object.freeze([0, 40, 0] as const),
	doorOpen: Object.freeze([48, 48, 48] as const),
});

/** Most important first. */
const PRIORITY: readonly IndicatorName[] = Object.freeze(["doorOpen", "inCall", "calling", "notRegistered", "idle"]);

class IndicatorPin implements Pin {
	level = 0;
	constructor(readonly owner: PixelIndicators) {}
	read(): number {
		return this.level;
	}
	write(value: number): void {
		const level = value === 0 ? 0 : 1;
		if (level === this.level) return;
		this.level = level;
		this.owner.show();
	}
}

export class PixelIndicators {
	readonly pins: Readonly<Record<IndicatorName, Pin>>;
	readonly #pixel: PixelIO;
	readonly #pin: Readonly<Record<IndicatorName, IndicatorPin>>;
	readonly #colors: Readonly<Record<IndicatorName, number>>;
	#shown = -1;

	constructor(options: { readonly pixel: PixelIO; readonly colors?: Readonly<Record<IndicatorName, Rgb>> }) {
		this.#pixel = options.pixel;
		const rgb = options.colors ?? PIXEL_COLORS;
		const pins = {} as Record<IndicatorName, IndicatorPin>, colors = {} as Record<IndicatorName, number>;
		for (const n of INDICATOR_NAMES) {
			pins[n] = new IndicatorPin(this);
			colors[n] = options.pixel.makeRGB(rgb[n][0], rgb[n][1], rgb[n][2]);
		}
		this.#pin = Object.freeze(pins);
		this.#colors = Object.freeze(colors);
		this.pins = this.#pin;
		this.show();
	}

	/** Show the colour of the most important indicator lit, or dark. */
	show(): void {
		let color = 0;
		for (const n of PRIORITY) {
			if (this.#pin[n].level !== 0) {
				color = this.#colors[n];
				break;
			}
		}
		if (color === this.#shown) return;
		this.#shown = color;
		this.#pixel.setPixel(0, color);
		this.#pixel.update();
	}
}

// The indicator LEDs: idle, not registered, calling, in call, door open — each on its own pin (when the board has
// one), lit steady or blinking as configured while its condition holds; one blink timer on the wheel for all.
import type { Pin } from "../host.js";
import type { TimerOwner, TimerWheel } from "../transaction/timer-wheel.js";
import type { IndicatorConfig, IndicatorMode } from "./config.js";
import { INDICATOR_NAMES, type IndicatorName } from "./events.js";

/** What the indicators tell the station (each change of what an LED shows). */
export interface IndicatorUser {
	onIndicator(led: IndicatorName, mode: IndicatorMode): void;
}

export class Indicators implements TimerOwner {
	readonly #config: IndicatorConfig;
	readonly #pins: readonly (Pin | null)[];
	readonly #wheel: TimerWheel;
	readonly #user: IndicatorUser;
	readonly #owner: number;
	/** What each indicator shows now (index as INDICATOR_NAMES). */
	readonly #mode: IndicatorMode[] = ["off", "off", "off", "off", "off"];
	#phase = true;
	#timer = -1;

	constructor(options: { config: IndicatorConfig; pins: Partial<Record<IndicatorName, Pin>>; wheel: TimerWheel; user: IndicatorUser }) {
		this.#config = options.config;
		this.#pins = INDICATOR_NAMES.map((n) => options.pins[n] ?? null);
		this.#wheel = options.wheel;
		this.#user = options.user;
		this.#owner = options.wheel.register(this);
		for (const p of this.#pins) p?.write(0);
	}

	/** What `led` shows now. */
	mode(led: IndicatorName): IndicatorMode {
		return this.#mode[INDICATOR_NAMES.indexOf(led)];
	}

	/** Whether the condition of `led` holds: it shows its configured mode, else off. */
	set(led: IndicatorName, active: boolean): void {
		const i = INDICATOR_NAMES.indexOf(led);
		const mode: IndicatorMode = active ? this.#config[led] : "off";
		if (this.#mode[i] === mode) return;
		this.#mode[i] = mode;
		this.#drive(i);
		this.#user.onIndicator(led, mode);
		this.#blinkTimer();
	}

	onTimer(): void {
		this.#timer = -1;
		this.#phase = !this.#phase;
		for (let i = 0; i < this.#mode.length; i++) if (this.#mode[i] === "blink") this.#drive(i);
		this.#blinkTimer();
	}

	/** All off, the blink timer stopped (shutdown). */
	stop(): void {
		for (const led of INDICATOR_NAMES) this.set(led, false);
	}

	#drive(i: number): void {
		const m = this.#mode[i];
		this.#pins[i]?.write(m === "on" || (m === "blink" && this.#phase) ? 1 : 0);
	}

	/** The blink timer runs while some indicator blinks (a full wheel leaves it steady rather than dark). */
	#blinkTimer(): void {
		const blinking = this.#mode.includes("blink");
		if (blinking && this.#timer < 0) this.#timer = this.#wheel.start(this.#config.blinkMs, this.#owner, 0, 0);
		else if (!blinking && this.#timer >= 0) {
			this.#wheel.cancel(this.#timer);
			this.#timer = -1;
			this.#phase = true;
		}
	}
}

// `embedded:io/digital` for Moddable's Linux runtime (`mcconfig -m -p lin`), which has none: outputs log their level,
// inputs read their pull level. For a check by hand, `mcconfig ... press=MS` presses the door button MS after boot
// (for 300 ms), so the station calls its list without hardware.
import config from "mc/config";
import Timer from "timer";

type Options = { pin: number; mode: unknown; edge?: number; onReadable?: (this: Digital) => void };

export default class Digital {
	static readonly Input = 0;
	static readonly InputPullUp = 1;
	static readonly InputPullDown = 2;
	static readonly InputPullUpDown = 3;
	static readonly Output = 8;
	static readonly OutputOpenDrain = 9;
	static readonly Rising = 1;
	static readonly Falling = 2;
	readonly #pin: number;
	readonly #output: boolean;
	#level: 0 | 1;

	constructor(options: Options) {
		this.#pin = options.pin;
		this.#output = options.mode === Digital.Output || options.mode === Digital.OutputOpenDrain;
		this.#level = options.mode === Digital.InputPullUp ? 1 : 0;
		const press = Number((config as Record<string, unknown>)["press"] ?? 0);
		const onReadable = options.onReadable;
		if (!this.#output && onReadable !== undefined && press > 0) {
			const idle = this.#level;
			Timer.set(() => {
				trace(`lin: pressing the button (pin ${this.#pin})\n`);
				this.#level = idle === 1 ? 0 : 1;
				onReadable.call(this);
				Timer.set(() => {
					this.#level = idle;
					onReadable.call(this);
				}, 300);
			}, press);
		}
	}

	read(): 0 | 1 {
		return this.#level;
	}

	write(value: 0 | 1): void {
		if (!this.#output || value === this.#level) return;
		this.#level = value;
		trace(`lin: pin ${this.#pin} = ${value}\n`);
	}

	close(): void {}
}

// The M5Stack Atom Echo (esp32/m5atom_echo): an SPM1423 PDM microphone and an NS4168 I2S amplifier on the board (the
// target's `defines`), the button on G39, and one SK6812 RGB pixel on G27 for the indicators. Nothing to wire but the
// door relay (Grove port, G26). The microphone's clock and the amplifier's word clock share G33, so this board cannot
// capture and play at the same time (see the README).
import AudioIn from "embedded:io/audio/in";
import AudioOut from "embedded:io/audio/out";
import Digital from "embedded:io/digital";
import NeoPixel from "neopixel";
import type { Board } from "./board-devices.js";
import { ButtonInput, OutputPin } from "./digital-pins.js";
import { PixelIndicators } from "./pixel-indicators.js";

/** The target's own button driver (setup/target makes `globalThis.button.a` on G39, debounced against Wi-Fi noise). */
interface M5ButtonIO {
	read(): number;
	onChanged?: () => void;
	close(): void;
}

const board: Board = Object.freeze<Board>({
	name: "M5Stack Atom Echo",
	output: (pin) => new OutputPin({ io: Digital, pin }),
	AudioIn,
	AudioOut,
	inputRate: 16000,
	indicators: () => new PixelIndicators({ pixel: new NeoPixel({}) }).pins,
	button(pins, onEdge) {
		// G39 already has the target's interrupt: hear it rather than install a second one on the same pin.
		const m5 = (globalThis as { button?: { a?: M5ButtonIO } }).button?.a;
		if (m5 === undefined) return new ButtonInput({ io: Digital, pin: pins.button, pull: pins.buttonPull, activeLow: pins.buttonActiveLow, onEdge });
		let pressed = m5.read() === 0;
		m5.onChanged = () => {
			const now = m5.read() === 0;
			if (now === pressed) return;
			pressed = now;
			onEdge(now);
		};
		return { close: () => (m5.onChanged = undefined) };
	},
});
export default board;

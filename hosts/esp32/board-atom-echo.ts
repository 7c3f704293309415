// The M5Stack Atom Echo (esp32/m5atom_echo): button on G39 (the board's own pull-up), an SPM1423 PDM microphone and an
// NS4168 I2S amplifier on the board (the target's `defines`), and one SK6812 RGB pixel on G27 for the indicators.
// Nothing to wire but the door relay (Grove port G26). The microphone's clock and the amplifier's word clock share G33,
// so this board cannot capture and play at the same time (see the README).
import AudioIn from "embedded:io/audio/in";
import AudioOut from "embedded:io/audio/out";
import Digital from "embedded:io/digital";
import NeoPixel from "neopixel";
import type { Board } from "./board-devices.js";
import { PixelIndicators } from "./pixel-indicators.js";

const board: Board = Object.freeze<Board>({
	name: "M5Stack Atom Echo",
	Digital,
	AudioIn,
	AudioOut,
	inputRate: 16000,
	indicators() {
		return new PixelIndicators({ pixel: new NeoPixel({}) }).pins;
	},
});
export default board;

// Moddable's Linux runtime as a board (`mcconfig -m -p lin`): the stand-in pins, microphone and speaker of
// hosts/esp32/lin (the manifest maps `embedded:io/digital` and `embedded:io/audio/*` to them on lin).
import AudioIn from "embedded:io/audio/in";
import AudioOut from "embedded:io/audio/out";
import Digital from "embedded:io/digital";
import type { Board } from "./board-devices.js";
import { ButtonInput, gpioIndicators, OutputPin } from "./digital-pins.js";

const board: Board = Object.freeze<Board>({
	name: "Moddable Linux runtime (stand-in devices)",
	output: (pin) => new OutputPin({ io: Digital, pin }),
	AudioIn,
	AudioOut,
	inputRate: 8000,
	indicators: (pins) => gpioIndicators(Digital, pins.leds),
	button: (pins, onEdge) => new ButtonInput({ io: Digital, pin: pins.button, pull: pins.buttonPull, activeLow: pins.buttonActiveLow, onEdge }),
});
export default board;

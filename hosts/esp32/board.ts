// The ESP32 DevKit board (esp32/nodemcu): an INMP441 I2S microphone, a MAX98357A I2S amplifier, the door button, a relay
// module and GPIO LEDs, wired as the README's table says; the I2S pins are the manifest's `defines` for this platform.
import AudioIn from "embedded:io/audio/in";
import AudioOut from "embedded:io/audio/out";
import Digital from "embedded:io/digital";
import type { Board } from "./board-devices.js";
import { ButtonInput, gpioIndicators, OutputPin } from "./digital-pins.js";

const board: Board = Object.freeze<Board>({
	name: "ESP32 DevKit + INMP441 + MAX98357A",
	output: (pin) => new OutputPin({ io: Digital, pin }),
	AudioIn,
	AudioOut,
	// INMP441: 64 bit clocks per frame between 0.5 and 3.2 MHz; Moddable's driver clocks 32 per frame, so 16 kHz
	// (512 kHz) is the lowest rate it can use; the audio device halves it to 8 kHz.
	inputRate: 16000,
	indicators: (pins) => gpioIndicators(Digital, pins.leds),
	button: (pins, onEdge) => new ButtonInput({ io: Digital, pin: pins.button, pull: pins.buttonPull, activeLow: pins.buttonActiveLow, onEdge }),
});
export default board;

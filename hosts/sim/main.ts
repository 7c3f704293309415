// The simulator's entry (`npm start`). The message layer exists; the transport, the user agent and audio arrive
// with the next issues. Until then this says what is here and what will run, and does not pretend to be a station.
import { DEFAULT_LIMITS } from "../../src/sip/limits.js";

const lines = [
	"sip-intercom simulator — not a station yet.",
	"",
	"Built so far: the SIP message layer (src/sip): zero-allocation scanner, validator and writer,",
	`  sized by Limits (max ${DEFAULT_LIMITS.maxMessageBytes} bytes/message, ${DEFAULT_LIMITS.maxHeaders} header lines).`,
	"  Try it on a captured message:  npx sip-intercom parse FILE",
	"",
	"What `npm start` will do once the transport, UA and media layers land:",
	"  listen for SIP on 127.0.0.1:5070 (UDP and TCP), register when a PBX is configured, and",
	"  act as the door station: the door button calls the call list, two-way G.711 audio from/to",
	"  WAV files or the sound device, DTMF door codes open the simulated relay, a web panel shows it.",
];
process.stdout.write(lines.join("\n") + "\n");

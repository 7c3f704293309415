// ESP32 door station entry (Moddable SDK) — placeholder until the transport and audio hosts exist.
// It imports the host-free core so the esp32 type-check (hosts/esp32/tsconfig.json) covers it against
// @moddable/typings and not against Node's types.
import { Scanner } from "../../src/sip/scanner.js";
import { MessageView } from "../../src/sip/message-view.js";
import { DEFAULT_LIMITS } from "../../src/sip/limits.js";

const scanner = new Scanner(DEFAULT_LIMITS);
const view = new MessageView(DEFAULT_LIMITS);
trace(`sip-intercom: core loaded (scanner ready: ${scanner.reason === "" && view.entryCount === 0})\n`);

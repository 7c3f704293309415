// ESP32 door station entry (Moddable SDK) — the composition root; a placeholder until the transport and audio hosts exist.
//
// Imports use the module specifiers of manifest.json ("src/sip/..."), which mirror the repository's paths so
// that the core's own relative imports ("./x.js", "../sip/x.js") resolve the same way in XS and in tsc.
import { Scanner } from "src/sip/scanner.js";
import { MessageView } from "src/sip/message-view.js";
import { DEFAULT_LIMITS } from "src/sip/limits.js";

const scanner = new Scanner(DEFAULT_LIMITS);
const view = new MessageView(DEFAULT_LIMITS);
trace(`sip-intercom: message layer ready (${view.capacity} header values, ${scanner.reason === "" ? "idle" : scanner.reason})\n`);

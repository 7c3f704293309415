// What the door station tells its host (log, web panel, MQTT): one small interface, one event type — DESIGN.md §6.
// Events are rare (a button, a call, a digit), never per audio frame. No event carries a digit of a door code or a
// password (DESIGN.md §6: secrets never appear in logs or events).

/** The logical indicators a host maps to LEDs (DESIGN.md §6a): each is on, off or blinking as configured. */
export type IndicatorName = "idle" | "notRegistered" | "calling" | "inCall" | "doorOpen";
export const INDICATOR_NAMES: readonly IndicatorName[] = Object.freeze(["idle", "notRegistered", "calling", "inCall", "doorOpen"]);

/** How a door was opened: a door code in a call, the command line or web panel, MQTT (Home Assistant), the HTTP API. */
export type OpenedBy = "code" | "command" | "mqtt" | "http";

export type ToneName = "ringback" | "busy" | "door-opened" | "invalid-code" | "call-ending";

/** A call slot's state as the application sees it. */
export type SlotState = "idle" | "calling" | "ringing" | "early" | "incoming" | "answering" | "active" | "ending";

export type IntercomEvent =
	| { readonly type: "button"; readonly action: "press" | "release" | "long-press" }
	| { readonly type: "registration"; readonly state: "registered" | "unregistered" | "failed" | "waiting"; readonly detail: string }
	/** A call list started (`list` 0 is the main list, 1 the alternate), or its waiting for registration ended. */
	| { readonly type: "call-list"; readonly list: number; readonly state: "started" | "waiting-for-registration" | "answered" | "nobody-answered" | "cancelled"; readonly cycle: number }
	| { readonly type: "calling"; readonly call: number; readonly target: string; readonly name: string }
	| { readonly type: "progress"; readonly call: number; readonly status: number; readonly early: boolean }
	| { readonly type: "answered"; readonly call: number; readonly peer: string; readonly codec: string }
	/** A re-INVITE or UPDATE moved or changed the media (hold, resume, new address; RFC 3264 §8). */
	| { readonly type: "media-changed"; readonly call: number; readonly remote: string; readonly direction: string; readonly held: boolean }
	| { readonly type: "incoming"; readonly call: number; readonly from: string; readonly decision: "answer" | "ring" | "refuse" | "busy"; readonly status: number }
	/** `detail`: what could not be reached, when that ended the call ("pbx.example.com NAPTR: no such domain (NXDOMAIN)"). */
	| { readonly type: "ended"; readonly call: number; readonly why: string; readonly status: number; readonly detail?: string }
	/** A DTMF digit arrived (never which: it may be part of a door code). */
	| { readonly type: "digit"; readonly call: number; readonly source: "RFC 4733" | "SIP INFO" }
	/** A tone began: at the door (ringback, busy) or in the call (door-opened, invalid-code, call-ending). */
	| { readonly type: "tone"; readonly tone: ToneName }
	| { readonly type: "door-opened"; readonly relay: number; readonly name: string; readonly by: OpenedBy; readonly from: string }
	| { readonly type: "wrong-code"; readonly call: number; readonly count: number; readonly max: number; readonly from: string }
	| { readonly type: "code-refused"; readonly call: number; readonly reason: "locked-out" | "not-allowed"; readonly from: string }
	| { readonly type: "locked-out"; readonly seconds: number }
	| { readonly type: "lockout-over" }
	| { readonly type: "relay"; readonly relay: number; readonly name: string; readonly open: boolean; readonly ms: number }
	| { readonly type: "led"; readonly led: IndicatorName; readonly mode: "off" | "on" | "blink" }
	| { readonly type: "call-limit"; readonly call: number; readonly state: "warning" | "extended" | "reached" | "door-opened-hangup"; readonly seconds: number }
	| { readonly type: "rtp-timeout"; readonly call: number; readonly seconds: number }
	| { readonly type: "levels"; readonly call: number; readonly inDb: number; readonly outDb: number }
	| { readonly type: "audio"; readonly running: boolean }
	| { readonly type: "refused"; readonly command: string; readonly reason: string }
	/** The MQTT link to the home (src/home): connected, lost (and when it is tried again), or something to note. */
	| { readonly type: "mqtt"; readonly state: "connected" | "disconnected" | "warning"; readonly detail: string }
	/** The HTTP API (src/home): listening, or a request refused before it reached a command (authentication, limits). */
	| { readonly type: "http"; readonly state: "listening" | "refused"; readonly detail: string };

/** The host's side: log it, show it, publish it. An event is valid during the call only (the "levels" event, sent once a
 * second in a call, is one object reused), so a host keeps what it needs of it, not the object. */
export interface IntercomEvents {
	event(e: IntercomEvent): void;
}

/** One log line for an event, the same on every host (`relay door: open 3000 ms`, `led calling: blink`). */
export function describeEvent(e: IntercomEvent): string {
	switch (e.type) {
		case "button":
			return `button: ${e.action}`;
		case "registration":
			return e.state === "registered" ? `registered (${e.detail})` : e.state === "failed" ? `registration failed: ${e.detail}` : e.state === "waiting" ? `registration: ${e.detail}` : "unregistered";
		case "call-list":
			return `call list ${e.list === 0 ? "main" : "alternate"}: ${e.state}${e.state === "started" ? ` (cycle ${e.cycle})` : ""}`;
		case "calling":
			return `call ${e.call}: calling ${e.name !== "" ? `${e.name} ` : ""}${e.target}`;
		case "progress":
			return `call ${e.call}: ${e.status === 180 ? "ringing" : `progress ${e.status}`}${e.early ? " (early media)" : ""}`;
		case "answered":
			return `call ${e.call}: answered by ${e.peer}${e.codec !== "" ? `; media ${e.codec}` : ""}`;
		case "media-changed":
			return `call ${e.call}: media changed: ${e.remote} ${e.direction}${e.held ? " (held)" : ""}`;
		case "incoming":
			return `call ${e.call}: incoming from ${e.from}: ${e.decision === "refuse" || e.decision === "busy" ? `refused ${e.status} (${e.decision === "busy" ? "busy" : "not allowed"})` : e.decision === "answer" ? "answering" : "ringing"}`;
		case "ended":
			return `call ${e.call}: ended: ${e.why}${e.status > 0 ? ` (${e.status})` : ""}${e.detail !== undefined && e.detail !== "" ? `: ${e.detail}` : ""}`;
		case "digit":
			return `call ${e.call}: DTMF (${e.source})`;
		case "tone":
			return `tone: ${e.tone}`;
		case "door-opened":
			return `door opened: relay ${e.name} by ${e.by}${e.from !== "" ? ` from ${e.from}` : ""}`;
		case "wrong-code":
			return `call ${e.call}: wrong door code ${e.count} of ${e.max} from ${e.from}`;
		case "code-refused":
			return `call ${e.call}: door code refused (${e.reason === "locked-out" ? "locked out" : "not allowed from this call"}) from ${e.from}`;
		case "locked-out":
			return `door codes locked out for ${e.seconds} s`;
		case "lockout-over":
			return "door codes accepted again";
		case "relay":
			return `relay ${e.name}: ${e.open ? `open ${e.ms} ms` : "closed"}`;
		case "led":
			return `led ${e.led}: ${e.mode}`;
		case "call-limit":
			return `call ${e.call}: ${e.state === "warning" ? `call ends in ${e.seconds} s` : e.state === "extended" ? `call extended by ${e.seconds} s` : e.state === "reached" ? `call time limit (${e.seconds} s) reached` : `hanging up ${e.seconds} s after the door opened`}`;
		case "rtp-timeout":
			return `call ${e.call}: no RTP for ${e.seconds} s: hanging up`;
		case "levels":
			return `call ${e.call}: level in ${Math.round(e.inDb)} dBFS out ${Math.round(e.outDb)} dBFS`;
		case "audio":
			return `audio: ${e.running ? "running" : "stopped"}`;
		case "refused":
			return `${e.command}: ${e.reason}`;
		case "mqtt":
			return `mqtt: ${e.state === "warning" ? "" : `${e.state}: `}${e.detail}`;
		case "http":
			return `http: ${e.state === "listening" ? "listening on" : "refused"} ${e.detail}`;
	}
}

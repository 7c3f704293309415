// What the web panel's page and the simulator's server say to each other over the WebSocket (JSON text messages;
// audio as binary messages of 16-bit little-endian 8 kHz samples, 160 per 20 ms frame). Types only: the page and
// the server (hosts/sim/panel-host.ts) both compile against them.
import type { IndicatorName, IntercomEvent, SlotState } from "../../../src/intercom/events.js";

/** The door station's status() (src/intercom/door-station.ts `StationStatus`, which the server checks against this). */
export interface PanelStatus {
	readonly registration: "none" | "registering" | "registered" | "failed";
	readonly slots: readonly { readonly state: SlotState; readonly peer: string }[];
	readonly callList: "idle" | "waiting" | "ringing";
	readonly relays: readonly { readonly name: string; readonly open: boolean }[];
	readonly leds: Readonly<Record<IndicatorName, "off" | "on" | "blink">>;
	readonly lockedOut: boolean;
	readonly audio: boolean;
}

export type IndoorState = "idle" | "ringing" | "calling" | "in-call";
/** How "open door" sends the code: RFC 4733 telephone-events in the RTP stream, or one SIP INFO per key. */
export type DtmfMode = "rfc4733" | "info";

export interface IndoorStatus {
	readonly state: IndoorState;
	/** Who calls or is called (a name-addr as the UA reports it); "" when idle. */
	readonly peer: string;
	readonly uri: string;
	/** Whether it knows a door code to key (never the code). */
	readonly hasDoorCode: boolean;
}

/** One SIP message on the ladder. Endpoints are "address:port"; `StationInfo.endpoints` names the known ones. */
export interface LadderEntry {
	readonly id: number;
	/** Wall-clock milliseconds. */
	readonly at: number;
	readonly from: string;
	readonly to: string;
	readonly transport: "UDP" | "TCP" | "TLS";
	/** "INVITE", "180 Ringing" ... */
	readonly label: string;
	/** "1 INVITE" */
	readonly cseq: string;
	readonly callId: string;
	/** The whole message (a DTMF INFO's body hidden). */
	readonly text: string;
}

/** What the page shows about the station (no password, no door code). */
export interface StationInfo {
	readonly aor: string;
	readonly listen: string;
	readonly registrar: string | null;
	readonly callList: readonly { readonly name: string; readonly uri: string }[];
	readonly relays: readonly { readonly name: string; readonly pulseMs: number }[];
	/** Endpoint "address:port" → its name on the ladder ("door station", "indoor station"). */
	readonly endpoints: Readonly<Record<string, string>>;
	readonly longPressMs: number;
}

export interface LogLine {
	readonly at: number;
	readonly line: string;
	/** Whose line: the door station's application events, or the indoor station's. */
	readonly source: "door" | "indoor";
}

/** Where the browser's microphone and speaker go: nowhere, the door station's, or the indoor station's. */
export type AudioSide = "off" | "door" | "flat";

export type ServerMessage =
	| { readonly type: "hello"; readonly info: StationInfo; readonly status: PanelStatus; readonly indoor: IndoorStatus | null;
		readonly ladder: readonly LadderEntry[]; readonly log: readonly LogLine[] }
	| { readonly type: "event"; readonly event: IntercomEvent; readonly log: LogLine | null; readonly status: PanelStatus }
	| { readonly type: "indoor"; readonly status: IndoorStatus; readonly log: LogLine }
	| { readonly type: "indoor-levels"; readonly inDb: number; readonly outDb: number }
	| { readonly type: "indoor-log"; readonly log: LogLine }
	| { readonly type: "ladder"; readonly entry: LadderEntry }
	| { readonly type: "audio"; readonly side: AudioSide; readonly detail: string };

export type ClientMessage =
	/** A door station command line, as typed on the simulator's standard input (press, release, open, hangup ...). */
	| { readonly type: "command"; readonly line: string }
	/** An indoor station command line (answer, hangup, open rfc4733|info, call). */
	| { readonly type: "indoor"; readonly line: string }
	| { readonly type: "audio"; readonly side: AudioSide };

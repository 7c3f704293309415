// DTMF digits as RTP telephone events: receive one digit per event, generate an event's packets —
// RFC 4733 §2.3, §2.5, §3.2.
import { get16, put16 } from "./rtp.js";

/** Where a digit came from: an RFC 4733 event, or a SIP INFO request (application/dtmf-relay, later). */
export const DIGIT_SOURCE_RFC4733 = 1;
export const DIGIT_SOURCE_SIP_INFO = 2;

/**
 * Where every received digit goes, whatever carried it (RFC 4733 events and SIP INFO both, DESIGN.md §5): the
 * door-code matcher. `digit` is an ASCII code ("0"–"9", "*", "#", "A"–"D"); `source` a DIGIT_SOURCE_* value.
 */
export interface DigitSink {
	onDigit(digit: number, source: number): void;
}

/** Octets of one event in a payload (§2.3): event, E|R|volume, duration. */
export const EVENT_BYTES = 4;
/** Largest duration field (§2.3.5); longer events are sent in segments (§2.5.1.3). */
export const MAX_EVENT_DURATION = 0xffff;
/** Retransmissions of the final packet: "three" (§2.5.1.4). */
export const END_PACKETS = 3;

/** §3.2 Table 7: events 0–15 are the DTMF digits 0–9, *, #, A–D. */
const DIGITS = new Uint8Array([0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x2a, 0x23, 0x41, 0x42, 0x43, 0x44]);

/** ASCII digit of event code `event` (§3.2), or -1 when the event is not a DTMF digit. */
export function eventToDigit(event: number): number {
	return event >= 0 && event < 16 ? DIGITS[event] : -1;
}

/** Event code of an ASCII DTMF digit ("a"–"d" as "A"–"D"), or -1. */
export function digitToEvent(digit: number): number {
	if (digit >= 0x61 && digit <= 0x64) digit -= 0x20;
	for (let i = 0; i < 16; i++) if (DIGITS[i] === digit) return i;
	return -1;
}

/** Write one event (§2.3) at out[at]: event code, E bit, volume (0–63, −dBm0), duration (timestamp units). */
export function writeEvent(out: Uint8Array, at: number, event: number, end: boolean, volume: number, duration: number): void {
	out[at] = event;
	out[at + 1] = (end ? 0x80 : 0) | (volume & 0x3f);
	put16(out, at + 2, duration);
}

/**
 * A segment of a long event that was not ended is continued, rather than a new press begun, by a packet with a
 * new timestamp when (§2.5.1.3, §2.5.2.3): same event, no marker, timestamp advanced by at least half the
 * largest duration and at most the largest, and the old segment's duration reached that advance, give or take
 * this many lost updates' worth of units (4096: 0.5 s at 8 kHz).
 */
const SEGMENT_SLACK = 0x1000;

/**
 * Turns received telephone-event payloads into digits (§2.5.2): the first packet of an event (a new RTP
 * timestamp) gives its digit to the sink once; updates, the retransmitted end packets, a duration that grew or
 * wrapped, and the further segments of a long event (§2.5.1.3) give nothing. A packet older than the current
 * event (reordered) is ignored. Allocates nothing.
 */
export class Dtmf4733Receiver {
	readonly #sink: DigitSink;
	#has = false;
	#ssrc = 0;
	/** Start timestamp of the current event's current segment. */
	#start = 0;
	#event = 0;
	#ended = false;
	#duration = 0;
	#volume = 0;
	#digits = 0;
	#repeats = 0;
	#late = 0;
	#segments = 0;
	#malformed = 0;
	#others = 0;

	constructor(sink: DigitSink) {
		this.#sink = sink;
	}

	/** Forget the current event (a new stream). */
	reset(): void {
		this.#has = false;
	}

	/**
	 * One telephone-event payload payload[start, end) from an RTP packet of `ssrc` with `timestamp` and `marker`.
	 * Several events in one packet follow each other from the timestamp, each starting where the one before
	 * ended (§2.5.1.5). Returns the number of digits passed to the sink (0 or 1 per event).
	 */
	receive(payload: Uint8Array, start: number, end: number, ssrc: number, timestamp: number, marker: boolean): number {
		const n = end - start;
		if (n < EVENT_BYTES || (n & 3) !== 0) {
			this.#malformed++;
			return 0;
		}
		if (this.#has && ssrc !== this.#ssrc) this.#has = false;
		this.#ssrc = ssrc;
		let digits = 0, at = timestamp;
		for (let p = start; p < end; p += EVENT_BYTES) {
			const duration = get16(payload, p + 2);
			digits += this.#block(payload[p], (payload[p + 1] & 0x80) !== 0, payload[p + 1] & 0x3f, duration, at >>> 0, marker && p === start);
			at += duration;
		}
		return digits;
	}

	#block(event: number, end: boolean, volume: number, duration: number, start: number, marker: boolean): number {
		if (this.#has) {
			if (start === this.#start) {
				// §2.5.2.2: same timestamp — an update or a retransmitted end of the event already reported.
				this.#repeats++;
				if (event === this.#event) {
					if (end) this.#ended = true;
					if (duration > this.#duration) this.#duration = duration;
					this.#volume = volume;
				}
				return 0;
			}
			const advance = (start - this.#start) | 0;
			if (advance < 0) {
				this.#late++; // an older event's packet, arriving after a newer one began
				return 0;
			}
			if (event === this.#event && !this.#ended && !marker && advance <= MAX_EVENT_DURATION && advance >= 0x8000 &&
				this.#duration + SEGMENT_SLACK >= advance) {
				// §2.5.1.3: the next segment of a long event — same key still held.
				this.#segments++;
				this.#start = start;
				this.#ended = end;
				this.#duration = duration;
				this.#volume = volume;
				return 0;
			}
		}
		// A new timestamp: a new event, even when it is the same key again (§2.5.2.1).
		this.#has = true;
		this.#start = start;
		this.#event = event;
		this.#ended = end;
		this.#duration = duration;
		this.#volume = volume;
		const digit = eventToDigit(event);
		if (digit < 0) {
			this.#others++;
			return 0;
		}
		this.#digits++;
		this.#sink.onDigit(digit, DIGIT_SOURCE_RFC4733);
		return 1;
	}

	/** Digits passed to the sink. */
	get digits(): number {
		return this.#digits;
	}
	/** Packets that repeated the current event's timestamp (updates, end retransmissions). */
	get repeats(): number {
		return this.#repeats;
	}
	/** Packets older than the current event, ignored. */
	get late(): number {
		return this.#late;
	}
	/** Long-event segments joined to the event before them (§2.5.1.3). */
	get segments(): number {
		return this.#segments;
	}
	/** Payloads that are not a whole number of 4-octet events. */
	get malformed(): number {
		return this.#malformed;
	}
	/** Events that are not DTMF digits (16 and up: flash, tones, …). */
	get others(): number {
		return this.#others;
	}
	/** The current event: code, whether its end was seen, longest duration of its segment, volume. */
	get event(): number {
		return this.#has ? this.#event : -1;
	}
	get ended(): boolean {
		return this.#ended;
	}
	get duration(): number {
		return this.#duration;
	}
	get volume(): number {
		return this.#volume;
	}
}

export interface Dtmf4733SenderOptions {
	/** Timestamp units between updates (default 400: 50 ms at 8 kHz; or the audio packetization, e.g. 160). */
	readonly interval?: number;
	/** Volume field, 0–63 meaning 0 to −63 dBm0 (default 10, §2.3.4). */
	readonly volume?: number;
}

/**
 * Generates the payloads of one event (§2.5.1): a first packet with the marker, updates every `interval` with
 * the duration so far, and `END_PACKETS` final packets with the E bit and the total duration, all with the
 * event's timestamp. An event longer than 0xFFFF units is sent in segments (§2.5.1.3): a segment ends with a
 * packet of duration 0xFFFF without E, and the next segment's packets carry timestamp + 0xFFFF and no marker.
 *
 * The caller sends a packet when `nextDue` (timestamp units since the event began) has come, with `marker` and
 * `timestamp` as set by `next()` (RtpSender.writePacket): one packet per due time, end packets `interval` apart.
 */
export class Dtmf4733Sender {
	readonly interval: number;
	readonly volume: number;
	#active = false;
	#event = 0;
	#total = 0;
	#origin = 0;
	#segment = 0;
	#due = 0;
	#duration = 0;
	#endsLeft = 0;
	#first = false;
	/** Marker of the packet `next()` wrote last. */
	marker = false;
	/** RTP timestamp of the packet `next()` wrote last. */
	timestamp = 0;
	/** E bit of the packet `next()` wrote last. */
	end = false;

	constructor(options: Dtmf4733SenderOptions = {}) {
		this.interval = options.interval ?? 400;
		this.volume = (options.volume ?? 10) & 0x3f;
		if (!(this.interval >= 1)) throw new RangeError("event update interval must be at least one timestamp unit");
	}

	/**
	 * Begin sending ASCII `digit` for `duration` timestamp units from RTP timestamp `timestamp` (the audio clock's
	 * now: RtpSender.timestamp). False when an event is still being sent or the digit is not DTMF.
	 */
	begin(digit: number, duration: number, timestamp: number): boolean {
		const event = digitToEvent(digit);
		if (this.#active || event < 0) return false;
		this.#active = true;
		this.#event = event;
		this.#total = duration >= 1 ? Math.floor(duration) : 1;
		this.#origin = timestamp >>> 0;
		this.#segment = 0;
		this.#endsLeft = END_PACKETS;
		this.#first = true;
		this.#schedule(0);
		return true;
	}

	/** True while packets remain to send. */
	get active(): boolean {
		return this.#active;
	}
	/** When the next packet is due: timestamp units after the event's start. */
	get nextDue(): number {
		return this.#due;
	}

	/** Stop at once (the call ended); no end packets follow. */
	cancel(): void {
		this.#active = false;
	}

	/** Due time after `from`: the next update, the end of the segment, or the end of the event, whichever is first. */
	#schedule(from: number): void {
		let due = from + this.interval;
		if (due > this.#segment + MAX_EVENT_DURATION) due = this.#segment + MAX_EVENT_DURATION;
		if (due > this.#total) due = this.#total;
		this.#due = due;
		this.#duration = due - this.#segment;
	}

	/** Write the next packet's payload (4 octets) at out[at]; returns 4, or 0 when the event is over. */
	next(out: Uint8Array, at: number): number {
		if (!this.#active) return 0;
		const end = this.#due >= this.#total;
		writeEvent(out, at, this.#event, end, this.volume, this.#duration);
		this.marker = this.#first;
		this.#first = false;
		this.timestamp = (this.#origin + this.#segment) >>> 0;
		this.end = end;
		if (end) {
			if (--this.#endsLeft === 0) this.#active = false;
			else this.#due += this.interval; // §2.5.1.4: the same final packet again, a packet interval later
		} else {
			if (this.#duration === MAX_EVENT_DURATION) this.#segment = this.#due; // §2.5.1.3: a new segment begins here
			this.#schedule(this.#due);
		}
		return EVENT_BYTES;
	}
}

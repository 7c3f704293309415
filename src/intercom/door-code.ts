// The door-code matcher: one stream of keyed digits (RFC 4733 events and SIP INFO alike) against the configured codes —
// a code ending in # is entered with that terminator, any other is matched at its length; an inter-digit timeout
// starts the entry over; wrong codes are counted in a window and lock codes out for a while, across calls.
// Preallocated: the entry is a byte buffer, the codes are byte arrays made once.
import type { TimerOwner, TimerWheel } from "../transaction/timer-wheel.js";
import { MAX_CODE_LENGTH, type DoorCodeConfig } from "./config.js";

/** What one digit did. */
export const CODE_PENDING = 0, CODE_OPEN = 1, CODE_WRONG = 2, CODE_LOCKED = 3, CODE_LOCKOUT_STARTED = 4;

/** What the matcher tells the station on its own (the lockout ended). */
export interface DoorCodeUser {
	onLockoutOver(): void;
}

const HASH = 0x23;
const T_INTER_DIGIT = 1, T_LOCKOUT = 2;

export class DoorCodeMatcher implements TimerOwner {
	readonly #config: DoorCodeConfig;
	readonly #codes: readonly Uint8Array[];
	readonly #maxLength: number;
	readonly #terminated: boolean;
	readonly #wheel: TimerWheel;
	readonly #user: DoorCodeUser;
	readonly #now: () => number;
	readonly #owner: number;
	readonly #entry = new Uint8Array(MAX_CODE_LENGTH);
	#length = 0;
	/** Times of the recent wrong codes (ms), a ring of maxWrong. */
	readonly #wrongAt: Float64Array;
	#wrongCount = 0;
	#wrongHead = 0;
	#interDigit = -1;
	#lockout = -1;
	#locked = false;
	/** The relay the last matched code opens. */
	relay = 0;
	/** Which wrong code of the window the last CODE_WRONG / CODE_LOCKOUT_STARTED was (1 .. maxWrong). */
	wrongNumber = 0;

	constructor(options: { config: DoorCodeConfig; wheel: TimerWheel; user: DoorCodeUser; now: () => number }) {
		const c = options.config;
		this.#config = c;
		this.#codes = c.codes.map((d) => Uint8Array.from(d.code, (ch) => ch.charCodeAt(0)));
		this.#maxLength = Math.max(0, ...c.codes.map((d) => d.code.length));
		this.#terminated = c.codes.some((d) => d.code.endsWith("#"));
		this.#wrongAt = new Float64Array(c.maxWrong);
		this.#wheel = options.wheel;
		this.#user = options.user;
		this.#now = options.now;
		this.#owner = options.wheel.register(this);
	}

	/** Codes are refused until the lockout ends. */
	get lockedOut(): boolean {
		return this.#locked;
	}

	/** Wrong codes counted in the current window. */
	get wrongCount(): number {
		this.#forgetOld();
		return this.#wrongCount;
	}

	get configured(): boolean {
		return this.#codes.length > 0;
	}

	/** Digits keyed so far (never their values: the entry is a secret in progress). */
	get entered(): number {
		return this.#length;
	}

	/** One keyed digit (ASCII: 0-9 * # A-D). Returns CODE_*; `relay` names the relay of an opened code. */
	digit(d: number): number {
		if (this.#codes.length === 0) return CODE_PENDING;
		this.#restartInterDigit();
		if (this.#locked) {
			// Still locked: a whole entry is refused (at its end), so keying on cannot probe the lock.
			if (d === HASH || this.#length + 1 >= this.#maxLength) {
				this.clear();
				return CODE_LOCKED;
			}
			this.#length++;
			return CODE_PENDING;
		}
		if (this.#length < MAX_CODE_LENGTH) this.#entry[this.#length++] = d;
		for (let i = 0; i < this.#codes.length; i++) {
			if (this.#matches(this.#codes[i])) {
				this.relay = this.#config.codes[i].relay;
				this.clear();
				return CODE_OPEN;
			}
		}
		// The entry ends as wrong at a terminator or at the longest code's length, never earlier: refusing at the first
		// digit no code starts with would tell a prober the code digit by digit.
		if ((d === HASH && this.#terminated) || this.#length >= this.#maxLength) {
			this.clear();
			return this.#wrong();
		}
		return CODE_PENDING;
	}

	/** Forget the entry (a call ended, the inter-digit time ran out). The wrong count and the lockout stay. */
	clear(): void {
		this.#length = 0;
		this.#entry.fill(0);
		if (this.#interDigit >= 0) this.#wheel.cancel(this.#interDigit);
		this.#interDigit = -1;
	}

	onTimer(kind: number): void {
		if (kind === T_INTER_DIGIT) {
			this.#interDigit = -1;
			this.clear();
		} else if (kind === T_LOCKOUT) {
			this.#lockout = -1;
			this.#locked = false;
			this.#wrongCount = 0;
			this.#user.onLockoutOver();
		}
	}

	stop(): void {
		this.clear();
		if (this.#lockout >= 0) this.#wheel.cancel(this.#lockout);
		this.#lockout = -1;
	}

	#matches(code: Uint8Array): boolean {
		if (code.length !== this.#length) return false;
		for (let i = 0; i < code.length; i++) if (code[i] !== this.#entry[i]) return false;
		return true;
	}

	#wrong(): number {
		this.#forgetOld();
		const c = this.#config;
		this.#wrongAt[(this.#wrongHead + this.#wrongCount) % c.maxWrong] = this.#now();
		this.#wrongCount++;
		this.wrongNumber = this.#wrongCount;
		if (this.#wrongCount < c.maxWrong || c.lockoutSeconds === 0) {
			if (this.#wrongCount >= c.maxWrong) this.#wrongCount = 0;
			return CODE_WRONG;
		}
		this.#locked = true;
		this.#lockout = this.#wheel.start(c.lockoutSeconds * 1000, this.#owner, T_LOCKOUT, 0);
		// A full wheel cannot end the lockout later: count it as a wrong code instead of locking forever.
		if (this.#lockout < 0) {
			this.#locked = false;
			this.#wrongCount = 0;
			return CODE_WRONG;
		}
		return CODE_LOCKOUT_STARTED;
	}

	/** Wrong codes older than the window no longer count. */
	#forgetOld(): void {
		const c = this.#config, oldest = this.#now() - c.wrongWindowSeconds * 1000;
		while (this.#wrongCount > 0 && this.#wrongAt[this.#wrongHead] < oldest) {
			this.#wrongHead = (this.#wrongHead + 1) % c.maxWrong;
			this.#wrongCount--;
		}
	}

	#restartInterDigit(): void {
		if (this.#interDigit >= 0) this.#wheel.cancel(this.#interDigit);
		this.#interDigit = this.#wheel.start(this.#config.interDigitMs, this.#owner, T_INTER_DIGIT, 0);
	}
}

// Scan and validate in one call: what a receiving transport does with each datagram (RFC 3261 §18.3, §8.2).
import type { Limits } from "./limits.js";
import { MessageView } from "./message-view.js";
import { Scanner } from "./scanner.js";
import { Validator } from "./validate.js";
import type { Verdict } from "./verdict.js";

/** One preallocated scanner, validator and view. `parse` returns 0 or the verdict's status; allocation-free. */
export class SipParser {
	readonly view: MessageView;
	readonly scanner: Scanner;
	readonly validator = new Validator();

	constructor(limits: Limits) {
		this.view = new MessageView(limits);
		this.scanner = new Scanner(limits);
	}

	get verdict(): Verdict {
		return this.scanner.verdict;
	}

	/** Frame buf[start, end) as one datagram (or a complete stream message) and check it. */
	parse(buf: Uint8Array, start: number, end: number, stream = false): number {
		const status = this.scanner.scan(buf, start, end, this.view, stream);
		if (status !== 0) return status;
		return this.validator.check(this.view, this.scanner.verdict);
	}
}

// Fixed sizes of the message layer — DESIGN.md §3: everything is sized once, at start.

/** The sizes every preallocated parser, view and writer is built with. A message beyond them is a verdict, never a growth. */
export interface Limits {
	/** Largest message (start line + headers + body) accepted or written, in bytes: larger is `513 Message Too Large`. */
	readonly maxMessageBytes: number;
	/** Most header field lines in one message: more is `400 Too Many Headers`. */
	readonly maxHeaders: number;
	/** Most comma-separated values in one header field line (Via, Contact, Allow ...). */
	readonly maxValuesPerHeader: number;
	/** Most header values (after comma splitting) in one message: the size of the view's table. */
	readonly maxHeaderValues: number;
}

/**
 * Defaults sized for a door station: RFC 3261 §18.1.1 keeps UDP requests under 1300 bytes, but PBXes send
 * responses with long Record-Route and Via stacks, and RFC 4475's longest valid message (34 Vias) must fit.
 */
export const DEFAULT_LIMITS: Limits = Object.freeze({
	maxMessageBytes: 8192,
	maxHeaders: 96,
	maxValuesPerHeader: 48,
	maxHeaderValues: 160,
});

/** `DEFAULT_LIMITS` with some sizes changed (configuration time only: allocates). */
export function limitsWith(changes: Partial<Limits>): Limits {
	return Object.freeze({ ...DEFAULT_LIMITS, ...changes });
}

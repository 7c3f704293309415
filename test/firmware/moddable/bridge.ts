// What the stand-ins of Moddable's modules share on XS (test/firmware): the device clock Node sets at every crank, the
// channel to Node (the harness's `query` and `report` globals) and the datagrams waiting for delivery. Runs on XS only.
declare const query: (value: unknown) => unknown;
declare const report: (value: unknown) => void;

/** Milliseconds since the harness started, set by Node at the start of every call into XS. */
export const clock = { now: 0 };

/** Ask Node (its answer is JSON). */
export function ask(value: object): unknown {
	return query(value);
}

/** Tell Node (no answer). */
export function tell(value: object): void {
	report(value);
}

/** A datagram for a local port, waiting for the end of the current call (a device delivers on a later turn). */
export interface Pending {
	readonly port: number;
	readonly bytes: readonly number[];
	readonly address: string;
	readonly from: number;
}

export const pending: Pending[] = [];

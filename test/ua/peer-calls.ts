// The called side's call flows as a peer drives them, shared by the UA tests: INVITE, ringing, answer, ACK, requests
// in the dialog, BYE — RFC 3261 §13.3, §12.2.1.1, §15.1.2.
import assert from "node:assert/strict";
import { peerSdp, type Msg, type PeerRequest, type UaHost } from "./ua-host.js";

/** The peer's INVITE with an offer (PCMU, PCMA, telephone-event 101). */
export function invite(host: UaHost, o: PeerRequest = {}): string {
	return host.request("INVITE", { body: peerSdp(), ...o });
}

/** The dialog as the peer sees it after the station's 1xx/2xx: the station's tag and Contact. */
export interface Dialog {
	toTag: string;
	target: string;
	cseq: number;
}

/** An INVITE arrives and the station rings (180). Returns the 180. */
export function ringing(host: UaHost, o: PeerRequest = {}): Msg {
	host.receive(invite(host, o));
	const r = host.last();
	assert.equal(r.status, 180, host.ladder.join("\n"));
	return r;
}

/** An INVITE arrives, it rings, the application answers: returns the station's 200, not yet ACKed. */
export function answered(host: UaHost, o: PeerRequest = {}): Msg {
	ringing(host, o);
	host.ua.answer(0);
	return host.last();
}

/**
 * The peer ACKs the station's 2xx (§13.2.2.4) with `o` (the INVITE's CSeq, extra headers, an answer): returns the
 * dialog as the peer sees it — the station's tag and Contact from the 2xx (§12.1.2).
 */
export function acked(host: UaHost, ok: Msg, o: PeerRequest = {}): Dialog {
	const d: Dialog = { toTag: ok.tag("To"), target: uriOf(ok.header("Contact")), cseq: o.cseq ?? 1 };
	host.receive(host.request("ACK", { uri: d.target, toTag: d.toTag, ...o }));
	return d;
}

/** An INVITE arrives, the application answers, the peer ACKs: the call is up. */
export function established(host: UaHost, o: PeerRequest = {}): Dialog {
	const r180 = ringing(host, o);
	assert.ok(host.ua.answer(0));
	const ok = host.last();
	assert.equal(ok.status, 200);
	assert.equal(ok.tag("To"), r180.tag("To"));
	return acked(host, ok, { cseq: o.cseq, callId: o.callId, fromTag: o.fromTag });
}

/** A request of the peer inside the dialog (next CSeq). */
export function inDialog(host: UaHost, d: Dialog, method: string, o: PeerRequest = {}): string {
	if (method !== "ACK" && method !== "CANCEL") d.cseq++;
	return host.request(method, { uri: d.target, toTag: d.toTag, cseq: d.cseq, ...o });
}

export function uriOf(nameAddr: string): string {
	const m = /<([^>]*)>/.exec(nameAddr);
	return m === null ? nameAddr.split(";")[0] : m[1];
}

/** The peer hangs up and the station confirms (§15.1.2). */
export function peerHangsUp(host: UaHost, d: Dialog): void {
	host.receive(inDialog(host, d, "BYE"));
	const ok = host.last();
	assert.equal(ok.status, 200);
	assert.equal(ok.cseqMethod, "BYE");
}

// Transaction-layer vectors: a call flow on the virtual host in, its timeline out — RFC 3261 §17, §18, §9, §8.2;
// RFC 6026; RFC 3581; RFC 5626 §4.4.1. Host-free (src/, test/transaction/virtual-host.ts and test/virtual-clock.ts
// only; no node:, no assert), so the same vectors run on Node and on the XS engine (test/xs/transaction-vectors.test.ts).
//
// A timeline line is `<ms> <UDP|TCP> <method | status | ping | pong>` for what the station sent and `<ms> <event>` for
// what its TUs heard; handles are named a, b, c … in order of appearance, and lines of one millisecond are sorted (the
// RFC orders nothing within an instant). The last line is what is left after ten more minutes: `active=0 timers=0`.
import { M_INVITE, M_OPTIONS } from "../../src/sip/methods.js";
import { TCP } from "../../src/transaction/transaction-table.js";
import { VirtualHost, headerOf, inbound, responseTo, type VirtualHostOptions } from "../transaction/virtual-host.js";

export interface TransactionVector {
	/** The rule, with its section. */
	name: string;
	/** Runs the call flow; returns its trace. */
	run(): string[];
	expect: string[];
}

const DRAINED = "active=0 timers=0";
/** A request over TCP to be cut at every byte; its branch ends in four digits made unique per cut. */
const CUT_TEMPLATE = inbound("OPTIONS", { transport: "TCP", branch: "z9hG4bKcut0000" });
const CUT_COUNT = CUT_TEMPLATE.length - 1;

/** `times` as timeline lines of one kind of sent message ("UDP OPTIONS" …). */
function sends(what: string, times: number[]): string[] {
	return times.map((t) => `${t} ${what}`);
}

/** The host's timeline with handles named and each millisecond's lines sorted, then what is left after ten minutes. */
function trace(host: VirtualHost, ...notes: string[]): string[] {
	const settled = host.settle();
	const names: string[] = [];
	const label = (n: string): string => {
		if (n === "-1") return n;
		let i = names.indexOf(n);
		if (i < 0) i = names.push(n) - 1;
		return "abcdefghijklmnopqrstuvwxyz"[i];
	};
	const lines = host.timeline.map((line) => line.replace(/(tx|invite|cancel)=(-?\d+)/g, (_m, key: string, n: string) => `${key}=${label(n)}`));
	const ms = (line: string): number => Number(line.slice(0, line.indexOf(" ")));
	lines.sort((x, y) => ms(x) - ms(y) || (x < y ? -1 : x > y ? 1 : 0));
	return [...lines, ...notes, settled];
}

function host(options?: VirtualHostOptions): VirtualHost {
	return new VirtualHost(options);
}

/** The peer answers the first request the station sent with the same start line as `startLine`. */
function reply(h: VirtualHost, method: string, status: number, reason: string): void {
	const request = h.sent.find((s) => s.text.startsWith(method + " "))!;
	const wire = responseTo(request.text, status, reason);
	if (request.stream !== undefined) request.stream.receive(wire);
	else h.receive(wire);
}

export const TRANSACTION_VECTORS: readonly TransactionVector[] = Object.freeze([
	// ---- §17.1.2 client non-INVITE ----
	{
		name: "non-INVITE over UDP: Timer E 500, 1000, 2000, 4000, then T2; Timer F at 64·T1 (RFC 3261 §17.1.2.2)",
		run() {
			const h = host();
			h.sendRequest(M_OPTIONS, "OPTIONS");
			return trace(h);
		},
		expect: [...sends("UDP OPTIONS", [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]), "32000 timeout tx=a", DRAINED],
	},
	{
		name: "non-INVITE Proceeding: a 1xx is passed up, retransmissions every T2 (RFC 3261 §17.1.2.2)",
		run() {
			const h = host();
			h.sendRequest(M_OPTIONS, "OPTIONS");
			h.advance(600);
			reply(h, "OPTIONS", 100, "Trying");
			h.advance(10_000);
			reply(h, "OPTIONS", 200, "OK");
			return trace(h);
		},
		expect: [
			...sends("UDP OPTIONS", [0, 500]), "600 response 100 tx=a", ...sends("UDP OPTIONS", [1500, 5500, 9500]),
			"10600 response 200 tx=a", DRAINED,
		],
	},
	{
		name: "non-INVITE Completed: the final response passed up once, copies absorbed until Timer K = T4 (RFC 3261 §17.1.2.2)",
		run() {
			const h = host();
			h.sendRequest(M_OPTIONS, "OPTIONS");
			h.advance(700);
			reply(h, "OPTIONS", 200, "OK");
			h.advance(4999);
			reply(h, "OPTIONS", 200, "OK");
			h.advance(1);
			reply(h, "OPTIONS", 200, "OK");
			return trace(h);
		},
		expect: [...sends("UDP OPTIONS", [0, 500]), "700 response 200 tx=a", "5700 stray 200", DRAINED],
	},
	{
		name: "non-INVITE over TCP: no Timer E, Timer F still at 32 s (RFC 3261 §17.1.2.2)",
		run() {
			const h = host();
			h.sendRequest(M_OPTIONS, "OPTIONS", { transport: TCP });
			return trace(h);
		},
		expect: ["0 TCP OPTIONS", "32000 timeout tx=a", DRAINED],
	},
	{
		name: "T1 = 100 ms, T2 = 1 s: Timer E 100, 200, 400, 800, then 1 s; Timer F at 6.4 s (RFC 3261 §17.1.1.1, Table 4)",
		run() {
			const h = host({ config: { t1: 100, t2: 1000 } });
			h.sendRequest(M_OPTIONS, "OPTIONS");
			return trace(h);
		},
		expect: [...sends("UDP OPTIONS", [0, 100, 300, 700, 1500, 2500, 3500, 4500, 5500]), "6400 timeout tx=a", DRAINED],
	},
	{
		name: "a retransmission the transport refuses ends the transaction: onTransportError (RFC 3261 §17.1.4)",
		run() {
			const h = host();
			h.sendRequest(M_OPTIONS, "OPTIONS");
			h.udpUp = false;
			return trace(h);
		},
		expect: ["0 UDP OPTIONS", "500 transport-error tx=a", DRAINED],
	},

	// ---- §17.1.1 client INVITE ----
	{
		name: "INVITE over UDP: Timer A doubles without a cap, Timer B at 64·T1 (RFC 3261 §17.1.1.2)",
		run() {
			const h = host();
			h.sendRequest(M_INVITE, "INVITE");
			return trace(h);
		},
		expect: [...sends("UDP INVITE", [0, 500, 1500, 3500, 7500, 15500, 31500]), "32000 timeout tx=a", DRAINED],
	},
	{
		name: "INVITE: a 1xx stops Timer A; a 486 is ACKed by the transaction, each copy ACKed again, none passed up; Timer D 32 s (RFC 3261 §17.1.1.2, §17.1.1.3)",
		run() {
			const h = host();
			h.sendRequest(M_INVITE, "INVITE");
			h.advance(600);
			reply(h, "INVITE", 180, "Ringing");
			h.advance(1400);
			reply(h, "INVITE", 486, "Busy Here");
			h.advance(500);
			reply(h, "INVITE", 486, "Busy Here");
			h.advance(31_500);
			reply(h, "INVITE", 486, "Busy Here");
			return trace(h);
		},
		expect: [
			...sends("UDP INVITE", [0, 500]), "600 response 180 tx=a", "2000 UDP ACK", "2000 response 486 tx=a", "2500 UDP ACK",
			"34000 stray 486", DRAINED,
		],
	},
	{
		name: "INVITE over TCP: no Timer A; Timer D = 0, the slot is free once the ACK is out (RFC 3261 §17.1.1.2)",
		run() {
			const h = host();
			h.sendRequest(M_INVITE, "INVITE", { transport: TCP });
			h.advance(3000);
			reply(h, "INVITE", 603, "Decline");
			return trace(h, `after the 603: active=${h.layer.active}`);
		},
		expect: ["0 TCP INVITE", "3000 TCP ACK", "3000 response 603 tx=a", "after the 603: active=0", DRAINED],
	},
	{
		name: "INVITE 2xx: Accepted, every 2xx passed up, no ACK from the transaction, Timer M = 64·T1 (RFC 6026 §7.2, §8.4)",
		run() {
			const h = host();
			h.sendRequest(M_INVITE, "INVITE");
			h.advance(100);
			reply(h, "INVITE", 200, "OK");
			h.advance(500);
			reply(h, "INVITE", 200, "OK");
			h.advance(31_500);
			reply(h, "INVITE", 200, "OK");
			return trace(h);
		},
		expect: ["0 UDP INVITE", "100 response 200 tx=a", "600 response 200 tx=a", "32100 stray 200", DRAINED],
	},
	{
		name: "CANCEL before any 1xx waits; it goes out with the 1xx; its 200 reaches the CANCEL's handle (RFC 3261 §9.1)",
		run() {
			const h = host();
			const invite = h.sendRequest(M_INVITE, "INVITE");
			h.advance(100);
			const early = h.layer.cancel(invite);
			h.advance(1900);
			reply(h, "INVITE", 180, "Ringing");
			h.advance(100);
			reply(h, "CANCEL", 200, "OK");
			h.advance(100);
			reply(h, "INVITE", 487, "Request Terminated");
			return trace(h, `cancel() before the 1xx: ${early}`, `cancel() after the 487: ${h.layer.cancel(invite)}`);
		},
		expect: [
			...sends("UDP INVITE", [0, 500, 1500]), "2000 UDP CANCEL", "2000 response 180 tx=a", "2100 response 200 tx=b",
			"2200 UDP ACK", "2200 response 487 tx=a", "cancel() before the 1xx: 0", "cancel() after the 487: -1", DRAINED,
		],
	},

	// ---- §17.2.2 server non-INVITE ----
	{
		name: "server non-INVITE: passed up once, copies absorbed in Trying, answered from the stored final, Timer J 64·T1 (RFC 3261 §17.2.2)",
		run() {
			const h = host();
			h.receive(inbound("OPTIONS"));
			h.advance(300);
			h.receive(inbound("OPTIONS"));
			h.advance(700);
			h.answer(h.serverTxs[0], 200, "OK");
			h.advance(500);
			h.receive(inbound("OPTIONS"));
			h.advance(31_500);
			h.receive(inbound("OPTIONS"));
			h.answer(h.serverTxs[1], 200, "OK");
			return trace(h);
		},
		expect: ["0 request OPTIONS tx=a", "1000 UDP 200", "1500 UDP 200", "33000 UDP 200", "33000 request OPTIONS tx=b", DRAINED],
	},
	{
		name: "server non-INVITE over TCP: the response on the request's connection, Timer J = 0 (RFC 3261 §17.2.2, §18.2.2)",
		run() {
			const h = host();
			const stream = h.accept()!;
			stream.receive(inbound("OPTIONS", { transport: "TCP" }));
			h.answer(h.serverTxs[0], 200, "OK");
			return trace(h, `same connection: ${h.sent[0].stream === stream}`, `after the 200: active=${h.layer.active}`);
		},
		expect: ["0 TCP 200", "0 request OPTIONS tx=a", "same connection: true", "after the 200: active=0", DRAINED],
	},
	{
		name: "responses go to received/rport (RFC 3581 §4) or to the sent-by port (RFC 3261 §18.2.2); To tag added once (§8.2.6.2)",
		run() {
			const h = host();
			h.receive(inbound("OPTIONS", { sentBy: "10.0.0.5:5060", branch: "z9hG4bKa" }), "198.51.100.7", 40123);
			h.receive(inbound("OPTIONS", { sentBy: "10.0.0.5:5070", branch: "z9hG4bKb", rport: false, callId: "b@10.0.0.5" }), "198.51.100.7", 40123);
			h.answer(h.serverTxs[0], 200, "OK");
			h.answer(h.serverTxs[1], 200, "OK");
			const notes = h.sent.map((s) => `${s.address}:${s.port} Via: ${headerOf(s.text, "Via")} To: ${headerOf(s.text, "To")}`);
			return trace(h, ...notes);
		},
		expect: [
			"0 UDP 200", "0 UDP 200", "0 request OPTIONS tx=a", "0 request OPTIONS tx=b",
			"198.51.100.7:40123 Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKa;rport=40123;received=198.51.100.7 To: <sip:door@192.0.2.10>;tag=st4t",
			"198.51.100.7:5070 Via: SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bKb;received=198.51.100.7 To: <sip:door@192.0.2.10>;tag=st4t",
			DRAINED,
		],
	},

	// ---- §17.2.1 server INVITE ----
	{
		name: "server INVITE: 100 Trying at 200 ms; a 486 on Timer G 500, 1000, 2000, 4000, 4000 …; Timer H → onAckTimeout (RFC 3261 §17.2.1)",
		run() {
			const h = host();
			h.receive(inbound("INVITE"));
			h.advance(1000);
			h.answer(h.serverTxs[0], 486, "Busy Here");
			return trace(h);
		},
		expect: [
			"0 request INVITE tx=a", "200 UDP 100",
			...sends("UDP 486", [1000, 1500, 2500, 4500, 8500, 12500, 16500, 20500, 24500, 28500, 32500]), "33000 ack-timeout tx=a", DRAINED,
		],
	},
	{
		name: "server INVITE: no 100 when the TU answers within 200 ms; the ACK → Confirmed, Timer I = T4 absorbs (RFC 3261 §17.2.1)",
		run() {
			const h = host();
			h.receive(inbound("INVITE"));
			h.advance(150);
			h.answer(h.serverTxs[0], 486, "Busy Here");
			h.advance(1850);
			h.receive(inbound("ACK", { toTag: "st4t" }));
			h.advance(1000);
			h.receive(inbound("ACK", { toTag: "st4t" }));
			h.advance(4000);
			h.receive(inbound("ACK", { toTag: "st4t" }));
			return trace(h);
		},
		expect: ["0 request INVITE tx=a", ...sends("UDP 486", [150, 650, 1650]), "7000 ack invite=-1", DRAINED],
	},
	{
		name: "server INVITE 2xx: Accepted, the 2xx retransmitted T1 doubling to T2 until the ACK; Timer L (RFC 6026 §7.1, RFC 3261 §13.3.1.4)",
		run() {
			const h = host();
			h.receive(inbound("INVITE"));
			h.advance(100);
			h.answer(h.serverTxs[0], 180, "Ringing");
			h.advance(900);
			h.answer(h.serverTxs[0], 200, "OK");
			h.advance(8000);
			h.receive(inbound("ACK", { branch: "z9hG4bKack", toTag: "st4t" }));
			h.advance(24_000);
			h.receive(inbound("ACK", { branch: "z9hG4bKack", toTag: "st4t" }));
			return trace(h);
		},
		expect: [
			"0 request INVITE tx=a", "100 UDP 180", ...sends("UDP 200", [1000, 1500, 2500, 4500, 8500]), "9000 ack invite=a",
			"33000 ack invite=-1", DRAINED,
		],
	},
	{
		name: "server INVITE 2xx over TCP: retransmitted anyway; no ACK → onAckTimeout at Timer L (RFC 3261 §13.3.1.4, RFC 6026 §7.1)",
		run() {
			const h = host();
			h.accept()!.receive(inbound("INVITE", { transport: "TCP" }));
			h.answer(h.serverTxs[0], 200, "OK");
			return trace(h);
		},
		expect: [
			"0 TCP 200", "0 request INVITE tx=a", ...sends("TCP 200", [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]),
			"32000 ack-timeout tx=a", DRAINED,
		],
	},
	{
		name: "CANCEL at the server: onCancel(inviteTx, cancelTx); a CANCEL matching nothing is a request; an ACK matching nothing is onAck(-1) (RFC 3261 §9.2)",
		run() {
			const h = host();
			h.receive(inbound("INVITE"));
			h.answer(h.serverTxs[0], 180, "Ringing");
			h.advance(1000);
			h.receive(inbound("CANCEL"));
			const cancelTx = Number(/cancel=(\d+)/.exec(h.heard[h.heard.length - 1])![1]);
			h.answer(cancelTx, 200, "OK");
			h.answer(h.serverTxs[0], 487, "Request Terminated");
			h.advance(100);
			h.receive(inbound("ACK", { toTag: "st4t" }));
			h.receive(inbound("CANCEL", { branch: "z9hG4bKnone", callId: "none@192.0.2.20" }));
			h.answer(h.serverTxs[1], 481, "Call/Transaction Does Not Exist");
			h.receive(inbound("ACK", { branch: "z9hG4bKnone", callId: "none@192.0.2.20", toTag: "x" }));
			return trace(h);
		},
		expect: [
			"0 UDP 180", "0 request INVITE tx=a", "1000 UDP 200", "1000 UDP 487", "1000 cancel invite=a cancel=b",
			"1100 UDP 481", "1100 ack invite=-1", "1100 request CANCEL tx=c", DRAINED,
		],
	},

	// ---- §17.1.3, §17.2.3, §8.2.2.2 matching ----
	{
		name: "responses match by branch and CSeq method: another branch is stray, CSeq CANCEL goes to the CANCEL (RFC 3261 §17.1.3)",
		run() {
			const h = host();
			const invite = h.sendRequest(M_INVITE, "INVITE");
			reply(h, "INVITE", 180, "Ringing");
			h.layer.cancel(invite);
			const text = h.sent[0].text;
			h.receive(responseTo(text, 200, "OK").replace(/branch=[^;\r]+/, "branch=z9hG4bKelse"));
			reply(h, "CANCEL", 200, "OK");
			reply(h, "INVITE", 487, "Request Terminated");
			return trace(h);
		},
		expect: ["0 UDP ACK", "0 UDP CANCEL", "0 UDP INVITE", "0 response 180 tx=a", "0 response 200 tx=b", "0 response 487 tx=a", "0 stray 200", DRAINED],
	},
	{
		name: "RFC 2543 fallback: without the cookie a copy is absorbed, the ACK matches its INVITE, other requests stay apart (RFC 3261 §17.2.3)",
		run() {
			const h = host();
			h.receive(inbound("INVITE", { branch: "1a2b3c" }));
			h.answer(h.serverTxs[0], 486, "Busy Here");
			h.advance(100);
			h.receive(inbound("INVITE", { branch: "1a2b3c" }));
			h.advance(100);
			h.receive(inbound("ACK", { branch: "1a2b3c", toTag: "st4t" }));
			h.advance(100);
			h.receive(inbound("INVITE", { branch: "1a2b3c", callId: "other@192.0.2.20" }));
			h.receive(inbound("OPTIONS", { branch: "z9hG4bK" }));
			h.receive(inbound("OPTIONS", { branch: "z9hG4bK" }));
			h.answer(h.serverTxs[1], 603, "Decline");
			h.answer(h.serverTxs[2], 200, "OK");
			h.receive(inbound("ACK", { branch: "1a2b3c", callId: "other@192.0.2.20", toTag: "st4t" }));
			return trace(h);
		},
		expect: [
			"0 UDP 486", "0 request INVITE tx=a", "100 UDP 486", "300 UDP 200", "300 UDP 603", "300 request INVITE tx=b",
			"300 request OPTIONS tx=c", DRAINED,
		],
	},
	{
		name: "merged requests: same From tag, Call-ID, CSeq, no To tag, another branch → isMerged (RFC 3261 §8.2.2.2)",
		run() {
			const h = host();
			h.receive(inbound("INVITE", { branch: "z9hG4bKpath1" }));
			h.receive(inbound("INVITE", { branch: "z9hG4bKpath2" }));
			const merged = h.serverTxs.map((tx) => h.layer.isMerged(tx)).join(",");
			h.answer(h.serverTxs[1], 482, "Loop Detected");
			h.answer(h.serverTxs[0], 486, "Busy Here");
			h.receive(inbound("ACK", { branch: "z9hG4bKpath1", toTag: "st4t" }));
			h.receive(inbound("ACK", { branch: "z9hG4bKpath2", toTag: "st4t" }));
			return trace(h, `merged: ${merged}`);
		},
		expect: ["0 UDP 482", "0 UDP 486", "0 request INVITE tx=a", "0 request INVITE tx=b", "merged: false,true", DRAINED],
	},
	{
		name: "a full pool answers a stranger 503 + Retry-After; the station's own request takes the slot of a stranger's unanswered one (503 to it); a pool held by its own refuses (-1); nothing leaks (DESIGN.md §3, RFC 3261 §21.5.4)",
		run() {
			const h = host({ config: { maxTransactions: 1 } });
			h.receive(inbound("OPTIONS"));
			h.receive(inbound("OPTIONS", { branch: "z9hG4bKmore", callId: "more@192.0.2.20" }));
			const own = h.sendRequest(M_OPTIONS, "OPTIONS");
			const retryAfter = h.sent.filter((m) => m.text.startsWith("SIP/2.0 503")).map((m) => headerOf(m.text, "Retry-After")).join(" ");
			const late = h.answer(h.serverTxs[0], 200, "OK");
			const second = h.sendRequest(M_OPTIONS, "OPTIONS");
			return trace(h, `own request sent: ${own >= 0}`, `the given-up request answered later: ${late}`, `a second own request: ${second}`, `Retry-After: ${retryAfter}`);
		},
		expect: [
			"0 UDP 503", "0 UDP 503", "0 UDP OPTIONS", "0 request OPTIONS tx=a", "0 server-transport-error tx=a",
			...sends("UDP OPTIONS", [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]), "32000 timeout tx=b",
			"own request sent: true", "the given-up request answered later: false", "a second own request: -1", "Retry-After: 5 5", DRAINED,
		],
	},

	// ---- §18 transport ----
	{
		name: "a UDP request over 1300 bytes goes over TCP with its Via saying TCP (RFC 3261 §18.1.1)",
		run() {
			const sizes: string[] = [];
			for (let body = 990; body <= 1040; body++) {
				const h = host();
				h.sendRequest(M_OPTIONS, "OPTIONS", { extra: "Content-Type: text/plain\r\n", body: "x".repeat(body) });
				const s = h.sent[0];
				if (s.text.length >= 1299 && s.text.length <= 1302) sizes.push(`${s.text.length} ${s.transport} Via ${headerOf(s.text, "Via").slice(8, 11)}`);
			}
			return sizes;
		},
		expect: ["1299 UDP Via UDP", "1300 UDP Via UDP", "1301 TCP Via TCP", "1302 TCP Via TCP"],
	},
	{
		name: "responses whose top Via is not the station's are dropped; malformed responses too; CRLFCRLF is ignored (RFC 3261 §18.1.2)",
		run() {
			const h = host();
			h.sendRequest(M_OPTIONS, "OPTIONS");
			const ok = responseTo(h.sent[0].text, 200, "OK");
			h.advance(100);
			h.receive(ok.replace("192.0.2.10:5070", "192.0.2.99:5070"));
			h.receive(ok.replace(/Call-ID: [^\r]*\r\n/, ""));
			h.receive("\r\n\r\n");
			h.advance(100);
			h.receive(ok);
			return trace(h);
		},
		expect: ["0 UDP OPTIONS", "200 response 200 tx=a", DRAINED],
	},
	{
		name: "a malformed request gets a stateless 400 naming the fault, to received/rport, with a To tag (RFC 3261 §8.2, §18.2.2, §8.2.7)",
		run() {
			const h = host();
			h.receive(inbound("OPTIONS", { sentBy: "10.0.0.5:5060", cseqMethod: "INFO" }), "198.51.100.7", 40123);
			const s = h.sent[0];
			return trace(h, s.text.slice(0, s.text.indexOf("\r\n")), `${s.address}:${s.port} Via: ${headerOf(s.text, "Via")}`,
				`tagged: ${/;tag=[0-9a-f]{8}$/.test(headerOf(s.text, "To"))}`);
		},
		expect: [
			"0 UDP 400", "SIP/2.0 400 Bad CSeq: method INFO != OPTIONS",
			"198.51.100.7:40123 Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKpeer1;rport=40123;received=198.51.100.7", "tagged: true", DRAINED,
		],
	},
	{
		name: "TCP framing: a request cut at every byte is passed up once per cut (RFC 3261 §18.3)",
		run() {
			const h = host();
			const stream = h.accept()!;
			let cuts = 0;
			for (let at = 1; at < CUT_TEMPLATE.length; at++) {
				const wire = CUT_TEMPLATE.replace("0000", String(10_000 + at).slice(1));
				stream.receive(wire.slice(0, at));
				stream.receive(wire.slice(at));
				h.answer(h.serverTxs[h.serverTxs.length - 1], 200, "OK");
				cuts++;
			}
			return [`cuts=${cuts} requests=${h.serverTxs.length} responses=${h.sent.length} open=${!stream.closed}`, h.settle()];
		},
		expect: [`cuts=${CUT_COUNT} requests=${CUT_COUNT} responses=${CUT_COUNT} open=true`, DRAINED],
	},
	{
		name: "TCP: one connection per destination; a peer closing it ends the client transactions on it, a server transaction answers over a new one (RFC 3261 §18.1.1, §17.1.4, §18.2.2)",
		run() {
			const h = host();
			h.sendRequest(M_OPTIONS, "OPTIONS", { transport: TCP });
			h.sendRequest(M_INVITE, "INVITE", { transport: TCP });
			const streams = h.streams.length;
			h.advance(1000);
			h.streams[0].peerClose();
			const inbound1 = h.accept()!;
			inbound1.receive(inbound("INVITE", { transport: "TCP" }));
			h.advance(1000);
			inbound1.peerClose();
			h.answer(h.serverTxs[0], 486, "Busy Here");
			const reopened = h.streams[h.streams.length - 1];
			return trace(h, `connections: ${streams}`, `reopened to ${reopened.address}:${reopened.port}`);
		},
		expect: [
			"0 TCP INVITE", "0 TCP OPTIONS", "1000 request INVITE tx=c", "1000 transport-error tx=a", "1000 transport-error tx=b",
			"1200 TCP 100", "2000 TCP 486", "34000 ack-timeout tx=c", "connections: 1", "reopened to 192.0.2.20:5060", DRAINED,
		],
	},
	{
		name: "CRLF keep-alive on TCP: a ping is answered with a pong; with streamKeepalive no pong in 10 s closes the connection (RFC 5626 §3.5.1, §4.4.1)",
		run() {
			const h = host({ streamKeepalive: 30_000, messageTimeout: 60_000 });
			const stream = h.accept()!;
			stream.receive("\r\n\r\n");
			h.advance(25_000);
			stream.receive(inbound("INVITE", { transport: "TCP" }));
			h.answer(h.serverTxs[0], 180, "Ringing");
			h.advance(15_000); // the ping at 30 s goes unanswered: closed at 40 s
			const closed = stream.closed;
			h.answer(h.serverTxs[0], 486, "Busy Here"); // §18.2.2: over a new connection
			return trace(h, `closed: ${closed}`);
		},
		expect: ["0 TCP pong", "25000 TCP 180", "25000 request INVITE tx=a", "30000 TCP ping", "40000 TCP 486", "72000 ack-timeout tx=a", "closed: true", DRAINED],
	},
]);

export const TRANSACTION_VECTOR_COUNT = TRANSACTION_VECTORS.length;

/** Run every vector; a failure names the vector and the first line that differs. Never throws. */
export function runTransactionVectors(): { passed: number; failures: string[] } {
	let passed = 0;
	const failures: string[] = [];
	for (let i = 0; i < TRANSACTION_VECTORS.length; i++) {
		const v = TRANSACTION_VECTORS[i];
		let got: string[];
		try {
			got = v.run();
		} catch (e) {
			failures.push(`${v.name}: threw ${e instanceof Error ? e.message : String(e)}`);
			continue;
		}
		const n = Math.max(got.length, v.expect.length);
		let diff = -1;
		for (let k = 0; k < n && diff < 0; k++) if (got[k] !== v.expect[k]) diff = k;
		if (diff < 0) passed++;
		else failures.push(`${v.name}: line ${diff + 1}: got ${JSON.stringify(got[diff])}, expected ${JSON.stringify(v.expect[diff])}`);
	}
	return { passed, failures };
}

/** Every vector's trace, for comparing engines line by line. */
export function transactionVectorTraces(): string[][] {
	return TRANSACTION_VECTORS.map((v) => {
		try {
			return v.run();
		} catch (e) {
			return [`threw ${e instanceof Error ? e.message : String(e)}`];
		}
	});
}

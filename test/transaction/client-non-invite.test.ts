// Client non-INVITE transaction — RFC 3261 §17.1.2 (Figure 6), state by state, on a virtual clock.
import assert from "node:assert/strict";
import { M_OPTIONS, M_REGISTER } from "../../src/sip/methods.js";
import { COMPLETED, FREE, PROCEEDING, TCP, TRYING } from "../../src/transaction/transaction-table.js";
import { VirtualHost, responseTo } from "./virtual-host.js";

const OPTIONS = "OPTIONS sip:bob@192.0.2.20 SIP/2.0\r\n";

/** The station sends one OPTIONS at time 0 over UDP; returns its transaction. */
function optionsAtZero(host: VirtualHost): number {
	const tx = host.sendRequest(M_OPTIONS, "OPTIONS");
	assert.ok(tx >= 0);
	return tx;
}

/** The peer answers the request the station sent first. */
function answer(host: VirtualHost, status: number, reason: string): void {
	host.receive(responseTo(host.sent[0].text, status, reason));
}

describe("§17.1.2.2 Client non-INVITE transaction: Trying", () => {
	it("sends the request at once and retransmits it over UDP at 500, 1500, 3500, 7500 ms (Timer E doubles from T1) (§17.1.2.2)", () => {
		const host = new VirtualHost();
		optionsAtZero(host);
		host.advance(8000);
		assert.deepEqual(host.sentTimes(OPTIONS), [0, 500, 1500, 3500, 7500]);
	});

	it("caps Timer E at T2 = 4 s: 11500, 15500 ... 31500 ms, eleven sends before Timer F (§17.1.2.2)", () => {
		const host = new VirtualHost();
		optionsAtZero(host);
		host.advance(31_999);
		assert.deepEqual(host.sentTimes(OPTIONS), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
	});

	it("retransmits the very bytes it sent first, to the same place (§17.1.2.2)", () => {
		const host = new VirtualHost();
		optionsAtZero(host);
		host.advance(8000);
		const first = host.sent[0];
		assert.equal(host.sent.length, 5);
		for (const s of host.sent) assert.deepEqual([s.text, s.transport, s.address, s.port], [first.text, "UDP", "192.0.2.20", 5060]);
	});

	it("Timer F fires at 64·T1 = 32 s: the TU hears a timeout once and the slot is freed (§17.1.2.2)", () => {
		const host = new VirtualHost();
		const tx = optionsAtZero(host);
		host.advance(31_999);
		assert.equal(host.layer.stateOf(tx), TRYING);
		assert.deepEqual(host.heard, []);
		host.advance(1);
		assert.deepEqual(host.heard, [`timeout tx=${tx}`]);
		assert.equal(host.layer.stateOf(tx), FREE);
		assert.equal(host.layer.active, 0);
		assert.equal(host.wheel.size, 0, "Timer E does not outlive its transaction");
		host.advance(60_000);
		assert.deepEqual(host.heard, [`timeout tx=${tx}`], "reported once");
		assert.equal(host.sent.length, 11, "nothing sent after Timer F");
	});

	it("passes a provisional response up and moves to Proceeding (§17.1.2.2)", () => {
		const host = new VirtualHost();
		const tx = optionsAtZero(host);
		host.advance(600);
		answer(host, 100, "Trying");
		assert.deepEqual(host.heard, [`response 100 tx=${tx}`]);
		assert.equal(host.layer.stateOf(tx), PROCEEDING);
		answer(host, 200, "OK");
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("a final response in Trying stops retransmission and is passed up once (§17.1.2.2)", () => {
		const host = new VirtualHost();
		const tx = optionsAtZero(host);
		host.advance(700);
		answer(host, 200, "OK");
		assert.deepEqual(host.heard, [`response 200 tx=${tx}`]);
		assert.equal(host.layer.stateOf(tx), COMPLETED);
		host.advance(40_000);
		assert.deepEqual(host.sentTimes(OPTIONS), [0, 500]);
		assert.deepEqual(host.heard, [`response 200 tx=${tx}`], "no timeout after the final response");
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("§17.1.2.2 Client non-INVITE transaction: Proceeding", () => {
	it("retransmits every T2 once a provisional response came: 0, 500, 1500, then 5500, 9500 ... (§17.1.2.2)", () => {
		const host = new VirtualHost();
		optionsAtZero(host);
		host.advance(600); // Timer E is running for 1000 ms (due at 1500)
		answer(host, 180, "Ringing");
		host.advance(31_399);
		assert.deepEqual(host.sentTimes(OPTIONS), [0, 500, 1500, 5500, 9500, 13500, 17500, 21500, 25500, 29500]);
	});

	it("passes every further provisional response up (§17.1.2.2)", () => {
		const host = new VirtualHost();
		const tx = optionsAtZero(host);
		answer(host, 100, "Trying");
		answer(host, 183, "Progress");
		assert.deepEqual(host.heard, [`response 100 tx=${tx}`, `response 183 tx=${tx}`]);
		answer(host, 200, "OK");
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("Timer F runs in Proceeding too: timeout at 32 s (§17.1.2.2)", () => {
		const host = new VirtualHost();
		const tx = optionsAtZero(host);
		host.advance(100);
		answer(host, 100, "Trying");
		host.advance(31_899);
		assert.equal(host.layer.stateOf(tx), PROCEEDING);
		host.advance(1);
		assert.deepEqual(host.heard, [`response 100 tx=${tx}`, `timeout tx=${tx}`]);
		assert.equal(host.layer.active, 0);
		assert.equal(host.wheel.size, 0);
	});

	it("a final response in Proceeding moves to Completed and is passed up (§17.1.2.2)", () => {
		const host = new VirtualHost();
		const tx = optionsAtZero(host);
		answer(host, 100, "Trying");
		host.advance(3000);
		answer(host, 404, "Not Found");
		assert.deepEqual(host.heard, [`response 100 tx=${tx}`, `response 404 tx=${tx}`]);
		assert.equal(host.layer.stateOf(tx), COMPLETED);
		host.advance(20_000);
		assert.deepEqual(host.sentTimes(OPTIONS), [0, 500], "Timer E (next due at 4500) stopped by the final response");
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("§17.1.2.2 Client non-INVITE transaction: Completed", () => {
	it("absorbs retransmitted final responses while Timer K (T4 = 5 s) runs, then frees the slot (§17.1.2.2)", () => {
		const host = new VirtualHost();
		const tx = optionsAtZero(host);
		host.advance(700);
		answer(host, 200, "OK");
		host.advance(1000);
		answer(host, 200, "OK");
		host.advance(3000);
		answer(host, 200, "OK");
		assert.deepEqual(host.heard, [`response 200 tx=${tx}`], "the final response is passed up once");
		host.advance(999); // 5699 ms: Timer K (700 + 5000) not yet
		assert.equal(host.layer.stateOf(tx), COMPLETED);
		host.advance(1);
		assert.equal(host.layer.stateOf(tx), FREE);
		assert.equal(host.layer.active, 0);
		assert.equal(host.wheel.size, 0);
		assert.deepEqual(host.sentTimes(OPTIONS), [0, 500], "the station answered none of them");
	});

	it("hands a final response arriving after Timer K to the UA core as stray (§17.1.3: it matches nothing)", () => {
		const host = new VirtualHost();
		optionsAtZero(host);
		answer(host, 200, "OK");
		host.advance(5000);
		answer(host, 200, "OK");
		assert.equal(host.heard.length, 2);
		assert.equal(host.heard[1], "stray 200");
	});
});

describe("§17.1.2.2 Client non-INVITE transaction over a reliable transport", () => {
	it("never retransmits over TCP, but Timer F still ends it at 32 s (§17.1.2.2)", () => {
		const host = new VirtualHost();
		const tx = host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TCP });
		assert.ok(tx >= 0);
		host.advance(31_999);
		assert.deepEqual(host.sentTimes(OPTIONS), [0]);
		assert.equal(host.sent[0].transport, "TCP");
		assert.equal(host.streams.length, 1);
		host.advance(1);
		assert.deepEqual(host.heard, [`timeout tx=${tx}`]);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("ends at once on a final response over TCP: Timer K = 0 (§17.1.2.2)", () => {
		const host = new VirtualHost();
		const tx = host.sendRequest(M_REGISTER, "REGISTER", { transport: TCP });
		host.streams[0].receive(responseTo(host.sent[0].text, 200, "OK"));
		assert.deepEqual(host.heard, [`response 200 tx=${tx}`]);
		assert.equal(host.layer.stateOf(tx), FREE);
		assert.equal(host.layer.active, 0);
		assert.equal(host.settle(), "active=0 timers=0", "the idle connection closes too");
	});
});

describe("§17.1.1.1 Timer values: T1, T2, T4 are configurable", () => {
	it("T1 = 100 ms, T2 = 1 s: Timer E at 100, 300, 700, 1500, then every 1 s; Timer F at 64·T1 = 6.4 s (§17.1.2.2, Table 4)", () => {
		const host = new VirtualHost({ config: { t1: 100, t2: 1000 } });
		const tx = optionsAtZero(host);
		host.advance(6399);
		assert.deepEqual(host.sentTimes(OPTIONS), [0, 100, 300, 700, 1500, 2500, 3500, 4500, 5500]);
		assert.deepEqual(host.heard, []);
		host.advance(1);
		assert.deepEqual(host.heard, [`timeout tx=${tx}`]);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("T2 = 2 s also sets the Proceeding interval (§17.1.2.2)", () => {
		const host = new VirtualHost({ config: { t2: 2000 } });
		optionsAtZero(host);
		answer(host, 100, "Trying");
		host.advance(10_000);
		assert.deepEqual(host.sentTimes(OPTIONS), [0, 500, 2500, 4500, 6500, 8500]);
		answer(host, 200, "OK");
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("T4 = 2 s sets Timer K (§17.1.2.2)", () => {
		const host = new VirtualHost({ config: { t4: 2000 } });
		const tx = optionsAtZero(host);
		answer(host, 200, "OK");
		host.advance(1999);
		assert.equal(host.layer.stateOf(tx), COMPLETED);
		host.advance(1);
		assert.equal(host.layer.stateOf(tx), FREE);
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("§17.1.4 Client non-INVITE transaction: transport errors", () => {
	it("a retransmission the transport refuses ends the transaction and tells the TU (§17.1.4)", () => {
		const host = new VirtualHost();
		const tx = optionsAtZero(host);
		host.advance(200);
		host.udpUp = false;
		host.advance(300);
		assert.deepEqual(host.heard, [`transport-error tx=${tx}`]);
		assert.equal(host.layer.stateOf(tx), FREE);
		assert.equal(host.layer.active, 0);
		assert.equal(host.wheel.size, 0);
	});
});

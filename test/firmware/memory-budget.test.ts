// The firmware's memory on XS, measured and held to its budget — DESIGN.md §3; ../../README.md "ESP32". Its own main
// runs (virtual time, a scripted registrar-proxy and flats, test/firmware/scripted-pbx.ts) on a worker that meters
// XS's chunk heap as well as its slots (test/firmware/xs-meter-worker.ts). After a full GC at each state: booted, registered and
// idle, ringing a parallel list of three, in a two-way call with the jitter buffer full, and 1,000 calls later. The
// figures are the firmware's own (what its main made), over the loaded code and tables (in flash once preloaded).
// On the ESP32 a slot is 16 bytes (32 here), a chunk byte a byte. The in-call state must fit the `creation` the
// manifest gives the ESP32 builds with its stated headroom, and 1,000 calls must leave nothing behind.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { FirmwareOnXs, MANIFEST, PLATFORM, manifestConfig } from "./firmware-on-xs.js";
import { REGISTRAR, ScriptedPbx } from "./scripted-pbx.js";
import { meterWorker } from "./xs-meter-worker.js";

/** Bytes of an XS slot on a 32-bit MCU. */
const SLOT_BYTES_ESP32 = 16;
/** What `creation` leaves free above the in-call state: garbage between collections, a second call's setup. */
export const HEADROOM = 0.25;
const CALLS = 1000;
/** Calls per registration refresh (each call is 40 s of virtual time; the registrar grants 600 s, refreshed before). */
const CYCLE = 15;
const FLATS = 3;

interface Heap {
	slots: number;
	chunks: number;
}
interface Row {
	state: string;
	slots: number;
	chunks: number;
}

const esp32Bytes = (h: Heap): number => h.slots * SLOT_BYTES_ESP32 + h.chunks;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

/** The ESP32 builds' `creation` (the manifest's, for PLATFORM). */
function creation(): { chunk: number; slots: number } {
	const m = JSON.parse(readFileSync(MANIFEST, "utf8")) as { platforms: Record<string, { creation?: { chunk?: { initial?: number }; heap?: { initial?: number } } }> };
	const c = m.platforms[PLATFORM].creation;
	return { chunk: c?.chunk?.initial ?? NaN, slots: c?.heap?.initial ?? NaN };
}

describe("The ESP32 firmware's memory on XS: booted, registered, ringing, in a call, and 1,000 calls later (DESIGN.md §3)", function () {
	this.timeout(180_000);
	const pbx = new ScriptedPbx();
	const rows: Row[] = [];
	let fw: FirmwareOnXs | null = null;
	let base: Heap = { slots: 0, chunks: 0 };
	const lines: string[] = [];

	const record = async (state: string): Promise<Heap> => {
		const h = await fw!.heap();
		const own = { slots: h.slots - base.slots, chunks: h.chunks - base.chunks };
		rows.push({ state, ...own });
		return own;
	};

	/** A press and release of the door button, each held past the debounce time. */
	const click = async (): Promise<void> => {
		await fw!.button(true);
		await fw!.advance(60);
		await fw!.button(false);
		await fw!.advance(60);
	};

	/** A press, flat 1 answers, `frames` of two-way audio, a press hangs up, and the transactions run out. */
	const call = async (frames: number): Promise<void> => {
		const f = fw!;
		await click();
		const ok = pbx.answer(1);
		assert.ok(ok !== null, `flat 1 rings:\n${lines.slice(-20).join("\n")}`);
		await f.inject(ok);
		for (let i = 0; i < frames; i++) {
			await f.inject(pbx.rtp(1));
			await f.frames(1);
		}
		await click();
		await f.jump(40_000); // Timer D, K and J run out (RFC 3261 §17): only the station's standing state is left
	};

	before(async function () {
		this.timeout(300_000); // the chunk-metering worker is built on the first run (~1 min)
		fw = await FirmwareOnXs.load({
			mode: "virtual", peer: pbx, bin: await meterWorker(), toneHz: 700, log: (l) => lines.splice(0, lines.length > 500 ? 100 : 0) && lines.push(l),
			config: manifestConfig({
				station: {
					sip: { user: "door", domain: "example.com", registrar: `${REGISTRAR}:5060` },
					callList: { mode: "parallel", targets: Array.from({ length: FLATS }, (_, i) => `sip:flat${i + 1}@192.0.2.${21 + i}`) },
				},
			}),
		});
		base = await fw.heap();
	});

	after(async function () {
		await fw?.stop();
		if (rows.length === 0) return;
		const c = creation();
		process.stdout.write(`        firmware state on XS (over ${base.slots} slots, ${kb(base.chunks)} chunks of loaded code and tables):\n`);
		for (const r of rows) process.stdout.write(`        ${r.state.padEnd(44)} ${String(r.slots).padStart(6)} slots ${kb(r.chunks).padStart(9)} chunks = ${kb(esp32Bytes(r)).padStart(9)} on the ESP32\n`);
		process.stdout.write(`        ${PLATFORM} creation: heap ${c.slots} slots, chunk ${kb(c.chunk)} (${kb(c.slots * SLOT_BYTES_ESP32 + c.chunk)})\n`);
	});

	it("boots (main ran, no network yet) and registers: the station's standing state", async () => {
		await fw!.main();
		await record("booted, Wi-Fi down");
		await fw!.wifi(500, "192.0.2.10");
		await fw!.advance(2000);
		assert.ok(lines.includes("registered (expires 600 s)"), lines.join("\n"));
		await fw!.jump(40_000);
		await record("registered, idle");
	});

	it(`rings a parallel list of ${FLATS} flats, then carries a call with its jitter buffer full: within the manifest's creation with ${HEADROOM * 100} % headroom`, async () => {
		const f = fw!;
		await click();
		await f.advance(200);
		assert.equal(pbx.counts.invite, FLATS);
		await record(`ringing a parallel list of ${FLATS}`);
		await f.inject(pbx.answer(1)!);
		await f.advance(100);
		for (let i = 0; i < 200 / 20 + 4; i++) await f.inject(pbx.rtp(1)); // more than the 200 ms the jitter buffer keeps
		const inCall = await record("in a two-way call, jitter buffer full");
		assert.ok(lines.some((l) => /^call 0: answered/.test(l)), lines.slice(-20).join("\n"));
		await f.advance(1000, true);
		await record("in a call, after 1 s of audio");
		await click();
		await f.jump(40_000);
		const c = creation();
		assert.ok(inCall.chunks * (1 + HEADROOM) <= c.chunk, `in-call chunks ${kb(inCall.chunks)} + ${HEADROOM * 100} % > creation.chunk.initial ${kb(c.chunk)}`);
		assert.ok(inCall.slots * (1 + HEADROOM) <= c.slots, `in-call slots ${inCall.slots} + ${HEADROOM * 100} % > creation.heap.initial ${c.slots}`);
	});

	it(`leaves nothing behind over ${CALLS} calls: the most the idle station holds over its last ${CYCLE} calls is no more than over calls 11-${10 + CYCLE}`, async () => {
		// Idle between calls, the station's state varies with where its registration refresh is (one every CYCLE calls
		// here): the largest over a whole refresh cycle is compared, early and late.
		const most = async (calls: number): Promise<Heap> => {
			const m = { slots: 0, chunks: 0 };
			for (let i = 0; i < calls; i++) {
				await call(3);
				const h = await fw!.heap();
				m.slots = Math.max(m.slots, h.slots - base.slots);
				m.chunks = Math.max(m.chunks, h.chunks - base.chunks);
			}
			return m;
		};
		for (let i = 0; i < 10; i++) await call(3);
		const warm = await most(CYCLE);
		rows.push({ state: `idle, calls 11-${10 + CYCLE} (most)`, ...warm });
		for (let i = 10 + CYCLE; i < CALLS - CYCLE; i++) await call(3);
		const late = await most(CYCLE);
		rows.push({ state: `idle, calls ${CALLS - CYCLE + 1}-${CALLS} (most)`, ...late });
		assert.equal(pbx.counts.bye, CALLS + 1, "every call was answered and hung up");
		assert.ok(late.slots <= warm.slots && late.chunks <= warm.chunks, `growth over ${CALLS} calls: ${JSON.stringify(warm)} → ${JSON.stringify(late)}`);
	});
});

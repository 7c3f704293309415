// The firmware tests' side on XS: it loads the stand-ins of Moddable's modules (the firmware's own main imports the
// same instances under their Moddable names), and gives Node one export per kind of event — time passing, a datagram,
// audio captured and played, a finger on the button, the Wi-Fi link changing. Each call sets the device clock, does
// what it names, fires the timers that came due, delivers the datagrams that are waiting, and says when the next
// timer is due, so Node knows when to call again. Runs on XS only (test/firmware/firmware-on-xs.ts drives it).
import { clock, pending } from "./moddable/bridge.js";
import { consume, queued, recording, takeRecording } from "./moddable/audio-out.js";
import { produce, tone } from "./moddable/audio-in.js";
import { drive, levels } from "./moddable/digital.js";
import { setConfig } from "./moddable/mc-config.js";
import { stats as preferenceStats, store as preferenceStore } from "./moddable/preference.js";
import { ticks } from "./moddable/time.js";
import { fire, nextDue, timerCount } from "./moddable/timer.js";
import { arrive, boundPorts } from "./moddable/udp.js";
import { dhcp } from "./moddable/net.js";
import { link, setLink } from "./moddable/wifi.js";

declare const report: (value: unknown) => void;

export const restarts = { count: 0 };

// Moddable's `System` global (modules/io/system): the firmware restarts on a new address.
(globalThis as Record<string, unknown>)["System"] = Object.freeze({
	restart(): void {
		restarts.count++;
		report({ restart: true });
	},
});

export interface Setup {
	readonly config: Record<string, unknown>;
	readonly now: number;
	/** Time.ticks = now + tickOffset, kept as an Int32 (start near 2^31 to see it wrap). */
	readonly tickOffset: number;
	readonly toneHz: number;
	readonly record: boolean;
	/** Saved settings (the key-value store) before boot: domain/key → value. */
	readonly preferences?: Readonly<Record<string, string | number>>;
	/** The DNS servers DHCP gives (Moddable's Net.get("DNS")). */
	readonly dhcpDns?: readonly string[];
}

export function setup(s: Setup): void {
	clock.now = s.now;
	ticks.offset = s.tickOffset;
	tone.hz = s.toneHz;
	recording.on = s.record;
	setConfig(s.config);
	for (const [k, v] of Object.entries(s.preferences ?? {})) preferenceStore.set(k, v);
	dhcp.dns = [...(s.dhcpDns ?? [])];
}

/** Fire due timers and deliver waiting datagrams until nothing is left to do now; the next due time. */
function settle(): number {
	for (let rounds = 0; rounds < 10000; rounds++) {
		const fired = fire();
		let delivered = 0;
		while (pending.length > 0) {
			const p = pending.shift()!;
			if (arrive(p)) delivered++;
		}
		if (fired === 0 && delivered === 0) return nextDue();
	}
	throw new Error("the firmware keeps itself busy: timers or datagrams without end");
}

export function step(now: number): number {
	clock.now = now;
	return settle();
}

/** A datagram from the network for local `port`. */
export function receive(now: number, port: number, bytes: number[], address: string, from: number): number {
	clock.now = now;
	pending.push({ port, bytes, address, from });
	return settle();
}

/** `frames` × 20 ms of audio: the microphone captures them, the amplifier plays them. */
export function audio(now: number, frames: number): number {
	clock.now = now;
	for (let i = 0; i < frames; i++) {
		produce(20);
		consume(20);
	}
	return settle();
}

/** The button's input pin driven to `level` (0: pressed, to ground). */
export function press(now: number, pin: number, level: 0 | 1): number {
	clock.now = now;
	if (!drive(pin, level)) throw new Error(`no input on pin ${pin}`);
	return settle();
}

/** The Wi-Fi link changes. */
export function network(now: number, connection: number, address: string): number {
	clock.now = now;
	setLink(connection, address);
	return settle();
}

/** What the test reads of the devices. */
export function devices(): object {
	return {
		pins: levels(), ports: boundPorts(), timers: timerCount(), audioQueued: queued(), framesPlayed: recording.frames,
		overruns: recording.overruns, wifiConnects: link.connects, restarts: restarts.count, preferenceWrites: preferenceStats.writes,
		preferences: Object.fromEntries(preferenceStore),
	};
}

/** Samples the amplifier played since the last call. */
export function played(): number[] {
	return takeRecording();
}

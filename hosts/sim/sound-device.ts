// The machine's sound card for the simulated station (`--audio-device`): capture and playout as raw 8 kHz mono
// 16-bit little-endian PCM (the station's frame format, RFC 3551 §4.5.14) through ALSA's arecord/aplay, or sox.
// The programs run as children; a missing card or program is reported and the call goes on in silence.
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { FRAME_SAMPLES } from "../../src/media/g711.js";

const FRAME_BYTES = FRAME_SAMPLES * 2;
/** Captured audio kept at most (1 s): older frames are dropped so capture never lags behind the call. */
const MAX_BUFFERED = 50 * FRAME_BYTES;
const RAW = ["-t", "raw", "-r", "8000", "-e", "signed-integer", "-b", "16", "-c", "1", "-L"];

function onPath(program: string): string | null {
	for (const dir of (process.env.PATH ?? "").split(delimiter)) {
		if (dir === "") continue;
		try {
			accessSync(join(dir, program), constants.X_OK);
			return join(dir, program);
		} catch {
			// not here
		}
	}
	return null;
}

/** The capture and playout commands found on PATH (ALSA first, then sox), or an Error saying what is needed. */
export function soundCommands(): { capture: [string, string[]]; playout: [string, string[]] } {
	const arecord = onPath("arecord"), aplay = onPath("aplay"), sox = onPath("sox");
	const alsa = ["-q", "-f", "S16_LE", "-r", "8000", "-c", "1", "-t", "raw"];
	const capture: [string, string[]] | null = arecord !== null ? [arecord, [...alsa, "-"]] : sox !== null ? [sox, ["-q", "-d", ...RAW, "-"]] : null;
	const playout: [string, string[]] | null = aplay !== null ? [aplay, [...alsa, "-"]] : sox !== null ? [sox, ["-q", ...RAW, "-", "-d"]] : null;
	if (capture === null || playout === null) {
		throw new Error("--audio-device: needs arecord and aplay (Debian package alsa-utils) or sox (package sox) on PATH; none found");
	}
	return { capture, playout };
}

/** A capture child filling a byte queue and a playout child fed frame by frame. */
export class SoundDevice {
	readonly #capture: ChildProcess;
	readonly #playout: ChildProcess;
	readonly #queue: Buffer[] = [];
	#queued = 0;
	readonly #frame = Buffer.alloc(FRAME_BYTES);
	#closed = false;

	constructor(log: (line: string) => void) {
		const { capture, playout } = soundCommands();
		this.#capture = spawn(capture[0], capture[1], { stdio: ["ignore", "pipe", "pipe"] });
		this.#playout = spawn(playout[0], playout[1], { stdio: ["pipe", "ignore", "pipe"] });
		for (const [child, what] of [[this.#capture, "capture"], [this.#playout, "playout"]] as const) {
			let err = "";
			child.stderr?.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-500)));
			child.once("error", (e) => log(`sound device: ${what} (${child.spawnfile}) failed: ${e.message}`));
			child.once("exit", (code, signal) => {
				const last = err.trim().split("\n").pop() ?? "";
				if (!this.#closed) log(`sound device: ${what} (${child.spawnfile}) ended (${signal ?? `exit ${code}`}): ${last}; going on in silence`);
			});
		}
		this.#playout.stdin?.on("error", () => {}); // a player that went away: frames are dropped
		this.#capture.stdout?.on("data", (chunk: Buffer) => {
			this.#queue.push(chunk);
			this.#queued += chunk.length;
			while (this.#queued - this.#queue[0].length >= MAX_BUFFERED) this.#queued -= this.#queue.shift()!.length;
		});
	}

	/** The next captured frame into `out`; false when a whole frame has not arrived yet. */
	read(out: Int16Array): boolean {
		if (this.#queued < FRAME_BYTES) return false;
		let filled = 0;
		while (filled < FRAME_BYTES) {
			const head = this.#queue[0];
			const n = Math.min(head.length, FRAME_BYTES - filled);
			head.copy(this.#frame, filled, 0, n);
			filled += n;
			if (n === head.length) this.#queue.shift();
			else this.#queue[0] = head.subarray(n);
		}
		this.#queued -= FRAME_BYTES;
		for (let i = 0; i < FRAME_SAMPLES; i++) out[i] = this.#frame.readInt16LE(2 * i);
		return true;
	}

	/** Queue one frame for playout (dropped when the player is gone or behind). */
	write(frame: Int16Array): void {
		const stdin = this.#playout.stdin;
		if (stdin === null || stdin.destroyed || stdin.writableLength > 10 * FRAME_BYTES) return;
		const b = Buffer.alloc(FRAME_BYTES);
		for (let i = 0; i < FRAME_SAMPLES; i++) b.writeInt16LE(frame[i], 2 * i);
		stdin.write(b);
	}

	/** Stop capturing now; the player plays what it was given and ends at end of input (killed if it lingers). */
	close(): void {
		this.#closed = true;
		this.#capture.kill("SIGTERM");
		this.#playout.stdin?.end();
		const player = this.#playout;
		setTimeout(() => {
			if (player.exitCode === null && player.signalCode === null) player.kill("SIGTERM");
		}, 2000).unref();
	}
}

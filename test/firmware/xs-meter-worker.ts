// An xsnap-worker that also reports XS's chunk heap, for measuring the firmware's memory (test/firmware/memory-budget):
// the stock worker of @agoric/xsnap reports slots (`currentHeapCount`) but not chunks (string bodies, ArrayBuffer and
// array storage), half of what a Moddable `creation` holds. This builds a copy of the same worker from the same
// sources (node_modules/@agoric/xsnap: nothing is fetched) with its meter JSON extended by `currentChunksSize` (bytes
// in use, reset to the live size by each GC) and `gcCount`, once, into build/xsnap-meter (~30 s on 2 cores).
// Compute figures are the stock worker's; the tests keep the stock worker for everything else.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const BUILD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const OUT = path.join(BUILD, "xsnap-meter");
export const METER_WORKER = path.join(OUT, "xsnap-native/xsnap/build/bin/lin/release/xsnap-worker");

/** Replace exactly one occurrence of each `from` (a source that changed shape fails loudly rather than silently). */
function patch(file: string, pairs: readonly (readonly [string, string])[]): void {
	let s = readFileSync(file, "utf8");
	for (const [from, to] of pairs) {
		const n = s.split(from).length - 1;
		if (n !== 1) throw new Error(`${file}: expected one occurrence of ${JSON.stringify(from.slice(0, 60))}, found ${n}`);
		s = s.replace(from, to);
	}
	writeFileSync(file, s);
}

function run(cmd: string, args: string[], cwd: string): Promise<void> {
	return new Promise((resolve, reject) => {
		execFile(cmd, args, { cwd, maxBuffer: 1 << 24 }, (err, _stdout, stderr) => (err === null ? resolve() : reject(new Error(`${cmd} ${args.join(" ")}: ${err.message}\n${stderr.slice(-2000)}`))));
	});
}

let building: Promise<string> | null = null;

/** The instrumented worker's path, built first when missing (Linux only). */
export function meterWorker(): Promise<string> {
	if (existsSync(METER_WORKER)) return Promise.resolve(METER_WORKER);
	building ??= build();
	return building;
}

async function build(): Promise<string> {
	if (process.platform !== "linux") throw new Error("the chunk-metering xsnap worker is built for Linux only");
	const pkg = path.dirname(createRequire(import.meta.url).resolve("@agoric/xsnap/package.json"));
	const version = (JSON.parse(readFileSync(path.join(pkg, "package.json"), "utf8")) as { version: string }).version;
	rmSync(OUT, { recursive: true, force: true });
	mkdirSync(path.join(OUT, "xsnap-native/xsnap"), { recursive: true });
	cpSync(path.join(pkg, "moddable"), path.join(OUT, "moddable"), { recursive: true });
	rmSync(path.join(OUT, "moddable/build"), { recursive: true, force: true });
	for (const dir of ["sources", "makefiles"]) cpSync(path.join(pkg, "xsnap-native/xsnap", dir), path.join(OUT, "xsnap-native/xsnap", dir), { recursive: true });
	patch(path.join(OUT, "moddable/xs/sources/xsMemory.c"), [
		["void fxCollect(txMachine* the, txFlag theFlag)\n{", "unsigned long gxMeterCollectCount = 0;\n\nvoid fxCollect(txMachine* the, txFlag theFlag)\n{"],
		["\tthe->collectFlag |= theFlag & XS_ORGANIC_FLAG;\n", "\tthe->collectFlag |= theFlag & XS_ORGANIC_FLAG;\n\tgxMeterCollectCount++;\n"],
	]);
	patch(path.join(OUT, "xsnap-native/xsnap/sources/xsnapPlatform.c"), [
		["txSize fxGetCurrentHeapCount(txMachine* the)\n{", "long fxMeterChunksSize(txMachine* the)\n{\n\treturn (long)the->currentChunksSize;\n}\n\ntxSize fxGetCurrentHeapCount(txMachine* the)\n{"],
	]);
	patch(path.join(OUT, "xsnap-native/xsnap/sources/xsnap-worker.c"), [
		['"\\"currentHeapCount\\":%u,"', '"\\"currentHeapCount\\":%u,"\n\t\t\t\t  "\\"currentChunksSize\\":%ld,"\n\t\t\t\t  "\\"gcCount\\":%lu,"'],
		["fxGetCurrentHeapCount(the),\n", "fxGetCurrentHeapCount(the), fxMeterChunksSize(the), gxMeterCollectCount,\n"],
		["static int fxWriteOkay(FILE* outStream, xsUnsignedValue meterIndex, xsMachine *the, char* buf, size_t length)\n{",
			"extern unsigned long gxMeterCollectCount;\nextern long fxMeterChunksSize(xsMachine* the);\nstatic int fxWriteOkay(FILE* outStream, xsUnsignedValue meterIndex, xsMachine *the, char* buf, size_t length)\n{"],
	]);
	await run("make", [`MODDABLE=${path.join(OUT, "moddable")}`, "GOAL=release", `XSNAP_VERSION=${version}+chunks`, 'CC=cc "-D__has_builtin(x)=1"', "-f", "xsnap-worker.mk"],
		path.join(OUT, "xsnap-native/xsnap/makefiles/lin"));
	if (!existsSync(METER_WORKER)) throw new Error(`the chunk-metering worker was not built at ${METER_WORKER}`);
	return METER_WORKER;
}

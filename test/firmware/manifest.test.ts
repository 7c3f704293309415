// manifest.json as mcconfig reads it (checked here without the SDK, which CI cannot fetch): every module of the core
// and of the ESP32 host listed one by one and preloaded (mcconfig's preload wildcards match `.js` files only, and
// preloaded code and frozen tables stay in flash), every listed file present, the board picked per target, and none of
// the settings that break mcconfig's TypeScript build (a `paths` map replaces mcconfig's own) — ../../README.md "ESP32".
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { MANIFEST } from "./firmware-on-xs.js";

const ROOT = path.dirname(MANIFEST);

interface Platform {
	modules?: Record<string, string>;
	preload?: string[];
	config?: Record<string, unknown>;
	defines?: Record<string, unknown>;
	creation?: { chunk?: { initial?: number }; heap?: { initial?: number }; stack?: number };
}
interface Manifest extends Platform {
	include?: string[];
	typescript?: { tsconfig?: { compilerOptions?: Record<string, unknown> } };
	platforms: Record<string, Platform>;
}

const manifest = JSON.parse(readFileSync(MANIFEST, "utf8")) as Manifest;

/** Module specifiers of the TypeScript files under `dir` (recursively), as the manifest names them. */
function tsModules(dir: string, recurse: boolean): string[] {
	const out: string[] = [];
	for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
		if (e.isDirectory()) {
			if (recurse) out.push(...tsModules(`${dir}/${e.name}`, true));
		} else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(`${dir}/${e.name.slice(0, -3)}`);
	}
	return out;
}

const TARGETS = ["esp32/nodemcu", "esp32/m5atom_echo", "lin"];
/** Files of hosts/esp32 that are not modules of their own: the board variants (mapped to hosts/esp32/board per target). */
const BOARD_VARIANTS = ["hosts/esp32/board", "hosts/esp32/board-atom-echo", "hosts/esp32/board-lin"];

describe("manifest.json: what mcconfig builds (checked without the SDK)", () => {
	it("lists every module of src/ one by one, mapped to its own path, and preloads each", () => {
		const modules = manifest.modules ?? {}, preload = new Set(manifest.preload ?? []);
		for (const m of tsModules("src", true)) {
			assert.equal(modules[m], `./${m}`, `${m} in modules`);
			assert.ok(preload.has(m), `${m} in preload`);
		}
	});

	it("lists every module of hosts/esp32 and preloads it; each target maps hosts/esp32/board to its own board", () => {
		const modules = manifest.modules ?? {}, preload = new Set(manifest.preload ?? []);
		for (const m of tsModules("hosts/esp32", false).filter((m) => !BOARD_VARIANTS.includes(m))) {
			assert.equal(modules[m], `./${m}`, `${m} in modules`);
			assert.ok(preload.has(m), `${m} in preload`);
		}
		assert.ok(preload.has("hosts/esp32/board"));
		assert.equal(modules["hosts/esp32/board"], undefined, "mcconfig concatenates a target's module with the top level's: the board is named per target only");
		const boards = TARGETS.map((t) => manifest.platforms[t]?.modules?.["hosts/esp32/board"]);
		assert.deepEqual(boards, ["./hosts/esp32/board", "./hosts/esp32/board-atom-echo", "./hosts/esp32/board-lin"]);
	});

	it("names files that exist, preloads no wildcard, and leaves mcconfig's TypeScript paths alone", () => {
		const all: [string, string][] = Object.entries(manifest.modules ?? {});
		for (const t of TARGETS) all.push(...Object.entries(manifest.platforms[t]?.modules ?? {}));
		for (const [specifier, file] of all) assert.ok(existsSync(path.join(ROOT, `${file}.ts`)), `${specifier}: ${file}.ts`);
		const preloads = [...(manifest.preload ?? []), ...TARGETS.flatMap((t) => manifest.platforms[t]?.preload ?? [])];
		assert.deepEqual(preloads.filter((p) => p.includes("*")), [], "a preload wildcard matches .js files only");
		assert.equal(manifest.typescript?.tsconfig?.compilerOptions?.["paths"], undefined, "a paths map replaces mcconfig's own");
	});

	it("includes Moddable's net (DHCP's DNS servers) and TLS socket, and carries package.json's version for Home Assistant", () => {
		const includes = manifest.include ?? [];
		assert.ok(includes.includes("$(MODDABLE)/modules/network/net/manifest.json"), "net: Net.get(\"DNS\")");
		assert.ok(includes.includes("$(MODDABLE)/examples/io/tcp/tlssocket/manifest.json"), "embedded:io/socket/tcp/tls");
		const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
		assert.equal(manifest.config?.["version"], pkg.version);
	});

	it("gives lin stand-ins for the devices it lacks, and each ESP32 target its I2S audio, its pins and a creation", () => {
		const lin = manifest.platforms["lin"]?.modules ?? {};
		for (const m of ["embedded:io/digital", "embedded:io/audio/in", "embedded:io/audio/out", "embedded:network/interface/wifi"]) {
			assert.ok(lin[m]?.startsWith("./hosts/esp32/lin/"), `lin: ${m}`);
		}
		const devkit = manifest.platforms["esp32/nodemcu"];
		assert.deepEqual(Object.keys(devkit.defines ?? {}).sort(), ["audioIn", "audioOut"], "the DevKit's I2S pins");
		for (const t of ["esp32/nodemcu", "esp32/m5atom_echo"]) {
			const p = manifest.platforms[t];
			assert.ok((p.creation?.chunk?.initial ?? 0) > 0 && (p.creation?.heap?.initial ?? 0) > 0 && (p.creation?.stack ?? 0) > 0, `${t}: creation`);
			assert.ok(typeof (p.config?.["pins"] as { button?: unknown } | undefined)?.button === "number", `${t}: config.pins.button`);
		}
	});
});

// The web panel's server (hosts/sim/panel-server.ts): the page, its compiled scripts and the pcap over HTTP, one
// WebSocket per page — and nothing for another web site open in the same browser (a WebSocket whose Origin is not the
// panel's own is refused: cross-site WebSocket hijacking) or for a DNS name rebound to this machine (Host must be an
// IP literal or localhost).
import assert from "node:assert/strict";
import { request } from "node:http";
import WebSocket from "ws";
import { PanelServer } from "../../hosts/sim/panel-server.js";

interface Reply {
	readonly status: number;
	readonly headers: Record<string, string | string[] | undefined>;
	readonly body: Buffer;
}

function get(port: number, path: string, host = `127.0.0.1:${port}`): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const req = request({ host: "127.0.0.1", port, path, headers: { host } }, (res) => {
			const chunks: Buffer[] = [];
			res.on("data", (c: Buffer) => chunks.push(c));
			res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
		});
		req.on("error", reject);
		req.end();
	});
}

/** Open a WebSocket with `origin`; resolves true when the server took it, false when it refused the upgrade. */
function opens(port: number, origin: string | undefined, host = `127.0.0.1:${port}`): Promise<boolean> {
	return new Promise((resolve) => {
		const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { origin, headers: { host } });
		ws.once("open", () => {
			ws.close();
			resolve(true);
		});
		ws.once("error", () => resolve(false));
	});
}

describe("the web panel's HTTP and WebSocket server", () => {
	let server: PanelServer;
	const sockets: WebSocket[] = [];
	const PCAP = Uint8Array.from([0xd4, 0xc3, 0xb2, 0xa1, 1, 2, 3]);

	before(async () => {
		server = await PanelServer.start({ address: "127.0.0.1", port: 0, onSocket: (ws) => sockets.push(ws), pcap: () => PCAP });
	});
	after(async () => {
		await server.close();
	});

	it("serves the page with a Content-Security-Policy that allows only its own origin, and its compiled script", async () => {
		const page = await get(server.port, "/");
		assert.equal(page.status, 200);
		assert.match(String(page.headers["content-type"]), /^text\/html/);
		assert.match(String(page.headers["content-security-policy"]), /default-src 'self'/);
		assert.match(page.body.toString(), /<script type="module" src="\/web\/hosts\/sim\/panel\/main\.js"><\/script>/);
		const script = await get(server.port, "/web/hosts/sim/panel/main.js");
		assert.equal(script.status, 200, "npm run build compiles the page into build/web");
		assert.match(String(script.headers["content-type"]), /^text\/javascript/);
		assert.equal((await get(server.port, "/panel.css")).status, 200);
	});

	it("gives the pcap as a download", async () => {
		const r = await get(server.port, "/capture.pcap");
		assert.equal(r.status, 200);
		assert.match(String(r.headers["content-disposition"]), /^attachment; filename="sip-intercom-[\dT-]+\.pcap"$/);
		assert.deepEqual(new Uint8Array(r.body), PCAP);
	});

	it("serves nothing outside build/web, and nothing that is not a script there", async () => {
		for (const path of ["/web/%2e%2e/%2e%2e/package.json", "/web/..%2f..%2fpackage.js", "/web/hosts/sim/panel/protocol.ts", "/package.json", "/web/nope.js"]) {
			assert.equal((await get(server.port, path)).status, 404, path);
		}
	});

	it("answers 421 to a request for a DNS name (a name rebound to 127.0.0.1 gets nothing)", async () => {
		assert.equal((await get(server.port, "/", `attacker.example:${server.port}`)).status, 421);
		assert.equal((await get(server.port, "/", `localhost:${server.port}`)).status, 200);
	});

	it("takes a WebSocket from its own page or a non-browser client, refuses one from another origin or a DNS name", async () => {
		const before = sockets.length;
		assert.equal(await opens(server.port, `http://127.0.0.1:${server.port}`), true);
		assert.equal(await opens(server.port, undefined), true);
		assert.equal(await opens(server.port, "http://attacker.example"), false);
		assert.equal(await opens(server.port, `http://127.0.0.1:${server.port + 1}`), false);
		assert.equal(await opens(server.port, `http://attacker.example:${server.port}`, `attacker.example:${server.port}`), false);
		assert.equal(sockets.length, before + 2);
	});
});

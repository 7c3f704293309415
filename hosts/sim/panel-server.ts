// The web panel's HTTP and WebSocket server (node:http and ws): the page (hosts/sim/panel/index.html, panel.css), its
// compiled scripts (build/web, from hosts/sim/panel/tsconfig.json), the pcap download and one WebSocket per page.
// Nothing is fetched from elsewhere. It answers only requests addressed to an IP literal or localhost, and takes a
// WebSocket only from its own page (Origin = Host): another web site open in the same browser cannot press the door
// button (cross-site WebSocket hijacking), and a DNS name rebound to 127.0.0.1 gets nothing.
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { isIP } from "node:net";
import { normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocketServer, type WebSocket } from "ws";

// Compiled to build/hosts/sim/: the page's static files stay in the source tree, its scripts are in build/web.
const PAGE_DIR = fileURLToPath(new URL("../../../hosts/sim/panel/", import.meta.url));
const SCRIPT_DIR = fileURLToPath(new URL("../../web/", import.meta.url));

const STATIC: Readonly<Record<string, { file: string; type: string }>> = Object.freeze({
	"/": { file: "index.html", type: "text/html; charset=utf-8" },
	"/panel.css": { file: "panel.css", type: "text/css; charset=utf-8" },
});

export interface PanelServerOptions {
	readonly address: string;
	/** 0: a free port (tests). */
	readonly port: number;
	/** A page's WebSocket opened. */
	readonly onSocket: (ws: WebSocket) => void;
	/** The capture as a pcap file, for GET /capture.pcap. */
	readonly pcap: () => Uint8Array;
}

export class PanelServer {
	readonly url: string;
	readonly port: number;
	readonly #http: Server;
	readonly #ws: WebSocketServer;

	private constructor(http: Server, ws: WebSocketServer, url: string, port: number) {
		this.#http = http;
		this.#ws = ws;
		this.url = url;
		this.port = port;
	}

	static async start(options: PanelServerOptions): Promise<PanelServer> {
		const ws = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
		const http = createServer((req, res) => void serve(req, res, options).catch((err: Error) => fail(res, 500, err.message)));
		http.on("upgrade", (req, socket, head) => {
			if (req.url !== "/ws" || !sameOrigin(req)) {
				socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
				return;
			}
			ws.handleUpgrade(req, socket, head, (client) => options.onSocket(client));
		});
		await new Promise<void>((resolve, reject) => {
			http.once("error", reject);
			http.listen({ host: options.address, port: options.port, exclusive: true }, () => {
				http.off("error", reject);
				resolve();
			});
		});
		const port = (http.address() as { port: number }).port;
		const host = options.address.includes(":") ? `[${options.address}]` : options.address === "0.0.0.0" ? "127.0.0.1" : options.address;
		return new PanelServer(http, ws, `http://${host}:${port}/`, port);
	}

	/** Close every page's socket and the listener. */
	close(): Promise<void> {
		for (const c of this.#ws.clients) c.terminate();
		this.#ws.close();
		this.#http.closeAllConnections();
		return new Promise((resolve) => this.#http.close(() => resolve()));
	}
}

async function serve(req: IncomingMessage, res: ServerResponse, options: PanelServerOptions): Promise<void> {
	if (!addressedHere(req)) return fail(res, 421, "this panel answers requests to an IP address or localhost only");
	if (req.method !== "GET" && req.method !== "HEAD") return fail(res, 405, "GET only");
	const path = new URL(req.url ?? "/", "http://x").pathname;
	const page = STATIC[path];
	if (page !== undefined) return send(res, page.type, await readFile(PAGE_DIR + page.file), path === "/");
	if (path === "/capture.pcap") {
		const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
		res.setHeader("Content-Disposition", `attachment; filename="sip-intercom-${stamp}.pcap"`);
		return send(res, "application/vnd.tcpdump.pcap", options.pcap(), false);
	}
	if (path.startsWith("/web/") && path.endsWith(".js")) {
		// Only compiled scripts under build/web: no way out of it with "..".
		const file = normalize(SCRIPT_DIR + decodeURIComponent(path.slice("/web/".length)));
		if (!file.startsWith(SCRIPT_DIR) || file.includes(`${sep}..${sep}`)) return fail(res, 404, "not found");
		const body = await readFile(file).catch(() => null);
		if (body === null) return fail(res, 404, `not found: ${path} (npm run build compiles the page)`);
		return send(res, "text/javascript; charset=utf-8", body, false);
	}
	return fail(res, 404, "not found");
}

function send(res: ServerResponse, type: string, body: Uint8Array, page: boolean): void {
	res.setHeader("Content-Type", type);
	res.setHeader("Content-Length", body.length);
	res.setHeader("Cache-Control", "no-store");
	res.setHeader("X-Content-Type-Options", "nosniff");
	// The page loads its own scripts and styles and talks to its own server, nothing else.
	if (page) res.setHeader("Content-Security-Policy", "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
	res.end(body);
}

function fail(res: ServerResponse, status: number, reason: string): void {
	if (res.headersSent) return void res.destroy();
	res.statusCode = status;
	res.setHeader("Content-Type", "text/plain; charset=utf-8");
	res.end(`${status} ${reason}\n`);
}

/** The Host header names an IP literal or localhost (a DNS name could be one rebound to this machine). */
function addressedHere(req: IncomingMessage): boolean {
	const host = req.headers.host;
	if (host === undefined) return false;
	const name = host.startsWith("[") ? host.slice(1, host.indexOf("]")) : host.replace(/:\d+$/, "");
	return name === "localhost" || isIP(name) !== 0;
}

/** A WebSocket from this server's own page: addressed here, and Origin (when a browser sends one) equals the Host. */
function sameOrigin(req: IncomingMessage): boolean {
	if (!addressedHere(req)) return false;
	const origin = req.headers.origin;
	return origin === undefined || origin === `http://${req.headers.host}`;
}

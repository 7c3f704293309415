// The web panel's page: one WebSocket to the simulator (hosts/sim/panel-host.ts). A view: every key sends a command
// line of the door station or of the indoor station; everything shown comes from what the server reports.
import { AudioIo } from "./audio-io.js";
import { byId } from "./dom.js";
import { DoorView } from "./door-view.js";
import { IndoorView } from "./indoor-view.js";
import { LadderView } from "./ladder-view.js";
import { LogView } from "./log-view.js";
import type { AudioSide, ClientMessage, ServerMessage } from "./protocol.js";

let socket: WebSocket | null = null;
const send = (m: ClientMessage) => {
	if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(m));
};
const door = new DoorView((line) => send({ type: "command", line }));
const indoor = new IndoorView((line) => send({ type: "indoor", line }));
const ladder = new LadderView();
const log = new LogView();
const audio = new AudioIo((frame) => {
	if (socket?.readyState === WebSocket.OPEN) socket.send(frame);
});

function receive(m: ServerMessage): void {
	switch (m.type) {
		case "hello":
			door.info(m.info);
			door.status(m.status);
			indoor.status(m.indoor);
			ladder.info(m.info);
			ladder.reset(m.ladder);
			log.reset(m.log);
			break;
		case "event":
			door.status(m.status);
			door.event(m.event);
			if (m.log !== null) log.add(m.log);
			break;
		case "indoor":
			indoor.status(m.status);
			indoor.line(m.log.line);
			log.add(m.log);
			break;
		case "indoor-levels":
			indoor.levels(m.inDb, m.outDb);
			break;
		case "indoor-log":
			indoor.line(m.log.line);
			log.add(m.log);
			break;
		case "ladder":
			ladder.add(m.entry);
			break;
		case "audio":
			byId<HTMLSelectElement>("audio-side").value = m.side;
			byId("audio-detail").textContent = m.detail;
			if (m.side === "off") void audio.stop();
			break;
	}
}

function connect(): void {
	const ws = new WebSocket(`ws://${location.host}/ws`);
	ws.binaryType = "arraybuffer";
	const status = byId("connection");
	ws.onopen = () => {
		status.dataset.state = "connected";
		status.textContent = "connected";
		const side = byId<HTMLSelectElement>("audio-side").value as AudioSide;
		if (side !== "off" && audio.running) send({ type: "audio", side });
	};
	ws.onmessage = (e: MessageEvent<string | ArrayBuffer>) => {
		if (typeof e.data === "string") receive(JSON.parse(e.data) as ServerMessage);
		else audio.play(e.data);
	};
	ws.onclose = () => {
		status.dataset.state = "disconnected";
		status.textContent = "disconnected: is the simulator running? retrying…";
		socket = null;
		setTimeout(connect, 1000);
	};
	socket = ws;
}

byId<HTMLSelectElement>("audio-side").addEventListener("change", async (e) => {
	const select = e.target as HTMLSelectElement, side = select.value as AudioSide;
	const detail = byId("audio-detail");
	if (side === "off") {
		await audio.stop();
		send({ type: "audio", side });
		return;
	}
	try {
		await audio.start();
		send({ type: "audio", side });
	} catch (err) {
		select.value = "off";
		detail.textContent = `no microphone: ${(err as Error).message}`;
	}
});

connect();

// The built-in indoor station on the page (the flat's phone): its state, the caller, its levels, and its keys —
// each one an indoor station command line (answer, hangup, open rfc4733|info, call).
import { byId, showLevel } from "./dom.js";
import type { IndoorStatus } from "./protocol.js";

const SHOWN: Readonly<Record<IndoorStatus["state"], string>> = { idle: "idle", ringing: "ringing…", calling: "calling the door…", "in-call": "in a call" };

export class IndoorView {
	constructor(command: (line: string) => void) {
		const mode = byId<HTMLSelectElement>("dtmf-mode");
		byId("indoor-answer").addEventListener("click", () => command("answer"));
		byId("indoor-hangup").addEventListener("click", () => command("hangup"));
		byId("indoor-open").addEventListener("click", () => command(`open ${mode.value}`));
		byId("indoor-call").addEventListener("click", () => command("call"));
	}

	/** null: the simulator runs without it (--no-panel has no page; a custom setup may have none). */
	status(s: IndoorStatus | null): void {
		const card = document.querySelector<HTMLElement>("section.indoor")!;
		card.hidden = s === null;
		if (s === null) return;
		byId("indoor-uri").textContent = s.uri;
		const display = byId("indoor-display");
		display.dataset.state = s.state;
		display.textContent = SHOWN[s.state];
		byId("indoor-peer").textContent = s.peer;
		const enable = (id: string, on: boolean) => ((byId<HTMLButtonElement>(id)).disabled = !on);
		enable("indoor-answer", s.state === "ringing");
		enable("indoor-hangup", s.state !== "idle");
		enable("indoor-open", s.state === "in-call" && s.hasDoorCode);
		enable("indoor-call", s.state === "idle");
		if (s.state === "idle") this.levels(-96, -96);
	}

	levels(inDb: number, outDb: number): void {
		showLevel(byId<HTMLMeterElement>("indoor-in"), inDb);
		showLevel(byId<HTMLMeterElement>("indoor-out"), outDb);
	}

	line(text: string): void {
		byId("indoor-line").textContent = text;
	}
}

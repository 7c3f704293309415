// The door station on the page: its button (press and release as the command line's `press` / `release`, so a hold
// is a long press by the station's own timing), indicator LEDs, relays with their pulse, registration, call slots
// with their levels. Everything shown comes from the station's status() and events.
import type { IntercomEvent } from "../../../src/intercom/events.js";
import { byId, el, showLevel } from "./dom.js";
import type { PanelStatus, StationInfo } from "./protocol.js";

const LED_LABELS: readonly [keyof PanelStatus["leds"], string][] = [
	["idle", "idle"], ["notRegistered", "not registered"], ["calling", "calling"], ["inCall", "in call"], ["doorOpen", "door open"],
];
const SLOT_STATES: Readonly<Record<string, string>> = {
	idle: "idle", calling: "calling", ringing: "ringing", early: "early media", incoming: "incoming", answering: "answering", active: "in call", ending: "ending",
};

export class DoorView {
	readonly #command: (line: string) => void;
	#info: StationInfo | null = null;
	/** Per call slot: its level meters (in = what the door hears, out = what it sends). */
	#meters: { in: HTMLMeterElement; out: HTMLMeterElement }[] = [];
	#pressed = false;

	constructor(command: (line: string) => void) {
		this.#command = command;
		const button = byId<HTMLButtonElement>("door-button");
		const press = (e: Event) => {
			e.preventDefault();
			if (this.#pressed) return;
			this.#pressed = true;
			button.classList.add("held");
			command("press");
		};
		const release = () => {
			if (!this.#pressed) return;
			this.#pressed = false;
			button.classList.remove("held");
			command("release");
		};
		button.addEventListener("pointerdown", (e) => {
			button.setPointerCapture(e.pointerId);
			press(e);
		});
		button.addEventListener("pointerup", release);
		button.addEventListener("pointercancel", release);
		button.addEventListener("lostpointercapture", release);
		button.addEventListener("keydown", (e) => {
			if ((e.key === " " || e.key === "Enter") && !e.repeat) press(e);
		});
		button.addEventListener("keyup", (e) => {
			if (e.key === " " || e.key === "Enter") release();
		});
		button.addEventListener("blur", release);
		byId("door-open").addEventListener("click", () => command("open"));
		byId("door-hangup").addEventListener("click", () => command("hangup"));
		byId("door-register").addEventListener("click", () => command("register"));
		byId("door-unregister").addEventListener("click", () => command("unregister"));
	}

	info(info: StationInfo): void {
		this.#info = info;
		byId("aor").textContent = info.aor;
		byId("listen").textContent = `${info.listen}${info.registrar === null ? ", no PBX" : `, PBX ${info.registrar}`}`;
		byId("hold-hint").textContent = `click: press · hold ${info.longPressMs / 1000} s: long press`;
		for (const id of ["door-register", "door-unregister"]) byId(id).hidden = info.registrar === null;
		const relays = byId("relays");
		relays.replaceChildren(...info.relays.map((r, i) =>
			el("div", { class: "relay", "data-testid": `relay-${i}`, "data-open": "false" },
				el("span", { class: "lock" }), el("span", { class: "relay-name" }, `relay ${r.name}`),
				el("span", { class: "relay-state" }, "closed"), el("span", { class: "pulse" }, el("span", { class: "pulse-bar" })))));
		byId("leds").replaceChildren(...LED_LABELS.map(([name, label]) =>
			el("span", { class: "led", "data-led": name, "data-mode": "off", "data-testid": `led-${name}` }, el("i"), label)));
	}

	/** Show the station's status (after every event). */
	status(s: PanelStatus): void {
		for (const [name] of LED_LABELS) {
			const led = document.querySelector<HTMLElement>(`[data-led="${name}"]`);
			if (led !== null) led.dataset.mode = s.leds[name];
		}
		s.relays.forEach((r, i) => {
			const e = document.querySelector<HTMLElement>(`[data-testid="relay-${i}"]`);
			if (e === null) return;
			e.dataset.open = String(r.open);
			e.querySelector(".relay-state")!.textContent = r.open ? "open" : "closed";
		});
		const reg = byId("registration");
		reg.textContent = s.registration === "none" ? "no registrar (calls by address)" : s.registration;
		reg.dataset.state = s.registration;
		const list = this.#info?.callList ?? [];
		byId("call-list").textContent = `${s.callList}${list.length > 0 ? ` — ${list.map((t) => t.name !== "" ? `${t.name} (${t.uri})` : t.uri).join(", ")}` : " — none configured"}`;
		byId("codes").textContent = s.lockedOut ? "locked out" : "accepted";
		const body = byId("slots");
		if (this.#meters.length !== s.slots.length) {
			this.#meters = s.slots.map(() => ({ in: meter(), out: meter() }));
			body.replaceChildren(...s.slots.map((_, i) => el("tr", { "data-testid": `slot-${i}` },
				el("td", {}, String(i)), el("td", { class: "slot-state" }), el("td", { class: "slot-peer" }),
				el("td", {}, this.#meters[i].in), el("td", {}, this.#meters[i].out))));
		}
		s.slots.forEach((slot, i) => {
			const row = body.children[i] as HTMLElement;
			row.dataset.state = slot.state;
			row.querySelector(".slot-state")!.textContent = SLOT_STATES[slot.state] ?? slot.state;
			row.querySelector(".slot-peer")!.textContent = slot.peer;
			if (slot.state === "idle") {
				showLevel(this.#meters[i].in, -96);
				showLevel(this.#meters[i].out, -96);
			}
		});
	}

	/** Events that show something status() does not: the relay's pulse length, the levels. */
	event(e: IntercomEvent): void {
		if (e.type === "relay") {
			const bar = document.querySelector<HTMLElement>(`[data-testid="relay-${e.relay}"] .pulse-bar`);
			if (bar === null) return;
			// The bar empties over the pulse the station announced (or drops at once when it closed).
			bar.style.transition = "none";
			bar.style.width = e.open ? "100%" : "0%";
			if (e.open) {
				void bar.offsetWidth;
				bar.style.transition = `width ${e.ms}ms linear`;
				bar.style.width = "0%";
			}
		} else if (e.type === "levels") {
			const m = this.#meters[e.call];
			if (m !== undefined) {
				showLevel(m.in, e.inDb);
				showLevel(m.out, e.outDb);
			}
		}
	}
}

function meter(): HTMLMeterElement {
	const m = el("meter", { min: "-96", max: "0", low: "-60", high: "-6", value: "-96" }) as HTMLMeterElement;
	return m;
}

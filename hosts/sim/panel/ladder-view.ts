// The SIP ladder on the page: a lifeline per endpoint (the door station, the indoor station, then any other — a PBX,
// a phone), one arrow per message with its first line, CSeq and time; a click shows the whole message.
import { byId, clock, el } from "./dom.js";
import type { LadderEntry, StationInfo } from "./protocol.js";

/** Rows kept on the page. */
const ROWS = 500;

export class LadderView {
	readonly #columns: string[] = [];
	#names: Readonly<Record<string, string>> = {};
	#entries: LadderEntry[] = [];
	#selected = -1;

	info(info: StationInfo): void {
		this.#names = info.endpoints;
		// The stations first, in the order the server names them.
		this.#columns.length = 0;
		for (const e of Object.keys(info.endpoints)) if (info.endpoints[e] !== "PBX") this.#columns.push(e);
		for (const e of Object.keys(info.endpoints)) if (info.endpoints[e] === "PBX") this.#columns.push(e);
	}

	/** Replace every row (a new page, a reconnection). */
	reset(entries: readonly LadderEntry[]): void {
		this.#entries = [];
		byId("ladder").replaceChildren();
		for (const e of entries) this.#column(e.from), this.#column(e.to);
		this.#head();
		for (const e of entries) this.add(e);
	}

	add(e: LadderEntry): void {
		const grew = this.#column(e.from) || this.#column(e.to);
		if (grew) return this.reset([...this.#entries, e]);
		this.#entries.push(e);
		const ladder = byId("ladder");
		const stick = ladder.scrollTop + ladder.clientHeight >= ladder.scrollHeight - 4;
		ladder.append(this.#row(e));
		if (this.#entries.length > ROWS) {
			this.#entries.shift();
			ladder.firstElementChild?.remove();
		}
		if (stick) ladder.scrollTop = ladder.scrollHeight;
	}

	#column(endpoint: string): boolean {
		if (this.#columns.includes(endpoint)) return false;
		this.#columns.push(endpoint);
		return true;
	}

	#name(endpoint: string): string {
		return this.#names[endpoint] ?? endpoint;
	}

	#head(): void {
		// Positions go through the CSSOM: the page's Content-Security-Policy refuses style attributes.
		byId("ladder-head").replaceChildren(el("span", { class: "time" }, "time"), ...this.#columns.map((c, i) => {
			const name = el("span", { class: "lifeline-name" }, el("b", {}, this.#name(c)), el("br"), c);
			name.style.left = `${this.#x(i)}%`;
			return name;
		}));
		byId("ladder").style.backgroundImage = this.#columns.map(() => "linear-gradient(var(--line), var(--line))").join(", ");
		byId("ladder").style.backgroundPosition = this.#columns.map((_, i) => `${this.#x(i)}% 0`).join(", ");
	}

	/** The lifeline of column `i` as a percentage of the drawing's width (after the time column). */
	#x(i: number): number {
		const n = this.#columns.length;
		return 14 + ((i + 0.5) * 86) / n;
	}

	#row(e: LadderEntry): HTMLElement {
		const a = this.#columns.indexOf(e.from), b = this.#columns.indexOf(e.to);
		const left = Math.min(this.#x(a), this.#x(b)), width = Math.abs(this.#x(b) - this.#x(a));
		const kind = /^\d/.test(e.label) ? (e.label.startsWith("1") ? "provisional" : /^[2]/.test(e.label) ? "success" : "failure") : "request";
		const arrow = el("span", { class: `arrow ${b < a ? "leftward" : "rightward"}` },
			el("span", { class: "label" }, el("b", {}, e.label), ` · ${e.cseq}${e.transport !== "UDP" ? ` · ${e.transport}` : ""}`));
		arrow.style.left = `${left}%`;
		arrow.style.width = `${width}%`;
		const row = el("div", {
			class: `message-row ${kind}`, "data-testid": "ladder-row", "data-label": e.label.split(" ")[0], "data-cseq": e.cseq,
			"data-from": this.#name(e.from), "data-to": this.#name(e.to), tabindex: "0", title: `${e.transport} ${e.from} → ${e.to}  Call-ID ${e.callId}`,
		},
		el("span", { class: "time" }, clock(e.at)), arrow);
		const show = () => {
			this.#selected = e.id;
			for (const r of byId("ladder").querySelectorAll(".selected")) r.classList.remove("selected");
			row.classList.add("selected");
			byId("message").textContent = `${clock(e.at)}  ${e.transport}  ${this.#name(e.from)} (${e.from}) → ${this.#name(e.to)} (${e.to})\n\n${e.text}`;
		};
		row.addEventListener("click", show);
		row.addEventListener("keydown", (k) => {
			if (k.key === "Enter") show();
		});
		if (e.id === this.#selected) row.classList.add("selected");
		return row;
	}
}

// The event log on the page: the door station's application events (the lines the command line prints for them) and
// the indoor station's, newest at the bottom.
import { byId, clock, el } from "./dom.js";
import type { LogLine } from "./protocol.js";

const KEPT = 300;

export class LogView {
	reset(lines: readonly LogLine[]): void {
		byId("log").replaceChildren();
		for (const l of lines) this.add(l);
	}

	add(l: LogLine): void {
		const log = byId("log");
		const stick = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
		log.append(el("li", { class: l.source, "data-source": l.source }, el("time", {}, clock(l.at)), " ", l.line));
		if (log.children.length > KEPT) log.firstElementChild?.remove();
		if (stick) log.scrollTop = log.scrollHeight;
	}
}

// Small DOM helpers of the panel's page.

/** The element with `id` (the page's HTML has it; a missing one is a bug worth a clear message). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
	const e = document.getElementById(id);
	if (e === null) throw new Error(`the page has no #${id}`);
	return e as T;
}

/** A new element with attributes (`class`, `data-*` ...) and text or children. */
export function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
	for (const c of children) e.append(c);
	return e;
}

/** Wall-clock milliseconds as HH:MM:SS.mmm. */
export function clock(at: number): string {
	const d = new Date(at), two = (n: number) => String(n).padStart(2, "0");
	return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

/** A level in dBFS as a meter shows it (the station's floor is -96). */
export function showLevel(meter: HTMLMeterElement, db: number): void {
	meter.value = Math.max(-96, Math.min(0, db));
	meter.title = `${Math.round(db)} dBFS`;
}

// `preference` on XS for the firmware tests: NVS as the ESP32 has it (keys and domains of at most 15 characters,
// strings of at most 4000 bytes with the NUL), in memory; every write is counted (the firmware must not wear flash).
export const store = new Map<string, string | number>();
export const stats = { writes: 0, deletes: 0 };

function key(domain: string, k: string): string {
	if (domain.length > 15 || k.length > 15 || k.length === 0) throw new Error("nvs set fail");
	return `${domain}/${k}`;
}

const Preference = {
	get(domain: string, k: string): string | number | undefined {
		return store.get(key(domain, k));
	},
	set(domain: string, k: string, value: string | number): void {
		if (typeof value === "string") {
			let bytes = 0;
			for (let i = 0; i < value.length; i++) bytes += value.charCodeAt(i) < 0x80 ? 1 : value.charCodeAt(i) < 0x800 ? 2 : 3;
			if (bytes > 3999) throw new Error("nvs set fail");
		}
		stats.writes++;
		store.set(key(domain, k), value);
	},
	delete(domain: string, k: string): void {
		stats.deletes++;
		store.delete(key(domain, k));
	},
	keys(domain: string): string[] {
		return [...store.keys()].filter((k) => k.startsWith(domain + "/")).map((k) => k.slice(domain.length + 1));
	},
};

export default Preference;

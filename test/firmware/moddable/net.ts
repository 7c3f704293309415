// Moddable's `net` on XS for the firmware tests: `Net.get("DNS")` returns the servers the test gives DHCP (none by
// default: a station with no DNS server cannot resolve names, which the firmware logs).
export const dhcp: { dns: string[] } = { dns: [] };

const Net = Object.freeze({
	get(what: string): string[] | string {
		return what === "DNS" ? dhcp.dns.slice() : "";
	},
});
export default Net;

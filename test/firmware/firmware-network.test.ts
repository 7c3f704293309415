// The ESP32 firmware's links beyond SIP over UDP, on XS in virtual time (test/firmware/firmware-on-xs.ts): the DNS
// servers DHCP gave (Moddable's Net.get("DNS")) asked for a registrar by name (RFC 3263 §4.1: NAPTR first), and the
// home links (MQTT, the HTTP API) started when configured — with no broker and no listener to be had, each says so
// and the station goes on registering. Real peers for these are in the interop tests of the simulator and in
// firmware-interop.test.ts (dnsmasq).
import assert from "node:assert/strict";
import { FirmwareOnXs, manifestConfig } from "./firmware-on-xs.js";
import { REGISTRAR, ScriptedPbx } from "./scripted-pbx.js";

const DHCP_DNS = "192.0.2.53";

/** The question of a DNS query: its name and type (RFC 1035 §4.1.2), from the bytes the firmware sent. */
function question(bytes: Uint8Array): { name: string; type: number } {
	const labels: string[] = [];
	let o = 12;
	while (bytes[o] !== 0) {
		labels.push(String.fromCharCode(...bytes.subarray(o + 1, o + 1 + bytes[o])));
		o += 1 + bytes[o];
	}
	return { name: labels.join("."), type: (bytes[o + 1] << 8) | bytes[o + 2] };
}

describe("The ESP32 firmware's DNS servers and home links (XS, virtual time)", function () {
	this.timeout(60_000);
	let fw: FirmwareOnXs | null = null;

	afterEach(async () => {
		await fw?.stop();
		fw = null;
	});

	it("with no sip.dnsServers, asks the servers DHCP gave: a registrar by name starts with its NAPTR records", async () => {
		fw = await FirmwareOnXs.load({
			mode: "virtual", peer: new ScriptedPbx(), dhcpDns: [DHCP_DNS],
			config: manifestConfig({ station: { sip: { user: "door", domain: "example.test", registrar: "pbx.example.test" } } }),
		});
		await fw.main();
		await fw.wifi(500, "192.0.2.10");
		await fw.advance(100);
		assert.ok(fw.lines.includes(`DNS: ${DHCP_DNS} (DHCP)`), fw.lines.join("\n"));
		const queries = fw.sent.filter((d) => d.address === DHCP_DNS && d.port === 53);
		assert.ok(queries.length >= 1, `a query to ${DHCP_DNS}:53: ${fw.sent.map((d) => `${d.address}:${d.port}`).join(", ")}`);
		assert.deepEqual(question(queries[0].bytes), { name: "pbx.example.test", type: 35 }, "NAPTR (type 35) of the registrar's name");
		assert.equal(fw.sent.filter((d) => d.port === 5060).length, 0, "no REGISTER before the name is located");
	});

	it("with MQTT and the HTTP API configured but no TCP to be had, says so for each and still registers", async () => {
		const pbx = new ScriptedPbx();
		fw = await FirmwareOnXs.load({
			mode: "virtual", peer: pbx,
			config: manifestConfig({
				station: {
					sip: { user: "door", domain: "example.test", registrar: `${REGISTRAR}:5060` },
					mqtt: { enabled: true, broker: "192.0.2.30:1883" },
					http: { enabled: true, port: 8080, password: "api-secret" },
				},
			}),
		});
		await fw.main();
		await fw.wifi(500, "192.0.2.10");
		await fw.advance(2000);
		assert.ok(fw.lines.includes("registered (expires 600 s)"), fw.lines.join("\n"));
		assert.ok(fw.lines.some((l) => /^http: cannot listen on port 8080: .*socket bind/.test(l)), fw.lines.join("\n"));
		assert.ok(fw.lines.some((l) => /^mqtt: /.test(l)), `the MQTT link reports its state:\n${fw.lines.join("\n")}`);
		assert.ok(!fw.lines.some((l) => l.includes("api-secret")), "the API password is never logged");
	});
});

/// <reference path="./types/tls-socket.d.ts" />
// ESP32 door station entry (Moddable SDK) — the composition root, DESIGN.md §6a. With the board module (board*.ts: the
// target's devices), the only file that imports Moddable's modules: it hands their classes to the adapters (IO
// injected), reads the configuration (the manifest's `config` overlaid by the key-value store), and starts Wi-Fi; the
// Firmware builds the station once there is an address.
import Listener from "embedded:io/socket/listener";
import TCP from "embedded:io/socket/tcp";
import TLSSocket, { type Options as TLSOptions } from "embedded:io/socket/tcp/tls";
import UDP from "embedded:io/socket/udp";
import WiFi from "embedded:network/interface/wifi";
import config from "mc/config";
import Net from "net";
import Preference from "preference";
import Time from "time";
import Timer from "timer";
import { isObject, type JsonObject } from "../../src/intercom/config-reader.js";
import { homeTimers } from "../../src/home/home-link.js";
import { applicationTimers, callSlots } from "../../src/intercom/door-station.js";
import { limitsWith } from "../../src/sip/limits.js";
import { transactionConfig } from "../../src/transaction/config.js";
import { TimerWheel } from "../../src/transaction/timer-wheel.js";
import { TCP as TCP_TRANSPORT, TLS as TLS_TRANSPORT } from "../../src/transaction/transaction-table.js";
import { stationSizes } from "../../src/ua/sizing.js";
import board from "./board.js";
import { readPins, type BoardPins } from "./board-devices.js";
import { DnsDatagramOpener } from "./dns-datagrams.js";
import { Firmware } from "./firmware.js";
import { HardwareRandom } from "./hardware-random.js";
import { MAX_CONNECTIONS } from "./network-stack.js";
import { PreferenceStore } from "./preference-store.js";
import { StationSettings } from "./station-settings.js";
import { tcpTransport } from "./tcp-listener.js";
import { TickClock } from "./tick-clock.js";
import { TlsConnector } from "./tls-stream.js";
import { WifiLink } from "./wifi-link.js";

/** Timers of the host itself on the station's wheel: the Wi-Fi retry. */
const HOST_TIMERS = 1;
/**
 * Message sizes for the ESP32's RAM (DESIGN.md §3): each transaction keeps a writer of `maxSendBytes` (what it sends)
 * and a head of `maxHeadBytes`, so these two set most of the station's memory. 4 KB holds what PBXes send a door
 * station (an INVITE with a full SDP offer is 1-2.5 KB); larger gets 513. What the station sends is smaller: its
 * requests are about 1 KB (RFC 3261 §18.1.1 keeps UDP requests under 1300 bytes), a response is the request's head
 * (at most 1 KB) plus its own headers and SDP. A request beyond 2 KB is not sent (the log says so), a response beyond
 * it goes out as a 500 and its call ends (src/transaction/server-response.ts).
 */
const ESP32_LIMITS = limitsWith({ maxMessageBytes: 4096 });
const ESP32_HEAD_BYTES = 1024, ESP32_SEND_BYTES = 2048;
/** The key-value store's domain (an NVS namespace: at most 15 characters). */
const DOMAIN = "intercom";

/** Moddable's TLS socket (examples/io/tcp/tlssocket) runs over the TCP class it is handed as `TCP.io`: ECMA-419's. */
class SipTlsSocket extends TLSSocket {
	constructor(options: Omit<TLSOptions, "TCP">) {
		super({ ...options, TCP: { io: TCP } });
	}
}

/** The DNS servers DHCP gave: an array on the ESP32; Moddable's Linux runtime answers undefined (none). */
function dhcpDnsServers(): readonly string[] {
	const servers: unknown = Net.get("DNS");
	return Array.isArray(servers) ? servers.filter((s): s is string => typeof s === "string") : [];
}

export default function main(): void {
	const log = (line: string): void => trace(`${line}\n`);
	const doc: unknown = config;
	const builtIn: JsonObject = isObject(doc) ? doc : {};
	const settings = new StationSettings({ builtIn, store: new PreferenceStore({ io: Preference, domain: DOMAIN }) });
	const loaded = settings.load();
	if (!loaded.ok) {
		for (const e of loaded.errors) log(`config: ${e}`);
		log("config: the station cannot start (fix the manifest's config.station, or the saved settings)");
		return;
	}
	for (const p of loaded.problems) log(`config: ${p}`);
	const stationConfig = loaded.config, sip = stationConfig.sip;
	// TCP and TLS only when the registrar or proxy asks for them: each connection costs a message buffer, a TLS
	// session far more (RFC 3263 then never chooses a transport the build did not open).
	const uses = (t: number): boolean => sip.registrar?.transport === t || sip.proxy?.transport === t;
	const tcp = uses(TCP_TRANSPORT), tls = uses(TLS_TRANSPORT);
	const home = stationConfig.mqtt.enabled || stationConfig.http.enabled;
	// One name resolution at a time per call slot and for the registration (as the simulator).
	const resolutions = callSlots(stationConfig) + 1;
	// Pools and the wheel sized once from the call slots (src/ua/sizing.ts).
	const sizes = stationSizes({ maxCalls: callSlots(stationConfig) }, {
		connections: tcp || tls ? MAX_CONNECTIONS : 0, dnsQueries: resolutions,
		applicationTimers: applicationTimers(stationConfig) + homeTimers(stationConfig) + HOST_TIMERS,
	});
	const limits = ESP32_LIMITS, tx = transactionConfig(limits, {
		maxHeadBytes: ESP32_HEAD_BYTES, maxSendBytes: ESP32_SEND_BYTES, maxTransactions: sizes.transactions, reservedTransactions: sizes.reservedTransactions, maxPerSource: sizes.maxPerSource,
	});
	let pins: BoardPins;
	try {
		pins = readPins(builtIn["pins"]);
	} catch (e) {
		log(`config: ${(e as Error).message}: the station cannot start`);
		return;
	}
	const clock = new TickClock({ timer: Timer, ticks: () => Time.ticks });
	const wheel = new TimerWheel({ capacity: sizes.timers, clock });
	const firmware = new Firmware({
		config: stationConfig, board, pins, udp: UDP, tcp: tcp ? tcpTransport(TCP, Listener) : null, connections: sizes.connections,
		tls: tls ? new TlsConnector({ io: SipTlsSocket, secure: { verify: sip.tlsVerify } }) : null,
		dnsOpener: new DnsDatagramOpener({ io: UDP }), resolutions, systemDns: dhcpDnsServers,
		home: home ? tcpTransport(TCP, Listener) : null, version: typeof builtIn["version"] === "string" ? builtIn["version"] : "",
		clock, random: new HardwareRandom(), wheel, limits, transactionConfig: tx, log, traceSip: builtIn["traceSip"] === true,
		restart: () => System.restart(),
	});
	const wifi = settings.wifi();
	if (wifi.ssid === "") log("network: no Wi-Fi configured (mcconfig ... wifiSSID=NAME wifiPassword=SECRET), waiting for a connection");
	new WifiLink({ io: WiFi, ssid: wifi.ssid, password: wifi.password, wheel, user: firmware }).start();
}

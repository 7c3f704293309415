#!/usr/bin/env node
// The `sip-intercom` command: `station` runs the simulated door station; `parse FILE` prints what the message
// layer makes of a captured message.
import { readFileSync } from "node:fs";
import { SipParser } from "../../src/sip/parser.js";
import { DEFAULT_LIMITS, limitsWith } from "../../src/sip/limits.js";
import { summarize, summarizeVerdict } from "../../src/sip/summary.js";
import { NEED_MORE } from "../../src/sip/scanner.js";
import { R_SHORT_BODY, R_UNTERMINATED } from "../../src/sip/verdict.js";
import { runStation } from "./run-station.js";
import { STATION_USAGE } from "./station-args.js";

const USAGE = `usage: sip-intercom parse [--stream] FILE
  Reads one raw SIP message (exact bytes, e.g. saved from Wireshark with "Export Packet Bytes") and prints
  JSON: kind, method or status, Request-URI, Call-ID, CSeq, the Via list, header count, Content-Length and
  body length. A malformed message prints its verdict (status, reason) and exits with code 1.
  --stream  frame as on TCP (Content-Length mandatory) instead of as a UDP datagram.
  FILE "-"  reads standard input.`;

function parseCommand(args: string[]): number {
	const stream = args.includes("--stream");
	const files = args.filter((a) => a !== "--stream");
	if (files.length !== 1) {
		process.stderr.write(USAGE + "\n");
		return 2;
	}
	let bytes: Uint8Array;
	try {
		bytes = new Uint8Array(readFileSync(files[0] === "-" ? 0 : files[0]));
	} catch (err) {
		process.stderr.write(`sip-intercom parse: cannot read ${files[0]}: ${(err as Error).message}\n`);
		return 2;
	}
	// The file may be larger than the station's default limit; the tool reads what it is given.
	const parser = new SipParser(limitsWith({ maxMessageBytes: Math.max(DEFAULT_LIMITS.maxMessageBytes, bytes.length) }));
	const status = parser.parse(bytes, 0, bytes.length, stream);
	// On a stream an incomplete message means "wait for more"; a file has no more: say where it stopped short.
	if (status === NEED_MORE) parser.verdict.fail(parser.view.end > 0 ? R_SHORT_BODY : R_UNTERMINATED, bytes.length);
	if (status !== 0) {
		process.stdout.write(JSON.stringify(summarizeVerdict(parser.verdict, bytes), null, 2) + "\n");
		return 1;
	}
	process.stdout.write(JSON.stringify(summarize(parser.view), null, 2) + "\n");
	return 0;
}

async function main(argv: string[]): Promise<number> {
	const [command, ...rest] = argv;
	if (command === "parse") return parseCommand(rest);
	if (command === "station") return runStation(rest);
	process.stderr.write(USAGE + "\n\n" + STATION_USAGE + "\n");
	return command === undefined || command === "--help" || command === "-h" ? 0 : 2;
}

process.exitCode = await main(process.argv.slice(2));

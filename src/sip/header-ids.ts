// Header names → ids, compact forms → the same id — RFC 3261 §7.3.3, §20 (and the RFCs the station meets).
import { LOWER } from "./chars.js";
import { ascii } from "./bytes.js";

/** Any header the table does not know: kept by name (§7.3: unknown headers are carried, not rejected). */
export const H_OTHER = 0;
export const H_VIA = 1, H_FROM = 2, H_TO = 3, H_CALL_ID = 4, H_CSEQ = 5, H_CONTACT = 6, H_MAX_FORWARDS = 7,
	H_CONTENT_LENGTH = 8, H_CONTENT_TYPE = 9, H_ROUTE = 10, H_RECORD_ROUTE = 11, H_EXPIRES = 12, H_MIN_EXPIRES = 13,
	H_ALLOW = 14, H_SUPPORTED = 15, H_REQUIRE = 16, H_PROXY_REQUIRE = 17, H_UNSUPPORTED = 18, H_ACCEPT = 19,
	H_ACCEPT_ENCODING = 20, H_ACCEPT_LANGUAGE = 21, H_CONTENT_ENCODING = 22, H_CONTENT_LANGUAGE = 23,
	H_CONTENT_DISPOSITION = 24, H_WWW_AUTHENTICATE = 25, H_AUTHORIZATION = 26, H_PROXY_AUTHENTICATE = 27,
	H_PROXY_AUTHORIZATION = 28, H_AUTHENTICATION_INFO = 29, H_USER_AGENT = 30, H_SERVER = 31, H_SUBJECT = 32,
	H_DATE = 33, H_TIMESTAMP = 34, H_RETRY_AFTER = 35, H_WARNING = 36, H_ALLOW_EVENTS = 37, H_EVENT = 38,
	H_SUBSCRIPTION_STATE = 39, H_SESSION_EXPIRES = 40, H_MIN_SE = 41, H_RSEQ = 42, H_RACK = 43, H_REFER_TO = 44,
	H_REFERRED_BY = 45, H_REASON = 46, H_ALERT_INFO = 47, H_CALL_INFO = 48, H_ERROR_INFO = 49, H_IN_REPLY_TO = 50,
	H_MIME_VERSION = 51, H_ORGANIZATION = 52, H_PRIORITY = 53, H_REPLY_TO = 54, H_ACCEPT_CONTACT = 55,
	H_REJECT_CONTACT = 56, H_REQUEST_DISPOSITION = 57, H_IDENTITY = 58, H_P_ASSERTED_IDENTITY = 59,
	H_PATH = 60, H_SERVICE_ROUTE = 61, H_PRIVACY = 62;
/** Number of ids: the size of per-id tables. */
export const H_COUNT = 63;

/** Canonical spelling per id (what the writer sends; §7.3.1 names are case-insensitive on receipt). */
export const HEADER_NAMES: readonly string[] = Object.freeze([
	"", "Via", "From", "To", "Call-ID", "CSeq", "Contact", "Max-Forwards", "Content-Length", "Content-Type",
	"Route", "Record-Route", "Expires", "Min-Expires", "Allow", "Supported", "Require", "Proxy-Require",
	"Unsupported", "Accept", "Accept-Encoding", "Accept-Language", "Content-Encoding", "Content-Language",
	"Content-Disposition", "WWW-Authenticate", "Authorization", "Proxy-Authenticate", "Proxy-Authorization",
	"Authentication-Info", "User-Agent", "Server", "Subject", "Date", "Timestamp", "Retry-After", "Warning",
	"Allow-Events", "Event", "Subscription-State", "Session-Expires", "Min-SE", "RSeq", "RAck", "Refer-To",
	"Referred-By", "Reason", "Alert-Info", "Call-Info", "Error-Info", "In-Reply-To", "MIME-Version",
	"Organization", "Priority", "Reply-To", "Accept-Contact", "Reject-Contact", "Request-Disposition", "Identity",
	"P-Asserted-Identity", "Path", "Service-Route", "Privacy",
]);

/** Compact forms (§7.3.3 and the registry of RFC 3261 §27.3) mapped to their ids. */
const COMPACT: readonly (readonly [string, number])[] = [
	["v", H_VIA], ["f", H_FROM], ["t", H_TO], ["i", H_CALL_ID], ["m", H_CONTACT], ["l", H_CONTENT_LENGTH],
	["c", H_CONTENT_TYPE], ["e", H_CONTENT_ENCODING], ["k", H_SUPPORTED], ["s", H_SUBJECT], ["u", H_ALLOW_EVENTS],
	["o", H_EVENT], ["x", H_SESSION_EXPIRES], ["r", H_REFER_TO], ["b", H_REFERRED_BY], ["a", H_ACCEPT_CONTACT],
	["j", H_REJECT_CONTACT], ["d", H_REQUEST_DISPOSITION], ["y", H_IDENTITY],
];

/**
 * Headers whose grammar is a comma-separated list (`#rule`, §7.3.1): the scanner splits them into one value
 * each. Authentication headers are not here: their commas separate parameters of one challenge.
 */
const LIST_HEADERS = [H_VIA, H_CONTACT, H_ROUTE, H_RECORD_ROUTE, H_ALLOW, H_SUPPORTED, H_REQUIRE, H_PROXY_REQUIRE,
	H_UNSUPPORTED, H_ACCEPT, H_ACCEPT_ENCODING, H_ACCEPT_LANGUAGE, H_CONTENT_ENCODING, H_CONTENT_LANGUAGE,
	H_ALLOW_EVENTS, H_ALERT_INFO, H_CALL_INFO, H_ERROR_INFO, H_IN_REPLY_TO, H_WARNING, H_REASON, H_ACCEPT_CONTACT,
	H_REJECT_CONTACT, H_REQUEST_DISPOSITION, H_P_ASSERTED_IDENTITY, H_PATH, H_SERVICE_ROUTE, H_PRIVACY];

/** 1 where the header id is a comma-separated list. */
export const IS_LIST = new Uint8Array(H_COUNT);
for (const id of LIST_HEADERS) IS_LIST[id] = 1;

/** ASCII bytes of each canonical name, for the writer. */
export const HEADER_NAME_BYTES: readonly Uint8Array[] = Object.freeze(HEADER_NAMES.map((n) => ascii(n)));

// Open-addressing hash table keyed on the lower-cased first and last bytes and the length of a name: O(1) to
// hash (no pass over the name), then one compare against the name's bytes in one flat table. Built once;
// lookups allocate nothing.
const SLOTS = 512;
const slotId = new Int16Array(SLOTS).fill(-1);
const slotLength = new Uint8Array(SLOTS);
const slotOffset = new Uint16Array(SLOTS);
const NAME_BYTES = new Uint8Array(1024);
let nameBytesUsed = 0;

function slotOf(first: number, last: number, length: number): number {
	return ((first << 3) ^ last ^ (length << 5)) & (SLOTS - 1);
}
function insert(name: string, id: number): void {
	const bytes = ascii(name.toLowerCase());
	let h = slotOf(bytes[0], bytes[bytes.length - 1], bytes.length);
	while (slotId[h] >= 0) h = (h + 1) & (SLOTS - 1);
	slotId[h] = id;
	slotLength[h] = bytes.length;
	slotOffset[h] = nameBytesUsed;
	NAME_BYTES.set(bytes, nameBytesUsed);
	nameBytesUsed += bytes.length;
}
for (let id = 1; id < H_COUNT; id++) insert(HEADER_NAMES[id], id);
for (let k = 0; k < COMPACT.length; k++) insert(COMPACT[k][0], COMPACT[k][1]);

/** The id of the header named buf[start, end) (case-insensitive, compact forms included), or H_OTHER. */
export function headerId(buf: Uint8Array, start: number, end: number): number {
	const length = end - start;
	if (length <= 0) return H_OTHER;
	const lower = LOWER, names = NAME_BYTES;
	let h = slotOf(lower[buf[start]], lower[buf[end - 1]], length);
	for (;;) {
		const id = slotId[h];
		if (id < 0) return H_OTHER;
		if (slotLength[h] === length) {
			let i = start, o = slotOffset[h];
			while (i < end && lower[buf[i]] === names[o]) {
				i++;
				o++;
			}
			if (i === end) return id;
		}
		h = (h + 1) & (SLOTS - 1);
	}
}

/**
 * headerId() for a name the caller has checked is a non-empty token (the scanner): the same answer, faster.
 * Header names are letters, digits and '-'; on token bytes `b | 0x20` folds case exactly as LOWER does for them
 * (it differs only for '_', which no name contains, so such a name still finds nothing).
 */
export function headerIdOfToken(buf: Uint8Array, start: number, end: number): number {
	const length = end - start, names = NAME_BYTES;
	let h = (((buf[start] | 0x20) << 3) ^ (buf[end - 1] | 0x20) ^ (length << 5)) & (SLOTS - 1);
	for (;;) {
		const id = slotId[h];
		if (id < 0) return H_OTHER;
		if (slotLength[h] === length) {
			let i = start, o = slotOffset[h];
			while (i < end && (buf[i] | 0x20) === names[o]) {
				i++;
				o++;
			}
			if (i === end) return id;
		}
		h = (h + 1) & (SLOTS - 1);
	}
}

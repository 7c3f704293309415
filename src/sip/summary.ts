// A plain-object summary of a parsed message or of its verdict, for the parse tool, logs and test vectors (allocates).
import type { MessageView } from "./message-view.js";
import { H_CALL_ID, H_CSEQ, H_VIA } from "./header-ids.js";
import { text } from "./bytes.js";
import type { Verdict } from "./verdict.js";
import { parseVia, ViaView } from "./via.js";
import { CSeqView, parseCSeq } from "./cseq.js";

export interface ViaSummary {
	transport: string;
	sentBy: string;
	branch: string | null;
}
export interface MessageSummary {
	kind: "request" | "response";
	method?: string;
	requestUri?: string;
	status?: number;
	reason?: string;
	callId: string | null;
	cseq: { number: number; method: string } | null;
	via: ViaSummary[];
	headerCount: number;
	contentLength: number | null;
	bodyLength: number;
}
export interface VerdictSummary {
	verdict: { status: number; reason: string; errorAt: number };
}

/** What the message says, in the form the parse tool prints. */
export function summarize(m: MessageView): MessageSummary {
	const via: ViaSummary[] = [];
	const vv = new ViaView();
	for (let e = m.find(H_VIA); e >= 0; e = m.nextOf(e)) {
		if (parseVia(m.buf, m.valueStart(e), m.valueEnd(e), vv)) {
			via.push({ transport: vv.transportText(), sentBy: vv.sentByText(), branch: vv.branch.start >= 0 ? vv.branchText() : null });
		}
	}
	const cv = new CSeqView();
	const ce = m.find(H_CSEQ);
	const cseq = ce >= 0 && parseCSeq(m.buf, m.valueStart(ce), m.valueEnd(ce), cv)
		? { number: cv.number, method: text(m.buf, cv.methodStart, cv.methodEnd) } : null;
	const out: MessageSummary = {
		kind: m.isRequest ? "request" : "response",
		callId: m.count(H_CALL_ID) > 0 ? m.headerText(H_CALL_ID) : null,
		cseq,
		via,
		headerCount: m.headerCount,
		contentLength: m.contentLength >= 0 ? m.contentLength : null,
		bodyLength: m.bodyEnd - m.bodyStart,
	};
	if (m.isRequest) {
		out.method = m.methodText();
		out.requestUri = m.requestUriText();
	} else {
		out.status = m.status;
		out.reason = m.reasonText();
	}
	return out;
}

export function summarizeVerdict(v: Verdict, buf: Uint8Array): VerdictSummary {
	return { verdict: { status: v.status, reason: v.describe(buf), errorAt: v.errorAt } };
}

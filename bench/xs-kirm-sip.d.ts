// Types of build/bench/xs-kirm-sip.js, an ES-module wrapper around kirm's CommonJS `sip` 0.0.6
// (node_modules/sip/sip.js) that bench/xs-run.ts generates at bench time (not committed, not compiled
// from here). Only `parse` is exported: `exports.parse = parseMessage(s)`, which calls `s.toString('binary')`
// and regex-splits the text.

export interface KirmMessage {
  method?: string;
  status?: number;
  headers: {
    'call-id'?: string;
    cseq?: { seq: number; method: string };
    via?: Array<{ params: Record<string, string | null | undefined> }>;
  };
}

export function parse(data: string): KirmMessage | undefined;

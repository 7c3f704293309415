// The call-progress tones of a country's plan (ITU-T E.180 and its Supplement 2): what the visitor at the door hears
// while the station rings a flat, and when nobody answers.
import { BUSY_425, BUSY_480_620, RINGBACK_425, RINGBACK_440_480, type Tone } from "../media/tones.js";
import type { TonePlan } from "./config.js";

export interface ProgressTones {
	readonly ringback: Tone;
	readonly busy: Tone;
}

const EUROPE: ProgressTones = Object.freeze({ ringback: RINGBACK_425, busy: BUSY_425 });
const NORTH_AMERICA: ProgressTones = Object.freeze({ ringback: RINGBACK_440_480, busy: BUSY_480_620 });

export function progressTones(plan: TonePlan): ProgressTones {
	return plan === "north-america" ? NORTH_AMERICA : EUROPE;
}

/** How long the busy tone plays when nobody answered (or a call was refused as busy). */
export const BUSY_TONE_MS = 3000;

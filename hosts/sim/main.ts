// The simulator's entry (`npm start`): the door station on 127.0.0.1:5070 with no PBX (options after `--`).
import { runStation } from "./run-station.js";

process.exitCode = await runStation(process.argv.slice(2));

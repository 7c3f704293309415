#!/usr/bin/env node
// The `sip-intercom` command (package.json "bin"): runs the compiled CLI. `npm ci` builds it (the "prepare" script).
import "../../build/hosts/sim/cli.js";

#!/usr/bin/env node
// The CLI is compiled to lib/ by `npm run build` (run by `npm start` and `npm test`).
import '../lib/entry/main.js';

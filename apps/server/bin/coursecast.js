#!/usr/bin/env node
// Thin launcher so npm can link the bin before the TypeScript build exists.
import { runCli } from '../dist/cli.js';

process.exitCode = await runCli(process.argv);

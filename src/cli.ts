#!/usr/bin/env node
/** `promptlayer-otel <command>` */
import { parseArgs } from "node:util";
import { PACKAGE_VERSION } from "./version.js";

const USAGE = `Usage: promptlayer-otel <command>

Commands:
  demo       start the local backend, run a traced example agent against it, print its trace
  dev        run the local backend (PromptLayer API, OTLP receiver, mock models); dev --help
  experiments report <label>
             an A/B experiment's results by version, with significance; experiments --help
  help       show this help

Options:
  --version  print the version`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, strict: false, options: { version: { type: "boolean" } } });
  if (values.version) {
    console.log(PACKAGE_VERSION);
    return 0;
  }
  switch (positionals[0]) {
    case "demo": {
      const { runDemo } = await import("./cli/demo.js");
      return runDemo(argv.filter((a) => a !== "demo"));
    }
    case "dev": {
      // Loaded on demand: the backend pulls in node:sqlite, which the other commands do not need.
      const { runDev } = await import("./cli/dev.js");
      const rest = [...argv];
      rest.splice(rest.indexOf("dev"), 1);
      return runDev(rest);
    }
    case "experiments": {
      const { runExperiments } = await import("./cli/experiments.js");
      const rest = [...argv];
      rest.splice(rest.indexOf("experiments"), 1);
      return runExperiments(rest);
    }
    case undefined:
    case "help":
      console.log(USAGE);
      return 0;
    default:
      console.error(`Unknown command "${positionals[0]}".\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);

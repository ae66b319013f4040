// Global set-up: Trellis with its demo data on SQLite in a temporary directory, and the
// built example served by `vite preview`, which forwards /graphql to it. Both on free
// ports; the tests read the example's address from EXAMPLE_URL.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { preview } from "vite";

const exampleRoot = fileURLToPath(new URL("..", import.meta.url));
const trellisBinary = resolve(
  process.env.TRELLIS_BIN ?? join(exampleRoot, "../../target/debug/trellis"),
);

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? done(address.port) : fail(new Error("no port")),
      );
    });
  });
}

async function waitUntilReady(url: string, server: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) break;
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, 250));
  }
  throw new Error(`Trellis did not get ready at ${url}; its log:\n${readFileSync(log, "utf8")}`);
}

export default async function startServers(): Promise<() => Promise<void>> {
  const workDir = mkdtempSync(join(tmpdir(), "trellis-example-web-"));
  const log = join(workDir, "server.log");
  const output = openSync(log, "w");
  const trellisPort = await freePort();
  const trellis = spawn(
    trellisBinary,
    ["serve", "--demo", "--bind", `127.0.0.1:${trellisPort}`],
    { cwd: workDir, stdio: ["ignore", output, output] },
  );
  const stopTrellis = () => {
    trellis.kill();
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const trellisUrl = `http://127.0.0.1:${trellisPort}`;
    await waitUntilReady(`${trellisUrl}/readyz`, trellis, log);
    process.env.TRELLIS_URL = trellisUrl;
    const example = await preview({
      root: exampleRoot,
      preview: { host: "127.0.0.1", port: await freePort(), strictPort: true },
    });
    const exampleUrl = example.resolvedUrls?.local[0];
    if (!exampleUrl) throw new Error("vite preview gave no address");
    process.env.EXAMPLE_URL = exampleUrl;
    return async () => {
      await example.close();
      stopTrellis();
    };
  } catch (error) {
    stopTrellis();
    throw error;
  }
}

// Drives statusatlas's MCP server with the official MCP TypeScript SDK.
//
// Usage: node client.mjs stdio BINARY   (statusatlas mcp as a subprocess)
//        node client.mjs http URL       (Streamable HTTP, e.g. http://127.0.0.1:8080/mcp)
//
// Every check that fails throws; the last line printed is a JSON summary.

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import Ajv2020 from "ajv/dist/2020.js";

const [transportName, target] = process.argv.slice(2);
let checks = 0;

function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
  checks += 1;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });

function textOf(result) {
  return result.content.filter((c) => c.type === "text").map((c) => c.text).join("\n");
}

async function goodCall(client, validators, name, args) {
  // The SDK itself validates structuredContent against the listed outputSchema.
  const result = await client.callTool({ name, arguments: args });
  check(!result.isError, `${name} ${JSON.stringify(args)} succeeds: ${textOf(result).slice(0, 200)}`);
  const valid = validators[name](result.structuredContent);
  check(valid, `${name} matches its output schema (2020-12): ${JSON.stringify(validators[name].errors)}`);
  check(textOf(result).length > 0, `${name} has a text rendering`);
  return result;
}

async function badCall(client, name, args, expected) {
  const result = await client.callTool({ name, arguments: args });
  const text = textOf(result);
  check(result.isError === true, `${name} ${JSON.stringify(args).slice(0, 80)} is a tool error`);
  check(text.toLowerCase().includes(expected.toLowerCase()), `${name} error says "${expected}": ${text.slice(0, 200)}`);
}

const client = new Client({ name: "statusatlas-ts-test", version: "1.0.0" });
let transport;
let baseUrl = "";
if (transportName === "stdio") {
  transport = new StdioClientTransport({ command: target, args: ["mcp"], stderr: "inherit" });
} else {
  transport = new StreamableHTTPClientTransport(new URL(target));
  baseUrl = target.replace(/\/mcp$/, "");
}
await client.connect(transport);

check(client.getServerVersion()?.name === "statusatlas", "server names itself statusatlas");
check(client.getServerCapabilities()?.tools !== undefined, "tools capability");

const { tools } = await client.listTools();
const expected = ["compare", "explain", "list", "lookup", "search"];
if (transportName === "http") expected.push("live_url");
check(JSON.stringify(tools.map((t) => t.name).sort()) === JSON.stringify(expected.sort()),
  `tools are ${expected}, got ${tools.map((t) => t.name)}`);
const validators = {};
for (const tool of tools) {
  check(tool.inputSchema.type === "object", `${tool.name} has an object input schema`);
  check(tool.outputSchema?.type === "object", `${tool.name} declares an object output schema`);
  check(tool.annotations?.readOnlyHint === true, `${tool.name} is annotated read-only`);
  validators[tool.name] = ajv.compile(tool.outputSchema);
}

let r = await goodCall(client, validators, "lookup", { code: "not-found", protocol: "grpc" });
check(r.structuredContent.entries[0].code === "5", "grpc not-found is gRPC 5");
r = await goodCall(client, validators, "lookup", { code: 420 });
check(r.structuredContent.entries.length > 1, "HTTP 420 has several vendor meanings");
r = await goodCall(client, validators, "lookup", { code: "dns nxdomain" });
check(r.structuredContent.entries[0].protocol === "dns", "dns nxdomain is a DNS code");
r = await goodCall(client, validators, "compare", { a: "502", b: "504" });
check(r.structuredContent.facts.length > 0 && r.structuredContent.guidance.length > 0, "502 vs 504 has facts and guidance");
check(textOf(r).includes("When to use which"), "the comparison text has its guidance section");
r = await goodCall(client, validators, "search", { query: "proxy auth" });
check(r.structuredContent.results.some((x) => x.code === "407"), "search 'proxy auth' finds 407");
r = await goodCall(client, validators, "search", { query: "unavialable" });
check(r.structuredContent.did_you_mean !== undefined || r.structuredContent.results.length > 0, "a typo still finds results");
r = await goodCall(client, validators, "list", { protocol: "websocket" });
check(r.structuredContent.count === r.structuredContent.entries.length && r.structuredContent.count > 10, "list websocket");

const bounce = [
  "Final-Recipient: rfc822; someone@example.org",
  "Action: failed",
  "Status: 5.1.1",
  "Remote-MTA: dns; mx.example.org",
  "Diagnostic-Code: smtp; 550 5.1.1 <someone@example.org>: Recipient address rejected: User unknown",
].join("\n");
r = await goodCall(client, validators, "explain", { text: bounce });
check(r.structuredContent.findings.some((f) => f.protocol === "smtp" && f.code === "5.1.1"), "explain reads the DSN status 5.1.1");
check(r.structuredContent.summary.outcome.verdict === "permanent-failure", "a failed DSN is a permanent failure");
await badCall(client, "explain", { text: "" }, "empty");
await badCall(client, "explain", { text: 42 }, "bad arguments");
await badCall(client, "lookup", { code: "busy hear", protocol: "sip" }, "did you mean");
await badCall(client, "lookup", { code: "1234", protocol: "sip" }, "list with protocol sip");
await badCall(client, "lookup", {}, "missing field");
await badCall(client, "compare", { a: "200", b: "gatway timeot" }, "did you mean");
await badCall(client, "compare", { a: "404", b: "404", protocol: "carrier-pigeon" }, "unknown protocol");
await badCall(client, "search", { query: "gone", limit: 1000 }, "limit");
await badCall(client, "list", {}, "missing field");
await badCall(client, "list", { protocol: "grpc", class: "4xx" }, "no classes");

if (transportName === "http") {
  r = await goodCall(client, validators, "live_url", { code: "503", delay: "100ms", method: "POST" });
  const url = r.structuredContent.url;
  check(url.startsWith(`${baseUrl}/status/503?delay=100ms`), `live_url points at this instance: ${url}`);
  const live = await fetch(url, { method: "POST" });
  check(live.status === 503, `the live URL answers 503, got ${live.status}`);
  check(live.headers.get("retry-after") !== null, "503 comes with Retry-After");
  await badCall(client, "live_url", { code: "200", fault: "explode" }, "fault must be");
}

const resources = [];
let cursor;
do {
  const page = await client.listResources(cursor ? { cursor } : {});
  resources.push(...page.resources);
  cursor = page.nextCursor;
} while (cursor);
check(resources.length > 400, `every card is listed (${resources.length})`);
check(resources.every((x) => x.mimeType === "text/markdown"), "resources are Markdown");
const { resourceTemplates } = await client.listResourceTemplates();
check(resourceTemplates.length === 3, "three resource templates");
let read = await client.readResource({ uri: "statusatlas://grpc/14" });
check(read.contents[0].text.startsWith("# gRPC 14 UNAVAILABLE"), "gRPC 14 card");
read = await client.readResource({ uri: "statusatlas://compare/grpc/14-vs-http/503" });
check(read.contents[0].text.includes("503"), "cross-protocol comparison resource");
try {
  await client.readResource({ uri: "statusatlas://compare/http/401-vs-401" });
  check(false, "a code compared with itself is not a resource");
} catch (e) {
  check(e instanceof McpError, `reading a bad comparison is an MCP error: ${e}`);
}

const { prompts } = await client.listPrompts();
check(prompts.length === 2, "two prompts");
const prompt = await client.getPrompt({ name: "choose-status", arguments: { situation: "edit conflict, the resource changed since the client read it", protocol: "http" } });
check(prompt.messages[0].content.text.includes("statusatlas://http/"), "choose-status lists catalog candidates");

await client.close();
console.log(JSON.stringify({ sdk: "typescript", transport: transportName, checks }));

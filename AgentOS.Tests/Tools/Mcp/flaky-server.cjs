// A stdio MCP server built on the official SDK (found through NODE_MODULES) that starts failing on command: while the
// file named by FLAKY_FILE exists, "work" throws (the SDK answers a JSON-RPC internal error); otherwise it answers
// "done". "count" answers how many times "work" was called, so a test can tell which calls reached the server.
const fs = require("node:fs");
const path = require("node:path");
const sdk = (p) => require(path.join(process.env.NODE_MODULES, "@modelcontextprotocol/sdk/dist/cjs", p));
const { Server } = sdk("server/index.js");
const { StdioServerTransport } = sdk("server/stdio.js");
const { ListToolsRequestSchema, CallToolRequestSchema } = sdk("types.js");

const object = { type: "object", properties: {} };
let calls = 0;
const server = new Server({ name: "flaky", version: "1.0.0" }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [
    { name: "work", description: "Works, or fails while FLAKY_FILE exists.", inputSchema: object },
    { name: "count", description: "How many times work was called.", inputSchema: object },
  ],
}));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  if (request.params.name === "count") return { content: [{ type: "text", text: String(calls) }] };
  calls++;
  if (fs.existsSync(process.env.FLAKY_FILE)) throw new Error("the backing service is down");
  return { content: [{ type: "text", text: "done" }] };
});
server.connect(new StdioServerTransport());

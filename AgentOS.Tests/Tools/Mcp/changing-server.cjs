// A stdio MCP server built on the official SDK (found through NODE_MODULES) whose tool list changes: calling "grow"
// adds the tool "extra" and sends notifications/tools/list_changed; calling "shrink" removes it again. "whoami"
// answers this process's id, so a test can tell a restarted server from the first one.
const path = require("node:path");
const sdk = (p) => require(path.join(process.env.NODE_MODULES, "@modelcontextprotocol/sdk/dist/cjs", p));
const { Server } = sdk("server/index.js");
const { StdioServerTransport } = sdk("server/stdio.js");
const { ListToolsRequestSchema, CallToolRequestSchema } = sdk("types.js");

const object = { type: "object", properties: {} };
let extra = false;
const server = new Server({ name: "changing", version: "1.0.0" }, { capabilities: { tools: { listChanged: true } } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [
    { name: "grow", description: "Adds the tool extra.", inputSchema: object },
    { name: "shrink", description: "Removes the tool extra.", inputSchema: object },
    { name: "whoami", description: "This server's process id.", inputSchema: object },
    ...(extra ? [{ name: "extra", description: "Appears after grow.", inputSchema: object }] : []),
  ],
}));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  switch (request.params.name) {
    case "grow":
    case "shrink":
      extra = request.params.name === "grow";
      await server.sendToolListChanged();
      return { content: [{ type: "text", text: extra ? "grown" : "shrunk" }] };
    case "whoami":
      return { content: [{ type: "text", text: String(process.pid) }] };
    case "extra":
      if (extra) return { content: [{ type: "text", text: "extra ran" }] };
  }
  return { content: [{ type: "text", text: `no tool ${request.params.name}` }], isError: true };
});
server.connect(new StdioServerTransport());

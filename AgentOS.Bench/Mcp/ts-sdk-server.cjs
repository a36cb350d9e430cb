// The baseline of the MCP benchmarks: the official TypeScript SDK's McpServer (@modelcontextprotocol/sdk, found
// through NODE_MODULES) serving the same no-op tool AgentOS's fixtures serve, test_simple_text, which answers a fixed
// text. Usage: node ts-sdk-server.cjs stdio | node ts-sdk-server.cjs http PORT (Streamable HTTP at /mcp, one stateful
// session per client, as the SDK's own examples run it; prints "listening on PORT" on stderr once bound).
const path = require("node:path");
const http = require("node:http");
const { randomUUID } = require("node:crypto");
const sdk = (p) => require(path.join(process.env.NODE_MODULES, "@modelcontextprotocol/sdk/dist/cjs", p));
const { McpServer } = sdk("server/mcp.js");
const { StdioServerTransport } = sdk("server/stdio.js");
const { StreamableHTTPServerTransport } = sdk("server/streamableHttp.js");

function newServer() {
  const server = new McpServer({ name: "ts-sdk-bench", version: "1.0.0" });
  server.registerTool("test_simple_text", { description: "Tests simple text content response" }, async () => ({
    content: [{ type: "text", text: "This is a simple text response for testing." }],
  }));
  return server;
}

if (process.argv[2] === "stdio") {
  newServer().connect(new StdioServerTransport());
} else {
  const port = Number(process.argv[3]);
  const sessions = new Map();
  const readBody = (req) => new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined));
    req.on("error", reject);
  });
  http.createServer(async (req, res) => {
    try {
      const body = req.method === "POST" ? await readBody(req) : undefined;
      const id = req.headers["mcp-session-id"];
      let transport = id ? sessions.get(id) : undefined;
      if (!transport) {
        if (id || req.method !== "POST") {
          res.writeHead(404).end();
          return;
        }
        transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (sid) => sessions.set(sid, transport),
        });
        transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
        await newServer().connect(transport);
      }
      await transport.handleRequest(req, res, body);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500).end(String(e));
    }
  }).listen(port, "127.0.0.1", () => console.error(`listening on ${port}`));
}

// Drives AgentOS's OpenAI-compatible endpoint with the official `openai` npm client (6.x). Run by OpenAiClientTests:
// node openai-client.cjs BASE_URL API_KEY, with NODE_PATH pointing at the node_modules that holds `openai`.
// Prints one JSON line per check; the test asserts them.
const OpenAI = require("openai");

async function main() {
  const [baseURL, apiKey] = process.argv.slice(2);
  const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 30000 });
  const print = (check, value) => console.log(JSON.stringify({ check, ...value }));

  const models = await client.models.list();
  print("models", { ids: models.data.map((m) => m.id) });

  const plain = await client.chat.completions.create({
    model: "echo",
    messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "hello from node" }],
  });
  print("plain", { content: plain.choices[0].message.content, finish: plain.choices[0].finish_reason, usage: plain.usage });

  const stream = await client.chat.completions.create({
    model: "echo",
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: "user", content: "one two three" }],
  });
  const pieces = [];
  let usage = null;
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    const delta = chunk.choices[0]?.delta?.content;
    if (delta) pieces.push(delta);
  }
  print("stream", { pieces, usage });

  const tools = [{
    type: "function",
    function: { name: "get_weather", description: "Weather in a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
  }];
  const planned = await client.chat.completions.create({
    model: "echo",
    tools,
    messages: [{ role: "user", content: 'get_weather {"city": "Paris"}' }],
  });
  const call = planned.choices[0].message.tool_calls[0];
  print("tool", { finish: planned.choices[0].finish_reason, name: call.function.name, arguments: JSON.parse(call.function.arguments) });

  // The streaming helper assembles tool-call deltas itself.
  const runner = client.chat.completions.stream({ model: "echo", tools, messages: [{ role: "user", content: 'get_weather {"city": "Oslo"}' }] });
  const final = await runner.finalChatCompletion();
  const streamedCall = final.choices[0].message.tool_calls[0];
  print("tool-stream", { name: streamedCall.function.name, arguments: JSON.parse(streamedCall.function.arguments) });

  for (const [check, request] of [
    ["error-model", () => client.chat.completions.create({ model: "gpt-nothing", messages: [{ role: "user", content: "hi" }] })],
    ["error-key", () => new OpenAI({ baseURL, apiKey: "sk-wrong", maxRetries: 0 }).chat.completions.create({ model: "echo", messages: [{ role: "user", content: "hi" }] })],
  ]) {
    try {
      await request();
      print(check, { thrown: false });
    } catch (error) {
      print(check, { thrown: true, name: error.constructor.name, status: error.status, type: error.type, code: error.code });
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

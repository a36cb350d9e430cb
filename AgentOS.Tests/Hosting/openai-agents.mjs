// An agent with a function tool, run by the official OpenAI Agents SDK (@openai/agents 0.20.0, Node 22) against
// AgentOS's OpenAI-compatible endpoint: node openai-agents.mjs <baseURL> <apiKey> <responses|chat_completions>, from
// a folder whose node_modules holds the SDK. Prints one JSON line of what happened; OpenAiAgentsSdkTests reads it.
import { Agent, run, tool, setDefaultOpenAIClient, setOpenAIAPI, setTracingDisabled } from '@openai/agents';
import OpenAI from 'openai';

const [, , baseURL, apiKey, api] = process.argv;
setTracingDisabled(true);
// Every request's path is recorded, to show which API the SDK used.
const paths = [];
const recording = (url, init) => { paths.push(new URL(url instanceof Request ? url.url : url).pathname); return fetch(url, init); };
setDefaultOpenAIClient(new OpenAI({ baseURL, apiKey, maxRetries: 0, fetch: recording }));
setOpenAIAPI(api);

const calls = [];
const getWeather = tool({
  name: 'get_weather',
  description: 'The weather in a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
  execute: async ({ city }) => { calls.push(city); return `Sunny in ${city}`; },
});
// The echo backend plans a call of the tool the message names, with the message's JSON object as its arguments, and
// answers with the tool's output once it is back.
const agent = new Agent({ name: 'Weather', instructions: 'Answer with the tools.', model: 'echo', tools: [getWeather] });

const whole = await run(agent, 'What is the weather? get_weather {"city": "Paris"}');
const streamed = await run(agent, 'And here? get_weather {"city": "Oslo"}', { stream: true });
const kinds = new Set();
let text = '';
for await (const event of streamed) {
  kinds.add(event.type);
  if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') {
    text += event.data.delta;
  }
}
await streamed.completed;
console.log(JSON.stringify({
  api,
  final: whole.finalOutput,
  turns: whole.rawResponses.length,
  streamedFinal: streamed.finalOutput,
  streamedText: text,
  streamedEvents: [...kinds].sort(),
  calls,
  paths: [...new Set(paths)],
}));

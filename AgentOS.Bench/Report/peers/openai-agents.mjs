// The report's OpenAI Agents SDK peer (@openai/agents 0.20.0, Node 22): every agent is an SDK Agent on the chat
// completions API with its own OpenAI client, running its calls one after another, all agents at once.
// node openai-agents.mjs <baseURL> <workload.json>, from a folder whose node_modules holds the SDK. The client keeps
// its default retries. Prints one JSON line: {framework, makespan_s, calls: [{agent, call, ok, latency_s, error?}]}.
import { readFileSync } from 'node:fs';
import { Agent, OpenAIChatCompletionsModel, run, setTracingDisabled } from '@openai/agents';
import OpenAI from 'openai';

const [, , baseURL, workloadPath] = process.argv;
const work = JSON.parse(readFileSync(workloadPath, 'utf8'));
setTracingDisabled(true);

async function runAgent(agent) {
  const defaultHeaders = work.call_site_header ? { [work.call_site_header]: agent.role } : {};
  const client = new OpenAI({ baseURL, apiKey: agent.key, defaultHeaders });
  const model = new OpenAIChatCompletionsModel(client, work.model);
  const sdkAgent = new Agent({ name: `agent-${agent.id}`, instructions: `You are the ${agent.role} agent.`, model, modelSettings: { maxTokens: work.max_tokens, temperature: 0 } });
  const records = [];
  for (let call = 0; call < agent.prompts.length; call++) {
    const started = performance.now();
    try {
      await run(sdkAgent, agent.prompts[call]);
      records.push({ agent: agent.id, call, ok: true, latency_s: (performance.now() - started) / 1000 });
    } catch (error) {
      records.push({ agent: agent.id, call, ok: false, latency_s: (performance.now() - started) / 1000, error: String(error?.status ?? error?.message ?? error).slice(0, 200) });
    }
  }
  return records;
}

const started = performance.now();
const calls = (await Promise.all(work.agents.map(runAgent))).flat();
console.log(JSON.stringify({ framework: 'openai-agents', makespan_s: (performance.now() - started) / 1000, calls }));

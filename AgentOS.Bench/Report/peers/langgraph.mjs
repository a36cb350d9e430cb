// The report's LangGraph.js peer (@langchain/langgraph 1.7.3 + @langchain/openai): every agent is a LangGraph graph
// whose one node calls the model through ChatOpenAI and loops until the agent's calls are done, all agents at once.
// node langgraph.mjs <baseURL> <workload.json>, from a folder whose node_modules holds the packages. The client keeps
// its default retries. Prints one JSON line: {framework, makespan_s, calls: [{agent, call, ok, latency_s, error?}]}.
import { readFileSync } from 'node:fs';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { ChatOpenAI } from '@langchain/openai';
import { HumanMessage } from '@langchain/core/messages';

const [, , baseURL, workloadPath] = process.argv;
const work = JSON.parse(readFileSync(workloadPath, 'utf8'));
const State = Annotation.Root({ step: Annotation({ reducer: (_, next) => next, default: () => 0 }) });

async function runAgent(agent) {
  const defaultHeaders = work.call_site_header ? { [work.call_site_header]: agent.role } : {};
  const llm = new ChatOpenAI({ model: work.model, apiKey: agent.key, maxTokens: work.max_tokens, temperature: 0, configuration: { baseURL, defaultHeaders } });
  const records = [];
  const graph = new StateGraph(State)
    .addNode('call_model', async (state) => {
      const started = performance.now();
      try {
        await llm.invoke([new HumanMessage(agent.prompts[state.step])]);
        records.push({ agent: agent.id, call: state.step, ok: true, latency_s: (performance.now() - started) / 1000 });
      } catch (error) {
        records.push({ agent: agent.id, call: state.step, ok: false, latency_s: (performance.now() - started) / 1000, error: String(error?.status ?? error?.message ?? error).slice(0, 200) });
      }
      return { step: state.step + 1 };
    })
    .addEdge(START, 'call_model')
    .addConditionalEdges('call_model', (state) => (state.step < agent.prompts.length ? 'call_model' : END))
    .compile();
  await graph.invoke({ step: 0 }, { recursionLimit: 4 * agent.prompts.length + 10 });
  return records;
}

const started = performance.now();
const calls = (await Promise.all(work.agents.map(runAgent))).flat();
console.log(JSON.stringify({ framework: 'langgraph', makespan_s: (performance.now() - started) / 1000, calls }));

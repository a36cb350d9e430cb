using System.Diagnostics;
using AgentOS.Kernel;
using AgentOS.Llm.Http;
using AgentOS.Sdk;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Bench.Report.Peers;

/// <summary>
/// AgentOS-native agents written with the SDK: the same workload as the framework peers, each agent an
/// <see cref="AgentContext"/> on an in-process kernel whose one backend is the local LLM server
/// (<see cref="LocalLlmServer.Capacity"/> slots, default LLM policy), each call naming its call site (the role).
/// </summary>
internal static class NativePeer
{
    public static PeerOutcome Run(string upstreamBaseUrl)
    {
        var data = Directory.CreateTempSubdirectory("agentos-report-native-");
        var backend = new OpenAiBackend(new OpenAiBackendOptions { Name = "upstream", BaseUrl = upstreamBaseUrl, ApiKey = "none", Models = [LocalLlmServer.Model], Slots = LocalLlmServer.Capacity });
        var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = data.FullName, LlmBackends = [backend] });
        try
        {
            var agents = Enumerable.Range(0, PeerWorkload.Agents).Select(i =>
            {
                kernel.RegisterIdentity("agent-" + i);
                return new AgentContext("agent-" + i, kernel.Port);
            }).ToArray();
            long start = Stopwatch.GetTimestamp();
            var calls = Task.WhenAll(agents.Select((context, i) => Task.Run(() => RunAgent(context, i)))).GetAwaiter().GetResult();
            double makespan = Stopwatch.GetElapsedTime(start).TotalSeconds;
            return new PeerOutcome([.. calls.SelectMany(c => c)], makespan);
        }
        finally
        {
            kernel.StopAsync().GetAwaiter().GetResult();
            backend.Dispose();
            data.Delete(recursive: true);
        }
    }

    private static async Task<List<(int, int, bool, double)>> RunAgent(AgentContext context, int agent)
    {
        var records = new List<(int, int, bool, double)>();
        for (int call = 0; call < PeerWorkload.Calls; call++)
        {
            long start = Stopwatch.GetTimestamp();
            bool ok;
            try
            {
                var query = new LlmQuery { Messages = [ChatMessage.User(PeerWorkload.Prompt(agent, call))], MaxTokens = PeerWorkload.MaxOutputTokens, CallSite = PeerWorkload.Role(agent) };
                await context.Planning.QueryAsync(query).ConfigureAwait(false);
                ok = true;
            }
            catch (AgentOS.Syscalls.Errors.SyscallException)
            {
                ok = false;
            }
            records.Add((agent, call, ok, Stopwatch.GetElapsedTime(start).TotalSeconds));
        }
        return records;
    }
}

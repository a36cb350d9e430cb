using System.Diagnostics;
using AgentOS.Kernel;
using AgentOS.Llm.Embedded;
using AgentOS.Sdk;

namespace AgentOS.Hosting;

/// <summary>
/// <c>demo</c>: several storyteller agents share the embedded llama2.c model through one kernel — their LLM syscalls
/// queue, are scheduled (shortest job first on the requested length) over the backend's slots, and complete — then the
/// stories and the LLM queue's counters are printed. Needs a llama2.c checkpoint and tokenizer (default:
/// ../shared/data/models/stories260K.bin and tok512.bin, or --model and --tokenizer).
/// </summary>
internal static class DemoCommand
{
    public const string Usage = "demo [--agents N] [--model FILE --tokenizer FILE]";

    private static readonly string[] Openings =
    [
        "Once upon a time, a little dog", "Lily found a red ball", "Tom and Sam went to the park", "The sun was shining and",
        "A small bird wanted to fly", "Mom made a big cake", "The cat saw a fish", "Ben had a new toy car",
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        int agents = 4;
        string? model = null, tokenizer = null;
        for (int i = 0; i < args.Length; i++)
        {
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            switch (args[i])
            {
                case "--agents" when int.TryParse(Next(), out agents) && agents is >= 1 and <= 64:
                    break;
                case "--model" when Next() is { } m:
                    model = m;
                    break;
                case "--tokenizer" when Next() is { } t:
                    tokenizer = t;
                    break;
                default:
                    stderr.WriteLine($"agentos demo: bad or incomplete option '{args[i]}'.");
                    stderr.WriteLine("usage: dotnet AgentOS.Core.dll " + Usage);
                    return CommandLine.UsageError;
            }
        }
        model ??= FindShared("stories260K.bin");
        tokenizer ??= FindShared("tok512.bin");
        if (model is null || tokenizer is null)
        {
            stderr.WriteLine("agentos demo: needs a llama2.c model: pass --model stories260K.bin --tokenizer tok512.bin "
                + "(from karpathy/tinyllamas and llama2.c), or run from a checkout with ../shared/data/models beside it.");
            return 1;
        }

        EmbeddedLlmBackend backend;
        try
        {
            backend = new EmbeddedLlmBackend(model, tokenizer, slots: 2);
        }
        catch (ModelFormatException ex)
        {
            stderr.WriteLine($"agentos demo: {ex.Message}");
            return 1;
        }
        var data = Directory.CreateTempSubdirectory("agentos-demo-");
        try
        {
            return RunAgents(backend, data.FullName, agents, stdout).GetAwaiter().GetResult();
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static async Task<int> RunAgents(EmbeddedLlmBackend backend, string data, int agents, TextWriter stdout)
    {
        await using var kernel = AgentKernel.Start(new KernelOptions { DataDirectory = data, LlmBackends = [backend], LlmPolicy = "sjf" });
        stdout.WriteLine($"AgentOS {AgentOSInfo.Version} demo: {agents} storytellers share the embedded model '{backend.Name}' ({backend.Slots} slots, shortest job first)");
        var clock = Stopwatch.StartNew();
        var runs = Enumerable.Range(0, agents).Select(i =>
        {
            string name = $"storyteller-{i + 1}";
            int length = 40 + 30 * (i % 4);
            kernel.RegisterAgent(name, () => new Storyteller(length));
            return (Name: name, Task: kernel.RunAgentAsync(name, Openings[i % Openings.Length]));
        }).ToList();
        foreach (var (name, task) in runs)
        {
            stdout.WriteLine();
            stdout.WriteLine($"[{name}] {await task.ConfigureAwait(false)}");
        }
        var llm = kernel.Status.Queues["llm"];
        stdout.WriteLine();
        stdout.WriteLine($"llm queue: {llm.Completed} completed, {llm.Dispatched} dispatched, policy {llm.Policy}, {clock.Elapsed.TotalMilliseconds:0} ms in all");
        return 0;
    }

    private static string? FindShared(string file)
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "models", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    // Continues its opening line with the model, asking for a length that shortest-job-first can use.
    private sealed class Storyteller(int length) : Agent
    {
        public override async Task<string> RunAsync(AgentContext context, string input, CancellationToken cancellationToken = default)
        {
            var answer = await context.Planning.QueryAsync(new AgentOS.Syscalls.Queries.LlmQuery
            {
                Messages = [AgentOS.Syscalls.Queries.ChatMessage.User(input)],
                MaxTokens = length,
            }, new SyscallOptions(EstimatedCost: length), cancellationToken).ConfigureAwait(false);
            return input + answer.Content;
        }
    }
}

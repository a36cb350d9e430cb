using System.Globalization;
using AgentOS.Hosting.Demo;
using AgentOS.Llm;
using AgentOS.Llm.Embedded;
using AgentOS.Llm.Simulation;

namespace AgentOS.Hosting;

/// <summary>
/// <c>demo</c>: a multi-agent workload through one kernel. Agents arrive following the Azure conversation trace
/// (../shared/data/traces, or a built-in pattern on a fresh clone); each notes its task in memory, answers with the
/// LLM, checks a figure with a tool, saves the answer to storage and summarizes it with a second LLM call. A progress
/// line (queue depths, running, done, p50/p99 latency) goes to stderr, the final table to stdout. Backend: the
/// embedded engine on stories260K when the model is found, otherwise the simulator on virtual time — it says which.
/// </summary>
internal static class DemoCommand
{
    public const string Usage = "demo --computer-use [--out DIR] | demo [--quick] [--agents N] [--policy NAME] [--compare-policies] [--backend simulated|embedded|openai] [--slots N] "
        + "[--model FILE --tokenizer FILE] [--base-url URL --model NAME (openai; key from OPENAI_API_KEY)] [--serve [--port N]]";

    /// <summary>The policies <c>--compare-policies</c> runs, the kernel's default (sjf on learned lengths) first.</summary>
    public static readonly string[] ComparedPolicies = ["sjf", "fifo", "priority", "edf", "rr", "las", "wfq"];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Contains("--computer-use"))
        {
            int at = Array.IndexOf(args, "--out");
            var folder = at >= 0 && at + 1 < args.Length ? args[at + 1] : Path.Combine("artifacts", "computer-use-demo");
            return Demo.ComputerUseDemo.RunAsync(folder, stdout, stderr).GetAwaiter().GetResult();
        }
        var settings = new Settings();
        for (int i = 0; i < args.Length; i++)
        {
            string option = args[i];
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            bool ok = option switch
            {
                "--quick" => settings.Quick = true,
                "--serve" => settings.Serve = true,
                "--port" => int.TryParse(Next(), CultureInfo.InvariantCulture, out settings.Port) && settings.Port is >= 0 and <= 65_535,
                "--compare-policies" => settings.Compare = true,
                "--agents" => int.TryParse(Next(), CultureInfo.InvariantCulture, out settings.Agents) && settings.Agents is >= 1 and <= 20_000,
                "--slots" => int.TryParse(Next(), CultureInfo.InvariantCulture, out settings.Slots) && settings.Slots is >= 1 and <= 1_024,
                "--policy" => (settings.Policy = Next()) is { } p && Scheduling.SchedulingPolicies.Names.Contains(p, StringComparer.OrdinalIgnoreCase),
                "--backend" => (settings.Backend = Next()) is "simulated" or "embedded" or "openai",
                "--base-url" => (settings.BaseUrl = Next()) is not null,
                "--model" => (settings.Model = Next()) is not null,
                "--tokenizer" => (settings.Tokenizer = Next()) is not null,
                _ => false,
            };
            if (!ok && option == "--policy" && settings.Policy is { } unknown)
            {
                stderr.WriteLine($"agentos demo: unknown scheduling policy '{unknown}': use one of {string.Join(", ", Scheduling.SchedulingPolicies.Names)}.");
                stderr.WriteLine("usage: dotnet AgentOS.Core.dll " + Usage);
                return CommandLine.UsageError;
            }
            if (!ok)
            {
                stderr.WriteLine($"agentos demo: bad or incomplete option '{option}'.");
                stderr.WriteLine("usage: dotnet AgentOS.Core.dll " + Usage);
                return CommandLine.UsageError;
            }
        }
        try
        {
            return Execute(settings, stdout, stderr);
        }
        catch (Exception ex) when (ex is ModelFormatException or IOException or FormatException or InvalidOperationException)
        {
            stderr.WriteLine($"agentos demo: {ex.Message}");
            return 1;
        }
    }

    private static int Execute(Settings settings, TextWriter stdout, TextWriter stderr)
    {
        if (settings.Backend == "openai" || settings.BaseUrl is not null)
        {
            return RunOpenAi(settings, stdout, stderr);
        }
        string? model = settings.Model ?? LlmTrace.FindSharedData(Path.Combine("models", "stories260K.bin"));
        string? tokenizer = settings.Tokenizer ?? LlmTrace.FindSharedData(Path.Combine("models", "tok512.bin"));
        bool embedded = settings.Backend switch
        {
            "embedded" => true,
            "simulated" => false,
            _ => !settings.Compare && model is not null && tokenizer is not null,
        };
        if (embedded && (model is null || tokenizer is null))
        {
            stderr.WriteLine("agentos demo: --backend embedded needs a llama2.c model: pass --model stories260K.bin --tokenizer tok512.bin.");
            return 1;
        }
        if (settings.Serve)
        {
            return Serve(settings, embedded ? new EmbeddedLlmBackend(model!, tokenizer!, slots: 2) : null, stdout, stderr);
        }
        if (settings.Compare && embedded)
        {
            stderr.WriteLine("agentos demo: --compare-policies runs on the simulator's virtual time (so every policy sees the same workload); drop --backend embedded.");
            return CommandLine.UsageError;
        }

        var trace = Arrivals(settings, remote: false, stdout);
        var results = new List<DemoResult>();
        if (embedded)
        {
            var backend = new EmbeddedLlmBackend(model!, tokenizer!, slots: 2);
            // The engine's speed depends on the machine, so its capacity is measured here, with every slot busy, and
            // the arrivals are spread to load it RealLoad: an idle model would leave the scheduler nothing to decide.
            var lengths = DemoWorkload.Real(trace, TimeSpan.FromSeconds(1));
            var burst = DemoWorkload.Burst(lengths, 4 * backend.Slots);
            DemoResult measured = null!;
            for (int pass = 0; pass < 2; pass++)
            {
                // The first pass warms the engine (JIT, caches); the second is the measurement.
                measured = DemoRun.RealAsync(burst, backend, backend.Name, "fifo", progress: null).GetAwaiter().GetResult();
            }
            var span = DemoWorkload.LoadedSpan(lengths, burst, measured.ClockSpan);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Backend: the embedded llama2.c engine on {Path.GetFileName(model)} (real tokens, real time), {backend.Slots} slots; {burst.Count} agents at once took {measured.ClockSpan.TotalSeconds:0.00} s, "
                + $"so arrivals spread over {span.TotalSeconds:0.0} s keep the slots about {DemoWorkload.RealLoad * 100:0}% busy."));
            var work = DemoWorkload.Real(trace, span);
            // The chosen policy, then FIFO on the same arrivals: the difference scheduling makes, on screen.
            foreach (var policy in new[] { settings.Policy ?? "sjf", "fifo" }.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                stderr.WriteLine($"policy {policy}:");
                results.Add(DemoRun.RealAsync(work, backend, $"{backend.Name} (embedded engine, {backend.Slots} slots)", policy, stderr).GetAwaiter().GetResult());
            }
        }
        else
        {
            var latency = new SimulatedLatencyModel();
            var work = DemoWorkload.Simulated(trace, settings.Slots, latency);
            stdout.WriteLine($"Backend: SIMULATOR — {SimulatedLlmBackend.Label}: {settings.Slots} slots, first token {latency.FirstTokenBase.TotalMilliseconds:0} ms + "
                + $"{latency.PrefillPerToken.TotalMilliseconds:0.###} ms/prompt token, {latency.DecodePerToken.TotalMilliseconds:0} ms/output token; virtual time, arrivals scaled to load {DemoWorkload.SimulatedLoad}."
                + (model is null && settings.Backend is null ? " (No embedded model found: pass --model FILE --tokenizer FILE to run real tokens.)" : ""));
            string[] policies = settings.Compare ? ComparedPolicies : [settings.Policy ?? "sjf"];
            foreach (var policy in policies)
            {
                if (settings.Compare)
                {
                    stderr.WriteLine($"policy {policy}:");
                }
                results.Add(DemoRun.Virtual(work, policy, settings.Slots, latency, stderr));
            }
        }
        PrintTable(stdout, results, trace.Count);
        return results.All(r => r.Stats.Failed == 0 && r.Stats.Done == trace.Count) ? 0 : 1;
    }

    // Agents arrive following the Azure trace when ../shared is at hand, otherwise the built-in pattern; says which.
    // A remote server gets fewer of them: its calls may cost money.
    private static IReadOnlyList<TraceRequest> Arrivals(Settings settings, bool remote, TextWriter stdout)
    {
        int agents = settings.Agents > 0 ? settings.Agents : (remote, settings.Quick) switch
        {
            (true, true) => 12,
            (true, false) => 48,
            (false, true) => 60,
            (false, false) => 400,
        };
        string? tracePath = LlmTrace.FindSharedData(Path.Combine("traces", LlmTrace.AzureConversation));
        var trace = tracePath is not null ? LlmTrace.ReadCsv(tracePath, agents) : LlmTrace.Synthetic(agents);
        string source = tracePath is not null
            ? $"the first {trace.Count} requests of {LlmTrace.AzureConversation}"
            : $"{trace.Count} requests of the built-in pattern (Poisson 5.5/s, log-normal lengths; ../shared/data not found)";
        stdout.WriteLine($"AgentOS {AgentOSInfo.Version} demo: {trace.Count} agents arrive following {source}; each makes 2 LLM, 2 memory, 1 storage and 1 tool syscall.");
        return trace;
    }

    // The same workload on a real OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp's server...), in real time.
    private static int RunOpenAi(Settings settings, TextWriter stdout, TextWriter stderr)
    {
        if (settings.BaseUrl is null || settings.Model is null || settings.Compare)
        {
            stderr.WriteLine("agentos demo: --backend openai needs --base-url URL and --model NAME (and runs one policy: --compare-policies is for the simulator).");
            stderr.WriteLine("usage: dotnet AgentOS.Core.dll " + Usage);
            return CommandLine.UsageError;
        }
        var trace = Arrivals(settings, remote: true, stdout);
        using var backend = new Llm.Http.OpenAiBackend(new Llm.Http.OpenAiBackendOptions
        {
            BaseUrl = settings.BaseUrl,
            Models = [settings.Model],
            Slots = settings.Slots,
            ToolCalls = false,
            JsonOutput = false,
        });
        stdout.WriteLine($"Backend: the OpenAI-compatible server at {settings.BaseUrl}, model {settings.Model} ({settings.Slots} slots; real time); arrivals squeezed into {(settings.Quick ? 2 : 5)} s.");
        var work = DemoWorkload.Real(trace, TimeSpan.FromSeconds(settings.Quick ? 2 : 5));
        var result = DemoRun.RealAsync(work, backend, $"{backend.Name} (OpenAI-compatible, {settings.BaseUrl}, model {settings.Model})", settings.Policy ?? "sjf", stderr).GetAwaiter().GetResult();
        PrintTable(stdout, [result], trace.Count);
        return result.Stats.Failed == 0 && result.Stats.Done == trace.Count ? 0 : 1;
    }

    private static void PrintTable(TextWriter stdout, List<DemoResult> results, int agents)
    {
        stdout.WriteLine();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"policy",-9}{"agents",7}{"done",7}{"failed",7}{"mean_s",10}{"p50_s",10}{"p99_s",10}{"llm_p50_s",11}{"llm_p99_s",11}{"llm_missed",11}{"clock_s",10}{"wall_s",8}"));
        foreach (var r in results)
        {
            var a = r.Stats.Agents();
            var l = r.Stats.LlmCalls();
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Policy,-9}{agents,7}{r.Stats.Done,7}{r.Stats.Failed,7}{a.Mean,10:0.000}{a.P50,10:0.000}{a.P99,10:0.000}{l.P50,11:0.000}{l.P99,11:0.000}{r.Queues["llm"].DeadlinesMissed,11}{r.ClockSpan.TotalSeconds,10:0.0}{r.Wall.TotalSeconds,8:0.00}"));
        }
        stdout.WriteLine();
        var first = results[0];
        var q = first.Queues;
        stdout.WriteLine($"backend: {first.Backend}");
        stdout.WriteLine($"syscalls completed ({first.Policy}): llm {q["llm"].Completed}, memory {q["memory"].Completed}, storage {q["storage"].Completed}, tool {q["tool"].Completed}");
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"output-length estimator ({first.Policy}): rank concordance {first.EstimatorSkill:0.00} — ")
            + (first.EstimatorHasSkill ? "skilled: sjf sorts on learned lengths per (agent, call site)" : "no skill: sjf keeps FIFO order"));
        if (!first.Backend.Contains(SimulatedLlmBackend.Label, StringComparison.Ordinal))
        {
            stdout.WriteLine("first answers:");
            foreach (var (agent, text) in first.Stats.Samples())
            {
                stdout.WriteLine($"[agent-{agent:D5}] {text.ReplaceLineEndings(" ")}");
            }
        }
        foreach (var r in results.Where(r => r.Stats.FirstError is not null))
        {
            stdout.WriteLine($"{r.Policy}: first failure: {r.Stats.FirstError}");
        }
        if (results.Any(r => r.Policy is "rr" or "las") && first.Backend.Contains(SimulatedLlmBackend.Label, StringComparison.Ordinal))
        {
            stdout.WriteLine("rr and las run without mid-generation preemption here (the simulator finishes a started generation); see the scheduling benchmarks for preemptive runs.");
        }
    }

    // The demo with the dashboard: waves of agents on a real-time kernel until Ctrl+C, and the URL to watch them at.
    private static int Serve(Settings settings, EmbeddedLlmBackend? embedded, TextWriter stdout, TextWriter stderr)
    {
        if (settings.Compare)
        {
            stderr.WriteLine("agentos demo: --serve runs one policy in real time; drop --compare-policies.");
            return CommandLine.UsageError;
        }
        if (settings.Agents == 0)
        {
            settings.Agents = 40; // a wave that ends within a minute, so the page shows waves coming and going
        }
        var trace = Arrivals(settings, remote: false, stdout);
        ILlmBackend backend;
        IReadOnlyList<DemoRequest> work;
        if (embedded is not null)
        {
            backend = embedded;
            work = DemoWorkload.Real(trace, TimeSpan.FromSeconds(20));
            stdout.WriteLine($"Backend: the embedded llama2.c engine ({embedded.Slots} slots), real time.");
        }
        else
        {
            var latency = new SimulatedLatencyModel();
            backend = new SimulatedLlmBackend(TimeProvider.System, settings.Slots, latency);
            work = DemoWorkload.Simulated(trace, settings.Slots, latency);
            stdout.WriteLine($"Backend: SIMULATOR on the real clock — {SimulatedLlmBackend.Label}, {settings.Slots} slots.");
        }
        var demo = DemoServe.Start(backend, work, settings.Port, TimeSpan.FromSeconds(3));
        try
        {
            if (settings.Policy is { } policy)
            {
                demo.Kernel.SetQueuePolicy("llm", policy);
            }
            stdout.WriteLine($"Dashboard: {demo.Server.Url}  (log in with the token {demo.Token})");
            stdout.WriteLine("Waves of agents keep arriving; a janitor agent's delete waits in Approvals. Ctrl+C stops.");
            stdout.Flush();
            // Ctrl+C or SIGTERM (as serve stops), or a wave loop that failed.
            using var stopped = new ManualResetEventSlim();
            using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
            using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);
            WaitHandle.WaitAny([stopped.WaitHandle, ((IAsyncResult)demo.Running).AsyncWaitHandle]);
            stdout.WriteLine($"Stopping after {demo.Waves} waves.");
            return demo.Running.IsFaulted ? 1 : 0;

            void Stop(System.Runtime.InteropServices.PosixSignalContext context)
            {
                context.Cancel = true;
                stopped.Set();
            }
        }
        finally
        {
            demo.DisposeAsync().AsTask().GetAwaiter().GetResult();
            (backend as IDisposable)?.Dispose();
        }
    }

    private sealed class Settings
    {
        public bool Quick;
        public bool Compare;
        public int Agents;
        public int Slots = 8;
        public string? Policy;
        public string? Backend;
        public string? Model;
        public string? Tokenizer;
        public string? BaseUrl;
        public bool Serve;
        public int Port;
    }
}

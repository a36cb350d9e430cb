using System.Diagnostics;
using System.Globalization;
using AgentOS.Llm.Embedded;

namespace AgentOS.Hosting;

/// <summary>
/// <c>generate</c>: llama2.c's run.c on the embedded engine. Same defaults and same meaning of each option as run.c
/// (temperature 1.0, top-p 0.9, 256 steps counting the prompt, seed 0 = the clock; out-of-range values corrected the
/// way run.c corrects them), the prompt echoed and the generated text printed piece by piece to stdout as run.c prints
/// them, and run.c's "achieved tok/s" line on stderr. run.c's own command line works too
/// (<c>generate model.bin -z tok.bin -t 0 -n 20 -i "prompt"</c>), so a run.c invocation can be pasted as it is.
/// </summary>
internal static class GenerateCommand
{
    public const string Usage = "generate --model FILE --tokenizer FILE [--prompt TEXT] [--temperature T] [--top-p P] [--seed S] [--steps N]\n" +
        "                   or (run.c's own form): generate MODEL [-z TOKENIZER] [-i PROMPT] [-t T] [-p P] [-s S] [-n N] [-m generate]";

    // run.c's one-letter options, each followed by its value, and the long option each means here.
    private static readonly Dictionary<string, string> RunCOptions = new(StringComparer.Ordinal)
    {
        ["-z"] = "--tokenizer",
        ["-i"] = "--prompt",
        ["-t"] = "--temperature",
        ["-p"] = "--top-p",
        ["-s"] = "--seed",
        ["-n"] = "--steps",
        ["-m"] = "--mode",
    };

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? model = null, tokenizer = null, prompt = null, mode = "generate";
        // run.c's form: the checkpoint comes first, and its tokenizer defaults to tokenizer.bin in the working folder.
        bool runCForm = args.Length > 0 && !args[0].StartsWith('-');
        if (runCForm)
        {
            (model, tokenizer, args) = (args[0], "tokenizer.bin", args[1..]);
        }
        float temperature = 1.0f, topP = 0.9f;
        ulong seed = 0;
        int steps = 256;
        for (int i = 0; i < args.Length; i++)
        {
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            string option = args[i];
            bool ok = (RunCOptions.TryGetValue(option, out var longOption) ? longOption : option) switch
            {
                "--model" => (model = Next()) is not null,
                "--tokenizer" => (tokenizer = Next()) is not null,
                "--prompt" => (prompt = Next()) is not null,
                "--temperature" => float.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out temperature),
                "--top-p" => float.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out topP),
                "--seed" => ulong.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out seed),
                "--steps" => int.TryParse(Next(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out steps),
                "--mode" => (mode = Next()) is not null,
                _ => false,
            };
            if (!ok)
            {
                stderr.WriteLine($"agentos generate: bad or incomplete option '{option}'.");
                stderr.WriteLine("usage: dotnet AgentOS.Core.dll " + Usage);
                return CommandLine.UsageError;
            }
        }
        if (mode != "generate")
        {
            stderr.WriteLine($"agentos generate: mode '{mode}' is not supported; only run.c's 'generate' mode is (chat runs through the kernel: see the demo and the API).");
            return CommandLine.UsageError;
        }
        if (model is null || tokenizer is null)
        {
            stderr.WriteLine("agentos generate: --model and --tokenizer are required (a llama2.c checkpoint and its tokenizer.bin).");
            stderr.WriteLine("usage: dotnet AgentOS.Core.dll " + Usage);
            return CommandLine.UsageError;
        }

        Llama2Generator generator;
        try
        {
            var loaded = new Llama2Model(Llama2Checkpoint.Load(model));
            generator = new Llama2Generator(loaded, Llama2Tokenizer.Load(tokenizer, loaded.Config.VocabSize));
        }
        catch (ModelFormatException ex)
        {
            stderr.WriteLine($"agentos generate: {ex.Message}");
            return 1;
        }

        // run.c's corrections, in its order.
        if (temperature < 0)
        {
            temperature = 0;
        }
        if (topP is < 0 or > 1)
        {
            topP = 0.9f;
        }
        if (seed == 0)
        {
            seed = (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        }
        if (steps <= 0 || steps > generator.Model.Config.SeqLen)
        {
            steps = generator.Model.Config.SeqLen;
        }

        var output = new PieceWriter(stdout);
        using var generation = generator.Start(prompt ?? "", steps, new Llama2Sampler(temperature, topP, seed));
        long clockStart = 0;
        while (!generation.IsFinished)
        {
            // As run.c: each position prints the token that follows it, the next prompt token while the prompt is fed
            // (so a step budget inside the prompt prints only that much of it), then each sampled one.
            int previous = generation.PendingToken;
            bool prefill = generation.InPrefill;
            int token = generation.Step();
            int next = prefill ? generation.PendingToken : token;
            if (next >= 0)
            {
                output.Write(generator.Tokenizer.Decode(previous, next));
            }
            // run.c's clock starts after the first position (which may be slow) and its count is every position after
            // that, prompt positions included: tok/s here means the same as there.
            if (clockStart == 0)
            {
                clockStart = Stopwatch.GetTimestamp();
            }
        }
        stdout.WriteLine();
        stdout.Flush();
        if (generation.Position > 1)
        {
            double seconds = Stopwatch.GetElapsedTime(clockStart).TotalSeconds;
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"achieved tok/s: {(generation.Position - 1) / seconds:F6}"));
        }
        return 0;
    }

    // Pieces are bytes and a UTF-8 character may span two tokens: they are joined as run.c's terminal would.
    private sealed class PieceWriter(TextWriter writer)
    {
        private readonly Utf8Pieces _text = new();

        // run.c's safe_printf: a lone raw byte is printed only if it is printable or white space.
        public void Write(byte[] piece)
        {
            if (piece.Length == 1 && !(piece[0] is >= 0x20 and < 0x7f or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r'))
            {
                return;
            }
            writer.Write(_text.Decode(piece));
        }
    }
}

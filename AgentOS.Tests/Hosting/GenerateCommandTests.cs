using AgentOS.Llm.Embedded;
using AgentOS.Tests.Framework;
using AgentOS.Tests.Helpers;
using AgentOS.Tests.Llm;

namespace AgentOS.Tests.Hosting;

/// <summary>
/// <c>dotnet AgentOS.Core.dll generate</c> as a child process: it must print what llama2.c's run.c prints for the same
/// options — the run.c token ids recorded in <see cref="Llama2ExactnessTests"/>, decoded — and its tok/s line.
/// </summary>
[RequiresShared("data/models/stories260K.bin")]
[RequiresShared("data/models/tok512.bin")]
public sealed class GenerateCommandTests
{
    private static readonly string Model = RepoPaths.Shared("data/models/stories260K.bin");
    private static readonly string TokenizerFile = RepoPaths.Shared("data/models/tok512.bin");

    [Test]
    public async Task GreedyWithoutAPromptPrintsRunCsStory()
    {
        var (stdout, stderr) = await Generate("--temperature", "0");
        Assert.True(stdout.StartsWith("Once upon a time, there was a little girl named Lily.", StringComparison.Ordinal), stdout);
        Assert.Equal(Decode(Llama2ExactnessTests.NoPromptGreedy), stdout);
        Assert.Contains("achieved tok/s: ", stderr);
    }

    [Test]
    public async Task APromptIsEchoedThenContinuedAsRunCDoes()
    {
        var (stdout, _) = await Generate("--temperature", "0", "--prompt", "Lily and Tom went to the park");
        Assert.Equal("Lily and Tom went to the park" + Decode(Llama2ExactnessTests.PromptGreedy, previous: 0 /* the prompt's last token, not BOS */), stdout);
    }

    [Test]
    public async Task RunCsDefaultsApplyToASeededRun()
    {
        // Temperature 1.0 and top-p 0.9 are run.c's defaults, so only the seed is given (run.c: -s 42).
        var (stdout, _) = await Generate("--seed", "42");
        Assert.Equal(Decode(Llama2ExactnessTests.NoPromptSeed42), stdout);
    }

    [Test]
    public async Task StepsCountThePromptAndOutOfRangeValuesAreCorrectedAsRunCDoes()
    {
        // run.c's steps count positions; with no prompt only BOS is forced, so 5 steps print 5 tokens.
        var (five, _) = await Generate("--temperature", "0", "--steps", "5");
        Assert.Equal(Decode(Llama2ExactnessTests.NoPromptGreedy[..5]), five);
        // A negative temperature means greedy; a top-p above 1 means 0.9; steps past the context mean the whole context
        // (512 positions here, so the 256 recorded tokens are a prefix of a longer story).
        var (corrected, _) = await Generate("--temperature", "-1", "--top-p", "7", "--steps", "100000");
        string recorded = Decode(Llama2ExactnessTests.NoPromptGreedy);
        Assert.True(corrected.StartsWith(recorded, StringComparison.Ordinal), corrected);
        Assert.True(corrected.Length > recorded.Length + 1, "the whole context is longer than 256 steps");
    }

    [Test]
    public async Task RunCsOwnCommandLineGivesTheSameOutput()
    {
        // run.c stories260K.bin -z tok512.bin -t 0 -n 20 -i "Lily and Tom went to the park"
        var (runC, _) = await Run(["generate", Model, "-z", TokenizerFile, "-t", "0", "-n", "20", "-i", "Lily and Tom went to the park"]);
        var (longForm, _) = await Generate("--temperature", "0", "--steps", "20", "--prompt", "Lily and Tom went to the park");
        Assert.Equal(longForm, runC);
        Assert.True(runC.StartsWith("Lily and Tom went to the park", StringComparison.Ordinal), runC);
        // -p and -s as run.c reads them, and -m generate accepted.
        var (seeded, _) = await Run(["generate", Model, "-z", TokenizerFile, "-s", "42", "-p", "0.9", "-m", "generate"]);
        Assert.Equal(Decode(Llama2ExactnessTests.NoPromptSeed42), seeded);

        // run.c's chat mode is not offered, and says so; a one-letter option without its value is refused.
        using (var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["generate", Model, "-z", TokenizerFile, "-m", "chat"]))
        {
            Assert.Equal(2, await child.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("mode 'chat' is not supported", child.Stderr);
        }
        using (var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["generate", Model, "-z", TokenizerFile, "-t"]))
        {
            Assert.Equal(2, await child.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("bad or incomplete option '-t'", child.Stderr);
        }
    }

    [Test]
    public async Task A_step_budget_inside_the_prompt_prints_that_much_and_counts_positions_as_run_c()
    {
        // run.c -n 3 -i "Lily and Tom went to the park": three positions, each printing the prompt token after it, and
        // a tok/s line, because run.c counts positions (prompt included), not generated tokens (none here).
        var prompt = Llama2Tokenizer.Load(TokenizerFile, 512).Encode("Lily and Tom went to the park", bos: true);
        Assert.True(prompt.Count > 4, "the prompt must outlast the step budget");
        var (stdout, stderr) = await Run(["generate", Model, "-z", TokenizerFile, "-t", "0", "-n", "3", "-i", "Lily and Tom went to the park"]);
        Assert.Equal(Decode([prompt[1], prompt[2], prompt[3]]), stdout);
        Assert.Contains("achieved tok/s: ", stderr);
    }

    [Test]
    public async Task MissingOptionsAndBadFilesGetClearErrors()
    {
        using (var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["generate", "--model", Model]))
        {
            Assert.Equal(2, await child.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("--model and --tokenizer are required", child.Stderr);
        }
        using (var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["generate", "--model", Model, "--tokenizer", TokenizerFile, "--temperature", "warm"]))
        {
            Assert.Equal(2, await child.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("bad or incomplete option '--temperature'", child.Stderr);
        }
        using var temp = new TempDirectory();
        var foreign = temp.Combine("foreign.bin");
        await File.WriteAllTextAsync(foreign, "this is not a checkpoint");
        using (var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, ["generate", "--model", foreign, "--tokenizer", TokenizerFile]))
        {
            Assert.Equal(1, await child.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("foreign.bin", child.Stderr);
            Assert.Equal("", child.Stdout);
        }
    }

    private static Task<(string Stdout, string Stderr)> Generate(params string[] options) =>
        Run(["generate", "--model", Model, "--tokenizer", TokenizerFile, .. options]);

    private static async Task<(string Stdout, string Stderr)> Run(string[] arguments)
    {
        using var child = ChildProcess.StartDotnet(RepoPaths.CoreDll, arguments);
        Assert.Equal(0, await child.WaitForExitAsync(TimeSpan.FromSeconds(60)), child.Stderr);
        return (child.Stdout, child.Stderr);
    }

    // The text run.c prints for generated ids: each piece decoded after its predecessor.
    private static string Decode(IReadOnlyList<int> ids, int previous = Llama2Tokenizer.Bos)
    {
        var tokenizer = Llama2Tokenizer.Load(TokenizerFile, 512);
        var bytes = new List<byte>();
        foreach (int id in ids)
        {
            bytes.AddRange(tokenizer.Decode(previous, id));
            previous = id;
        }
        return System.Text.Encoding.UTF8.GetString([.. bytes]);
    }
}

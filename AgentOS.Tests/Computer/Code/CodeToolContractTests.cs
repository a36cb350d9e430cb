using AgentOS.Computer.Code;
using AgentOS.Syscalls.Errors;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Computer.Code;

/// <summary>
/// What code.run promises in every language: state survives between calls, the last expression's value comes back,
/// an exception comes with its traceback and leaves the state alone, files the call touched are listed, output is
/// capped with the truncation stated, and a call that runs too long (or an interpreter that dies) is replaced by a
/// fresh interpreter, saying the state was lost. Each language supplies the snippets.
/// </summary>
public abstract class CodeToolContractTests
{
    protected abstract string Language { get; }

    /// <summary>Wraps a session's commands in a sandbox (given its workspace), or null to run them directly.</summary>
    protected virtual Func<string, Func<IReadOnlyList<string>, string, IReadOnlyList<string>>>? Sandbox => null;

    private protected CodeFixture NewFixture(CodeToolOptions options, TimeProvider? time = null) => new(options, Sandbox, time);

    protected virtual CodeToolOptions Options(int maxOutputBytes = 64 * 1024) => new() { MaxOutputBytes = maxOutputBytes };

    /// <summary>Defines <c>x = 41</c> and imports a module; <see cref="UseStateCode"/> returns 42 through both.</summary>
    protected abstract string DefineStateCode { get; }
    protected abstract string UseStateCode { get; }

    /// <summary>Prints <c>hello</c>, then evaluates <c>6 * 7</c> as its last expression.</summary>
    protected abstract string PrintThenValueCode { get; }

    /// <summary>Ends with an assignment (no value).</summary>
    protected abstract string StatementCode { get; }

    /// <summary>Calls a function <c>boom</c> that raises/throws <see cref="ErrorType"/> with message "bad input".</summary>
    protected abstract string RaiseCode { get; }
    protected abstract string ErrorType { get; }

    /// <summary>The error a name that is not defined raises.</summary>
    protected abstract string UndefinedNameError { get; }

    /// <summary>Creates <c>out/data.csv</c> holding "a,b\n" (4 bytes).</summary>
    protected abstract string CreateFileCode { get; }

    /// <summary>Appends "1,2\n" to <c>out/data.csv</c> and deletes <c>gone.txt</c>.</summary>
    protected abstract string ModifyAndDeleteCode { get; }

    protected abstract string LoopForeverCode { get; }

    /// <summary>Writes 5000 'x' and a newline to stdout.</summary>
    protected abstract string BigOutputCode { get; }

    /// <summary>Ends the interpreter process with exit code 3.</summary>
    protected abstract string ExitCode3 { get; }

    /// <summary>Runs a child process that writes <c>from-child</c> to stdout and <c>warn</c> to stderr.</summary>
    protected abstract string ChildProcessCode { get; }

    [Test]
    public async Task VariablesAndImportsSurviveBetweenCalls()
    {
        await using var f = NewFixture(Options());
        var first = await f.Run(Language, DefineStateCode);
        Assert.Null(first.Str("value"));
        Assert.Equal(1, first.GetProperty("execution_count").GetInt32());
        Assert.False(first.Flag("state_lost"));

        var second = await f.Run(Language, UseStateCode);
        Assert.Equal("42", second.Str("value"));
        Assert.Equal(2, second.GetProperty("execution_count").GetInt32());
        Assert.False(second.Flag("state_lost"));
    }

    [Test]
    public async Task TheLastExpressionsValueAndTheOutputComeBack()
    {
        await using var f = NewFixture(Options());
        var output = await f.Call(Language, PrintThenValueCode);
        var r = output.Structured!.Value;
        Assert.Equal("hello\n", r.Str("stdout"));
        Assert.Equal("", r.Str("stderr"));
        Assert.Equal("42", r.Str("value"));
        Assert.Equal("[stdout]\nhello\n[value: " + r.Str("value_type") + "]\n42", output.Text);

        var statement = await f.Run(Language, StatementCode);
        Assert.Null(statement.Str("value"));
        Assert.False(statement.TryGetProperty("error", out _));
    }

    [Test]
    public async Task AnExceptionComesWithItsTracebackAndLeavesTheStateAlone()
    {
        await using var f = NewFixture(Options());
        await f.Run(Language, DefineStateCode);
        var output = await f.Call(Language, RaiseCode);
        Assert.False(output.IsError, "an exception in the code is the code's result, not a failed tool call");
        var error = output.Structured!.Value.GetProperty("error");
        Assert.Equal(ErrorType, error.Str("type"));
        Assert.Equal("bad input", error.Str("message"));
        Assert.Contains("boom", error.Str("traceback"));
        Assert.Contains("<cell 2>", error.Str("traceback"));
        Assert.DoesNotContain("agentos", error.Str("traceback")!.ToLowerInvariant());
        Assert.Contains($"[error: {ErrorType}] bad input", output.Text);

        Assert.Equal("42", (await f.Run(Language, UseStateCode)).Str("value"));
    }

    [Test]
    public async Task FilesTheCallCreatedChangedOrDeletedAreListed()
    {
        await using var f = NewFixture(Options());
        var created = await f.Run(Language, CreateFileCode);
        Assert.SequenceEqual([("out/data.csv", "created", (long?)4)], created.Files());
        Assert.Equal("a,b\n", File.ReadAllText(f.Workspace.Combine("out", "data.csv")));

        File.WriteAllText(f.Workspace.Combine("gone.txt"), "bye");
        Assert.SequenceEqual([], (await f.Run(Language, StatementCode)).Files());

        var changed = await f.Run(Language, ModifyAndDeleteCode);
        Assert.SequenceEqual([("gone.txt", "deleted", (long?)null), ("out/data.csv", "modified", (long?)8)], changed.Files());
    }

    [Test]
    public async Task OutputPastTheCapIsCutAndTheTruncationStated()
    {
        await using var f = NewFixture(Options(maxOutputBytes: 1000));
        var output = await f.Call(Language, BigOutputCode);
        var r = output.Structured!.Value;
        Assert.True(r.Flag("stdout_truncated"));
        Assert.Equal(5001, r.GetProperty("stdout_bytes").GetInt64());
        Assert.Equal(new string('x', 1000), r.Str("stdout"));
        Assert.Contains("[stdout truncated: 5001 bytes written, the first 1000 shown]", output.Text);
    }

    [Test]
    public async Task OutputOfChildProcessesIsCaptured()
    {
        await using var f = NewFixture(Options());
        var r = await f.Run(Language, ChildProcessCode);
        Assert.Equal("from-child\n", r.Str("stdout"));
        Assert.Equal("warn\n", r.Str("stderr"));
        Assert.Equal("42", (await f.Run(Language, "6 * 7")).Str("value"));
    }

    [Test]
    public async Task ACallPastItsTimeoutKillsTheInterpreterAndTheNextCallRunsInAFreshOne()
    {
        await using var f = NewFixture(Options());
        await f.Run(Language, DefineStateCode);
        var output = await f.Call(Language, LoopForeverCode, timeoutMs: 300);
        var r = output.Structured!.Value;
        Assert.True(r.Flag("timed_out"));
        Assert.True(r.Flag("state_lost"));
        Assert.Equal("Timeout", r.ErrorType());
        Assert.Contains("restarted", r.Str("note"));
        Assert.Contains("[note] ", output.Text);

        var after = await f.Run(Language, UseStateCode);
        Assert.Equal(UndefinedNameError, after.ErrorType());
        Assert.Equal(1, after.GetProperty("execution_count").GetInt32());
        Assert.False(after.Flag("state_lost"), "the timed-out call already said so");
        Assert.Equal("42", (await f.Run(Language, "6 * 7")).Str("value"));
    }

    [Test]
    public async Task AnInterpreterThatExitsIsReportedAndReplaced()
    {
        await using var f = NewFixture(Options());
        await f.Run(Language, DefineStateCode);
        var r = await f.Run(Language, ExitCode3);
        Assert.Equal("InterpreterExited", r.ErrorType());
        Assert.Contains("exit code 3", r.GetProperty("error").Str("message"));
        Assert.True(r.Flag("state_lost"));
        Assert.Equal(UndefinedNameError, (await f.Run(Language, UseStateCode)).ErrorType());
    }

    [Test]
    public async Task SessionsDoNotShareStateAndOnlyTheOwnerReachesOne()
    {
        await using var f = NewFixture(Options());
        await f.Run(Language, DefineStateCode);
        Assert.Equal(UndefinedNameError, (await f.Run(Language, UseStateCode, session: "s2")).ErrorType());
        await Assert.ThrowsAsync<InvalidRequestException>(() => f.Call(Language, UseStateCode, agent: "mallory"));
        Assert.Equal("42", (await f.Run(Language, UseStateCode)).Str("value"));
    }

    [Test]
    public async Task ClosingASessionStopsItsInterpreters()
    {
        await using var f = NewFixture(Options());
        await f.Run(Language, DefineStateCode);
        await f.Run(Language, DefineStateCode, session: "s2");
        Assert.Equal(2, f.Pool.Count);
        await f.Pool.CloseSessionAsync("s1");
        Assert.Equal(1, f.Pool.Count);
        Assert.Equal(UndefinedNameError, (await f.Run(Language, UseStateCode)).ErrorType());
        Assert.Equal("42", (await f.Run(Language, UseStateCode, session: "s2")).Str("value"));
    }

    [Test]
    public async Task ClosingASessionMidCallEndsTheCallAndStartsNothingNew()
    {
        await using var f = NewFixture(Options());
        var call = f.Call(Language, LoopForeverCode, timeoutMs: 120_000);
        while (f.Pool.Count == 0)
        {
            Assert.False(call.IsCompleted, call.IsCompleted ? call.Result.Text : "");
            await Task.Delay(10);
        }
        await f.Pool.CloseSessionAsync("s1");
        var r = (await call).Structured!.Value;
        Assert.Equal("InterpreterExited", r.ErrorType());
        Assert.True(r.Flag("state_lost"));
        Assert.Contains("was closed during the call", r.Str("note"));
        Assert.False(r.Flag("timed_out"));
        Assert.Equal(0, f.Pool.Count);
    }

    [Test]
    public async Task AnInterpreterThatCannotStartIsATypedErrorNamingWhatToInstall()
    {
        await using var f = NewFixture(new CodeToolOptions { Python = "/nonexistent/python3", Node = "/nonexistent/node" });
        var ex = await Assert.ThrowsAsync<CapabilityNotSupportedException>(() => f.Call(Language, "1"));
        Assert.Contains("Install", ex.Message);
        Assert.Equal(0, f.Pool.Count);
    }
}

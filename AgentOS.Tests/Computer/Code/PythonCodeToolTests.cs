using AgentOS.Computer.Code;
using AgentOS.Syscalls.Errors;
using AgentOS.Time;
using AgentOS.Tests.Framework;

namespace AgentOS.Tests.Computer.Code;

/// <summary>code.run's contract in Python 3, and what only Python does.</summary>
[RequiresCommand("python3")]
public class PythonCodeToolTests : CodeToolContractTests
{
    protected override string Language => "python";
    protected override string DefineStateCode => "import math\nx = 41";
    protected override string UseStateCode => "math.floor(x + 1.5)";
    protected override string PrintThenValueCode => "print('hello')\n6 * 7";
    protected override string StatementCode => "y = 5";
    protected override string RaiseCode => "def boom():\n    raise ValueError('bad input')\n\nboom()";
    protected override string ErrorType => "ValueError";
    protected override string UndefinedNameError => "NameError";
    protected override string CreateFileCode => "import os\nos.makedirs('out', exist_ok=True)\nwith open('out/data.csv', 'w') as f:\n    f.write('a,b\\n')";
    protected override string ModifyAndDeleteCode => "with open('out/data.csv', 'a') as f:\n    f.write('1,2\\n')\nos.remove('gone.txt')";
    protected override string LoopForeverCode => "while True:\n    pass";
    protected override string BigOutputCode => "print('x' * 5000)";
    protected override string ExitCode3 => "import os\nos._exit(3)";
    protected override string ChildProcessCode => "import subprocess\nsubprocess.run(['sh', '-c', 'echo from-child; echo warn >&2']).returncode";

    [Test]
    public async Task ValuesComeBackAsReprAndAreBoundToUnderscore()
    {
        await using var f = NewFixture(Options());
        var text = await f.Run(Language, "'it' + \"'s\"");
        Assert.Equal("\"it's\"", text.Str("value"));
        Assert.Equal("str", text.Str("value_type"));
        Assert.Equal("4", (await f.Run(Language, "len(_)")).Str("value"));
        Assert.Null((await f.Run(Language, "None")).Str("value"));
    }

    [Test]
    public async Task ASyntaxErrorIsReportedWithTheLineAndChangesNothing()
    {
        await using var f = NewFixture(Options());
        await f.Run(Language, "x = 1");
        var r = await f.Run(Language, "x = 2\ny = (");
        Assert.Equal("SyntaxError", r.ErrorType());
        Assert.Contains("line 2", r.GetProperty("error").Str("traceback"));
        Assert.Equal("1", (await f.Run(Language, "x")).Str("value"));
    }

    [Test]
    public async Task SystemExitInACellIsAnErrorNotTheEndOfTheInterpreter()
    {
        await using var f = NewFixture(Options());
        await f.Run(Language, "x = 7");
        Assert.Equal("SystemExit", (await f.Run(Language, "import sys\nsys.exit(1)")).ErrorType());
        Assert.Equal("7", (await f.Run(Language, "x")).Str("value"));
    }

    [Test]
    public async Task AnIdleInterpreterIsStoppedAndTheNextCallSaysItsStateIsGone()
    {
        var clock = new ManualTimeProvider();
        await using var f = NewFixture(new CodeToolOptions { IdleTimeout = TimeSpan.FromMinutes(1) }, clock);
        await f.Run(Language, "x = 1");
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal("1", (await f.Run(Language, "x")).Str("value"));
        Assert.Equal(1, f.Pool.Count);

        clock.Advance(TimeSpan.FromSeconds(75));
        while (f.Pool.Count != 0)
        {
            await Task.Delay(10);
        }
        var r = await f.Run(Language, "x");
        Assert.Equal("NameError", r.ErrorType());
        Assert.True(r.Flag("state_lost"));
        Assert.Contains("stopped after 00:01:00 idle", r.Str("note"));
    }

    [Test]
    public async Task AnUnknownLanguageOrATimeoutPastTheMaximumIsRefused()
    {
        await using var f = NewFixture(Options());
        var language = await Assert.ThrowsAsync<InvalidRequestException>(() => f.Call("cobol", "1"));
        Assert.Contains("use 'python' or 'node'", language.Message);
        await Assert.ThrowsAsync<InvalidRequestException>(() => f.Call(Language, "1", timeoutMs: 3_600_000));
        Assert.Equal(0, f.Pool.Count);
    }
}

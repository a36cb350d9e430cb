using System.Text;

namespace AgentOS.Tests.Framework;

/// <summary>
/// Routes Console output to the test that wrote it. The target lives in an <see cref="AsyncLocal{T}"/>, so it flows
/// into the test's async continuations and the threads it starts; once a test has ended (or been abandoned after its
/// timeout) its buffer is sealed and later writes are dropped, so a stuck test can never print after the summary.
/// </summary>
internal sealed class OutputCapture : TextWriter
{
    private static readonly AsyncLocal<TestOutput?> Current = new();
    private readonly TextWriter _real;

    private OutputCapture(TextWriter real) => _real = real;

    public override Encoding Encoding => _real.Encoding;

    /// <summary>Installs capture on Console.Out and Console.Error; returns the real stdout for the runner's own lines.</summary>
    public static TextWriter Install()
    {
        var realOut = Console.Out;
        Console.SetOut(new OutputCapture(realOut));
        Console.SetError(new OutputCapture(Console.Error));
        return realOut;
    }

    /// <summary>Makes <paramref name="output"/> the target of this thread's (and its descendants') console writes.</summary>
    public static void Attach(TestOutput output) => Current.Value = output;

    public override void Write(char value)
    {
        if (Current.Value is { } output)
        {
            output.Append(value.ToString());
        }
        else
        {
            _real.Write(value);
        }
    }

    public override void Write(string? value)
    {
        if (Current.Value is { } output)
        {
            output.Append(value);
        }
        else
        {
            _real.Write(value);
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value) => Write(value + Environment.NewLine);

    public override void Flush() => _real.Flush();
}

/// <summary>One test's captured console output.</summary>
internal sealed class TestOutput
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();
    private bool _sealed;

    public void Append(string? value)
    {
        lock (_gate)
        {
            if (!_sealed)
            {
                _text.Append(value);
            }
        }
    }

    /// <summary>Stops accepting writes and returns what was written.</summary>
    public string Seal()
    {
        lock (_gate)
        {
            _sealed = true;
            return _text.ToString();
        }
    }
}

namespace AgentOS.Access;

/// <summary>
/// Asks a person at the terminal: prints the request and reads <c>y</c> or <c>n</c>. When there is no terminal
/// (standard input redirected, as in CI or under a service manager) it denies at once and says why and how to allow
/// the operation, so an unattended run never hangs waiting for an answer.
/// </summary>
/// <remarks>Questions go to standard error, so a command whose standard output is a protocol (MCP over stdio) stays
/// clean; one question is asked at a time. Anything but <c>y</c>/<c>yes</c> (any case) is a no; end of input is a no.</remarks>
public sealed class ConsoleApprover : IApprover, IDisposable
{
    private readonly TextReader _input;
    private readonly TextWriter _output;
    private readonly SemaphoreSlim _oneQuestionAtATime = new(1, 1);

    /// <summary>Asks on this process's console: reads standard input, writes standard error, interactive unless
    /// standard input is redirected.</summary>
    public ConsoleApprover() : this(Console.In, Console.Error, isInteractive: !Console.IsInputRedirected)
    {
    }

    /// <summary>Asks on the given reader and writer (for tests and embedding).</summary>
    /// <param name="input">Where answers are read.</param>
    /// <param name="output">Where questions are written.</param>
    /// <param name="isInteractive">Whether a person can answer; when <see langword="false"/> every request is denied
    /// without reading.</param>
    public ConsoleApprover(TextReader input, TextWriter output, bool isInteractive)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        _input = input;
        _output = output;
        IsInteractive = isInteractive;
    }

    /// <summary>Whether a person can answer (for the parameterless constructor: standard input is not redirected).</summary>
    public bool IsInteractive { get; }

    /// <inheritdoc />
    public async ValueTask<ApprovalResult> RequestAsync(ApprovalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        if (!IsInteractive)
        {
            return ApprovalResult.Deny("console",
                $"No terminal to ask: standard input is redirected (as in CI or a service), so the console approver denied {request.Describe()}. " +
                "To allow it, run the command from an interactive terminal and answer 'y', or configure an approver that works unattended " +
                "(the server's HTTP approval endpoint, or a ManualApprover in code).");
        }
        await _oneQuestionAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _output.WriteLineAsync($"AgentOS approval: {request.Describe()}.").ConfigureAwait(false);
            await _output.WriteAsync("Allow? [y/N] ").ConfigureAwait(false);
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            // Console.In ignores the token while blocked in a read; WaitAsync lets the caller (or the approval
            // timeout) stop waiting even so.
            string? answer = await _input.ReadLineAsync(cancellationToken).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            if (answer is null)
            {
                return ApprovalResult.Deny("console", $"Standard input ended before an answer, so {request.Describe()} was denied.");
            }
            answer = answer.Trim();
            return answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase)
                ? ApprovalResult.Approve("console", "approved at the terminal")
                : ApprovalResult.Deny("console", $"Denied at the terminal (answer \"{StoragePath.Escape(answer)}\").");
        }
        finally
        {
            _oneQuestionAtATime.Release();
        }
    }

    /// <summary>Releases the question gate.</summary>
    public void Dispose() => _oneQuestionAtATime.Dispose();
}

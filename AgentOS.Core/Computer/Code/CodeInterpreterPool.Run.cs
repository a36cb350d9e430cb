using AgentOS.Syscalls.Errors;

namespace AgentOS.Computer.Code;

public sealed partial class CodeInterpreterPool
{
    /// <summary>
    /// Runs one cell in the session's interpreter of <paramref name="language"/>, starting it when there is none. A
    /// call that outlives <paramref name="timeout"/> kills the interpreter (its whole process tree) and starts a new
    /// one; the result says the state was lost. So does the first call after the interpreter died or was stopped.
    /// </summary>
    internal async Task<CodeRunResult> RunAsync(ISessionHost host, CodeLanguage language, string code, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var slot = _slots.GetOrAdd((host.Id, language.Name), static (_, l) => new Slot(l), language);
        await slot.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (slot.Closed)
            {
                throw new InvalidRequestException($"Session {host.Id} was closed while this call waited; nothing ran.");
            }
            var (lost, note) = await EnsureStartedAsync(slot, host, cancellationToken).ConfigureAwait(false);
            var interpreter = slot.Interpreter!;
            var changes = WorkspaceChanges.Before(host, _options.MaxTrackedEntries);
            long started = _time.GetTimestamp();
            CodeDriverReply? reply = null;
            bool timedOut = false;
            string? ended = null;
            try
            {
                reply = await interpreter.ExecuteAsync(code, _options.MaxOutputBytes, timeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                timedOut = true;
            }
            catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException)
            {
                ended = ex.Message;
            }
            catch (OperationCanceledException)
            {
                // The caller gave up: the code may still be running, and only killing it stops it.
                slot.Interpreter = null;
                slot.Note = $"The previous call was cancelled and the {language.Name} interpreter killed";
                await interpreter.StopAsync().ConfigureAwait(false);
                throw;
            }
            var duration = _time.GetElapsedTime(started);
            CodeError? failure = null;
            if (reply is null)
            {
                slot.Interpreter = null;
                // An interpreter that closed its pipe is exiting: give it a moment, so its exit code can be reported.
                string stderr = (await interpreter.StopAsync(_time, timedOut ? TimeSpan.Zero : TimeSpan.FromSeconds(1)).ConfigureAwait(false)).Trim();
                failure = timedOut
                    ? new CodeError("Timeout", $"The code ran longer than its {timeout.TotalMilliseconds:0} ms timeout and was killed with the interpreter; its output is lost.", "")
                    : new CodeError("InterpreterExited", $"The {language.Name} interpreter ended during the call ({ended}{(interpreter.ExitCode is { } exit ? $", exit code {exit}" : "")}); its output is lost.", stderr);
                lost = true;
                note = slot.Closed
                    ? $"Session {host.Id} was closed during the call, which ended its {language.Name} interpreter."
                    : await RestartAsync(slot, host, cancellationToken).ConfigureAwait(false);
            }
            var files = changes.After(host, _options.MaxTrackedEntries);
            slot.LastUsed = _time.GetTimestamp();
            int cap = _options.MaxOutputBytes;
            return new CodeRunResult(host.Id, language.Name)
            {
                Version = interpreter.Version,
                ExecutionCount = interpreter.Executions,
                Stdout = reply?.Stdout ?? "",
                Stderr = reply?.Stderr ?? "",
                StdoutBytes = reply?.StdoutBytes ?? 0,
                StderrBytes = reply?.StderrBytes ?? 0,
                StdoutTruncated = reply?.StdoutBytes > cap,
                StderrTruncated = reply?.StderrBytes > cap,
                Value = reply?.Value,
                ValueType = reply?.ValueType,
                ValueTruncated = reply?.ValueTruncated ?? false,
                Error = failure ?? reply?.Error,
                Files = files,
                FilesTruncated = files is null,
                TimedOut = timedOut,
                StateLost = lost,
                Note = note,
                DurationMs = Math.Round(duration.TotalMilliseconds, 3),
            };
        }
        finally
        {
            if (slot.Closed)
            {
                // Closed while this call was starting its interpreter: nobody else will stop it.
                await StopAsync(slot).ConfigureAwait(false);
            }
            slot.Gate.Release();
        }
    }

    /// <summary>Makes sure the slot has a live interpreter for this very session; says when earlier state was lost.</summary>
    private async Task<(bool Lost, string? Note)> EnsureStartedAsync(Slot slot, ISessionHost host, CancellationToken cancellationToken)
    {
        string? why = slot.Note;
        slot.Note = null;
        // A session recreated under the same id without CloseSessionAsync has another workspace: its interpreter is
        // not this one's. (Host objects are compared by workspace, not identity: a resolver may wrap per call.)
        if (slot.Interpreter is { } current && (current.HasExited || slot.Host?.WorkspaceHostPath != host.WorkspaceHostPath))
        {
            why = current.HasExited ? $"The {slot.Language.Name} interpreter had exited since the last call" : "The session was replaced";
            await StopAsync(slot).ConfigureAwait(false);
            if (current.ExitCode is { } exit)
            {
                why += $" (exit code {exit})";
            }
        }
        if (slot.Interpreter is null)
        {
            slot.Interpreter = await CodeInterpreter.StartAsync(host, slot.Language, _options, _time, cancellationToken).ConfigureAwait(false);
            slot.Host = host;
        }
        return why is null ? (false, null) : (true, why + "; this call ran in a new interpreter: variables, imports and definitions from earlier calls are gone.");
    }

    /// <summary>Starts a new interpreter right after one was killed, so the next call finds it warm.</summary>
    private async Task<string> RestartAsync(Slot slot, ISessionHost host, CancellationToken cancellationToken)
    {
        string lost = $"The {slot.Language.Name} interpreter was killed";
        try
        {
            slot.Interpreter = await CodeInterpreter.StartAsync(host, slot.Language, _options, _time, cancellationToken).ConfigureAwait(false);
            slot.Host = host;
            return lost + " and restarted: variables, imports and definitions from earlier calls are gone.";
        }
        catch (CapabilityNotSupportedException ex)
        {
            slot.Note = lost;
            return lost + $"; a new one could not be started ({ex.Message}), and the next call tries again. Earlier state is gone.";
        }
    }
}

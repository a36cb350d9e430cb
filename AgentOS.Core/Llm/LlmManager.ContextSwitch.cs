using System.Security.Cryptography;
using System.Text;
using AgentOS.Context;
using AgentOS.Scheduling;
using AgentOS.Syscalls;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Llm;

// The preemptive context switch. A backend that owns its model (IPreemptibleLlmBackend) stops at the token boundary
// where the scheduler wants the slot back and hands over an exact snapshot; a backend that can continue a partial
// assistant message (Continuation and Streaming) is stopped mid-stream and its partial text is the snapshot, resumed by
// sending that text back as the start of the answer. Either way the syscall yields its slot and the policy decides when
// it runs again; the user's stream simply pauses. Other backends run a started request to completion.
internal sealed partial class LlmManager
{
    private static bool CanSwitch(ILlmBackend backend) =>
        backend is IPreemptibleLlmBackend || backend.Capabilities is { Continuation: true, Streaming: true };

    // Returns the finished response, or null when the generation was suspended (the syscall then yields its slot).
    private async ValueTask<LlmResponse?> RunSwitchableAsync(ExecutionSlot<Syscall> slot, ILlmBackend backend, Syscall syscall, LlmQuery query)
    {
        var cancellationToken = syscall.RunToken;
        var resume = syscall.Ticket.ResumeState as GenerationSnapshot;
        string? key = query.ContextId is { } contextId && _store is not null ? GenerationStore.Key(syscall.Request.AgentId, contextId) : null;
        string fingerprint = key is null ? "" : Fingerprint(backend, query);
        if (resume is null && key is not null)
        {
            resume = await LoadAsync(key, fingerprint, cancellationToken).ConfigureAwait(false);
        }
        var control = new SlotControl(slot, syscall.Request.StreamTo);
        var result = backend is IPreemptibleLlmBackend preemptible
            ? await preemptible.RunAsync(query, resume, control, cancellationToken).ConfigureAwait(false)
            : await ContinueAsync(backend, query, resume, control, cancellationToken).ConfigureAwait(false);
        if (result.Suspended is { } snapshot)
        {
            if (key is not null)
            {
                await _store!.SaveAsync(key, fingerprint, snapshot, cancellationToken).ConfigureAwait(false);
            }
            syscall.YieldState = snapshot;
            return null;
        }
        if (key is not null && resume is not null)
        {
            await _store!.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
        return result.Response!;
    }

    // A stored snapshot that cannot be read (corrupted, or from an engine of another version) is dropped: the
    // generation starts again from its prompt rather than fail.
    private async ValueTask<GenerationSnapshot?> LoadAsync(string key, string fingerprint, CancellationToken cancellationToken)
    {
        try
        {
            return await _store!.LoadAsync(key, fingerprint, cancellationToken).ConfigureAwait(false);
        }
        catch (SnapshotFormatException)
        {
            await _store!.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            return null;
        }
    }

    // The text snapshot: stream; at a token boundary where the slot should yield, stop the request and keep the text.
    // Resumed, the partial text goes back as the answer's start and the backend continues it.
    private static async ValueTask<LlmRunResult> ContinueAsync(ILlmBackend backend, LlmQuery query, GenerationSnapshot? resume, SlotControl control, CancellationToken cancellationToken)
    {
        var effective = resume is null ? query : WithPartialAnswer(query, resume);
        var text = new StringBuilder(resume?.Text);
        int tokens = resume?.CompletionTokens ?? 0;
        await foreach (var item in backend.StreamAsync(effective, cancellationToken).ConfigureAwait(false))
        {
            if (item.Final is { } final)
            {
                return new LlmRunResult(resume is null ? final : new LlmResponse
                {
                    Content = resume.Text + final.Content,
                    ToolCalls = final.ToolCalls,
                    PromptTokens = final.PromptTokens,
                    CompletionTokens = resume.CompletionTokens + final.CompletionTokens,
                    FinishReason = final.FinishReason,
                    Backend = final.Backend,
                }, null);
            }
            if (item.Delta is { Length: > 0 } delta)
            {
                text.Append(delta);
                tokens++;
                control.OnDelta(delta);
                if (control.ShouldSuspend)
                {
                    // Leaving the loop disposes the stream, which ends the request.
                    return new LlmRunResult(null, new GenerationSnapshot { Backend = backend.Name, Text = text.ToString(), CompletionTokens = tokens });
                }
            }
        }
        return new LlmRunResult(new LlmResponse { Content = text.ToString(), CompletionTokens = tokens, Backend = backend.Name }, null);
    }

    private static LlmQuery WithPartialAnswer(LlmQuery query, GenerationSnapshot resume) =>
        Copy(query, [.. query.Messages, ChatMessage.Assistant(resume.Text)], Math.Max(1, query.MaxTokens - resume.CompletionTokens));

    // Identifies the query a stored snapshot belongs to: the same backend, messages and sampling settings.
    private static string Fingerprint(ILlmBackend backend, LlmQuery query)
    {
        var text = new StringBuilder().Append(backend.Name).Append('\0').Append(query.MaxTokens).Append('\0')
            .Append(query.Temperature.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append('\0').Append(query.Seed).Append('\0');
        foreach (var message in query.Messages)
        {
            text.Append(message.Role).Append('\0').Append(message.Content).Append('\0');
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    // Each piece goes to the caller's stream and counts as a token of service, so the policy's budget is exact. A
    // generation suspends only when something waits for the slot: with nothing waiting, the queue would dispatch it
    // again at once, and the snapshot would be pure cost.
    private sealed class SlotControl(ExecutionSlot<Syscall> slot, System.Threading.Channels.ChannelWriter<string>? sink) : ILlmRunControl
    {
        public bool ShouldSuspend => slot.ShouldYield && slot.Owner.WaitingCount > 0;

        public void OnDelta(string text)
        {
            if (text.Length > 0)
            {
                sink?.TryWrite(text);
            }
            slot.ReportService(1);
        }
    }
}

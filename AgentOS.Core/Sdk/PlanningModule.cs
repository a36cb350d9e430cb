using System.Runtime.CompilerServices;
using System.Threading.Channels;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Sdk;

/// <summary>Planning: LLM calls (AIOS's LLMQuery) — chat, streaming, JSON answers, and tool-call plans.</summary>
public sealed class PlanningModule : AgentModule
{
    internal PlanningModule(AgentContext context) : base(context)
    {
    }

    /// <summary>Sends a full query. Its <see cref="LlmQuery.CallSite"/>, when unset, becomes <paramref name="callSite"/>:
    /// the calling method's name unless given.</summary>
    public async ValueTask<LlmResponse> QueryAsync(LlmQuery query, SyscallOptions options = default, CancellationToken cancellationToken = default, [CallerMemberName] string callSite = "")
    {
        ArgumentNullException.ThrowIfNull(query);
        query.CallSite ??= callSite;
        return (await SubmitAsync(options, cancellationToken, llm: query).ConfigureAwait(false)).Llm!;
    }

    /// <summary>
    /// Asks one question and returns the answer's text. With <paramref name="withConversation"/> it is a turn of the
    /// agent's conversation <see cref="AgentContext.ConversationId"/>, which the kernel keeps: the kernel sends the
    /// conversation so far, fitted to the backend's window, and records the question and the answer (in memory and in
    /// storage, so it outlives the kernel). Either way the question and answer are appended to
    /// <see cref="MemoryModule.Conversation"/>.
    /// </summary>
    public async ValueTask<string> ChatAsync(string prompt, bool withConversation = true, SyscallOptions options = default, CancellationToken cancellationToken = default, [CallerMemberName] string callSite = "")
    {
        var question = ChatMessage.User(prompt);
        if (!withConversation)
        {
            var single = await QueryAsync(new LlmQuery { Messages = [question], CallSite = callSite }, options, cancellationToken).ConfigureAwait(false);
            Context.Memory.Append(question);
            Context.Memory.Append(ChatMessage.Assistant(single.Content));
            return single.Content;
        }
        var (query, sent) = Turn(question, callSite);
        var answer = await QueryAsync(query, options, cancellationToken).ConfigureAwait(false);
        Context.Memory.Recorded(sent, question, ChatMessage.Assistant(answer.Content));
        return answer.Content;
    }

    // A turn of the kernel-kept conversation: the messages the agent appended since its last turn, then the question.
    private (LlmQuery Query, int Sent) Turn(ChatMessage question, string callSite)
    {
        var unsent = Context.Memory.Unsent;
        return (new LlmQuery { Messages = [.. unsent, question], ContextId = Context.ConversationId, AppendToContext = true, CallSite = callSite }, unsent.Count);
    }

    /// <summary>
    /// Streams the answer to <paramref name="prompt"/>, a turn of the kernel-kept conversation as in
    /// <see cref="ChatAsync"/>: its text piece by piece as the model generates it. A syscall
    /// error (denied, expired, cancelled, backend failed) ends the stream with that exception.
    /// </summary>
    public async IAsyncEnumerable<string> StreamAsync(string prompt, SyscallOptions options = default, [EnumeratorCancellation] CancellationToken cancellationToken = default, [CallerMemberName] string callSite = "")
    {
        var question = ChatMessage.User(prompt);
        var pieces = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        var (query, sent) = Turn(question, callSite);
        var pending = SubmitAsync(options, cancellationToken, llm: query, streamTo: pieces.Writer).AsTask();
        // The syscall's end ends the stream: normally after the last piece; with its error if it never ran.
        _ = pending.ContinueWith(static (done, writer) => ((ChannelWriter<string>)writer!).TryComplete(done.Exception?.InnerException),
            pieces.Writer, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await foreach (var piece in pieces.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return piece;
        }
        var answer = (await pending.ConfigureAwait(false)).Llm!;
        Context.Memory.Recorded(sent, question, ChatMessage.Assistant(answer.Content));
    }

    /// <summary>Asks for a JSON object as the answer and returns its text.</summary>
    public async ValueTask<string> JsonAsync(string prompt, SyscallOptions options = default, CancellationToken cancellationToken = default, [CallerMemberName] string callSite = "") =>
        (await QueryAsync(new LlmQuery { Messages = [ChatMessage.User(prompt)], JsonOutput = true, CallSite = callSite }, options, cancellationToken).ConfigureAwait(false)).Content;

    /// <summary>Asks the model which of <paramref name="tools"/> to call for <paramref name="prompt"/>; run the plan with
    /// <see cref="ActionModule.ExecuteAsync"/>.</summary>
    public ValueTask<LlmResponse> PlanAsync(string prompt, IReadOnlyList<ToolSpec> tools, SyscallOptions options = default, CancellationToken cancellationToken = default, [CallerMemberName] string callSite = "") =>
        QueryAsync(new LlmQuery { Messages = [.. Context.Memory.Conversation, ChatMessage.User(prompt)], Tools = tools, CallSite = callSite }, options, cancellationToken);
}

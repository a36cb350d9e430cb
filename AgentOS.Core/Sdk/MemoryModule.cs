using AgentOS.Syscalls.Queries;

namespace AgentOS.Sdk;

/// <summary>
/// Memory: the agent's long-term items (AIOS's MemoryQuery: add, get, update, remove, search), its own or another
/// agent's where granted; and its conversation (read, append, trim). The kernel keeps the conversation that
/// <see cref="PlanningModule.ChatAsync"/> and <see cref="PlanningModule.StreamAsync"/> continue (its window enforced
/// there); this copy mirrors it for the agent to read, and messages appended here reach the kernel's with the next turn.
/// </summary>
public sealed class MemoryModule : AgentModule
{
    private readonly List<ChatMessage> _conversation = [];
    private readonly List<ChatMessage> _unsent = [];
    private readonly Lock _gate = new();

    internal MemoryModule(AgentContext context) : base(context)
    {
    }

    /// <summary>The conversation so far, oldest first (a copy).</summary>
    public IReadOnlyList<ChatMessage> Conversation
    {
        get
        {
            lock (_gate)
            {
                return [.. _conversation];
            }
        }
    }

    /// <summary>Appends a message to the conversation (it goes to the kernel's copy with the next chat turn).</summary>
    public void Append(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            _conversation.Add(message);
            _unsent.Add(message);
        }
    }

    // Messages appended here that the kernel's conversation does not have yet.
    internal IReadOnlyList<ChatMessage> Unsent
    {
        get
        {
            lock (_gate)
            {
                return [.. _unsent];
            }
        }
    }

    // A turn the kernel recorded: its unsent messages (the first `sent`) are now the kernel's too, and the turn's
    // question and answer join the mirror.
    internal void Recorded(int sent, ChatMessage question, ChatMessage answer)
    {
        lock (_gate)
        {
            _unsent.RemoveRange(0, Math.Min(sent, _unsent.Count));
            _conversation.Add(question);
            _conversation.Add(answer);
        }
    }

    /// <summary>Keeps only the last <paramref name="keep"/> messages of this copy (system messages are always kept); the
    /// kernel's conversation is fitted to each backend's window by the kernel's context strategy instead.</summary>
    public void Trim(int keep)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        lock (_gate)
        {
            var system = _conversation.Where(m => m.Role == "system").ToList();
            var rest = _conversation.Where(m => m.Role != "system").ToList();
            _conversation.Clear();
            _conversation.AddRange(system);
            _conversation.AddRange(rest.Skip(Math.Max(0, rest.Count - keep)));
        }
    }

    /// <summary>Adds an item (with tags and an importance, both optional); returns its id.</summary>
    public async ValueTask<string> AddAsync(string content, IReadOnlyList<string>? tags = null, string? owner = null, float? importance = null, SyscallOptions options = default, CancellationToken cancellationToken = default) =>
        (await Run(new MemoryQuery { Operation = MemoryOperation.Add, Content = content, Tags = tags, Owner = owner, Importance = importance }, options, cancellationToken).ConfigureAwait(false)).Id!;

    /// <summary>Gets an item by id.</summary>
    public async ValueTask<MemoryItem> GetAsync(string id, string? owner = null, SyscallOptions options = default, CancellationToken cancellationToken = default) =>
        (await Run(new MemoryQuery { Operation = MemoryOperation.Get, Id = id, Owner = owner }, options, cancellationToken).ConfigureAwait(false)).Items[0];

    /// <summary>Replaces an item's content and tags (and its importance, when given).</summary>
    public async ValueTask<MemoryItem> UpdateAsync(string id, string content, IReadOnlyList<string>? tags = null, string? owner = null, float? importance = null, SyscallOptions options = default, CancellationToken cancellationToken = default) =>
        (await Run(new MemoryQuery { Operation = MemoryOperation.Update, Id = id, Content = content, Tags = tags, Owner = owner, Importance = importance }, options, cancellationToken).ConfigureAwait(false)).Items[0];

    /// <summary>Removes an item.</summary>
    public async ValueTask RemoveAsync(string id, string? owner = null, SyscallOptions options = default, CancellationToken cancellationToken = default) =>
        await Run(new MemoryQuery { Operation = MemoryOperation.Remove, Id = id, Owner = owner }, options, cancellationToken).ConfigureAwait(false);

    /// <summary>Finds items matching <paramref name="text"/>, best first.</summary>
    public async ValueTask<IReadOnlyList<MemoryItem>> SearchAsync(string text, int limit = 10, string? owner = null, SyscallOptions options = default, CancellationToken cancellationToken = default) =>
        (await Run(new MemoryQuery { Operation = MemoryOperation.Search, Text = text, Limit = limit, Owner = owner }, options, cancellationToken).ConfigureAwait(false)).Items;

    /// <summary>
    /// Searches several agents' memories at once (its own included only if listed), ranked together; the kernel
    /// leaves out, before ranking, every owner this agent may not read (<see cref="MemoryResponse.Excluded"/>). The
    /// response carries scores and how they were ranked (<see cref="MemoryResponse.Retrieval"/>: lexical when the
    /// kernel has no embedder). <paramref name="mode"/>: auto, lexical, vector or hybrid.
    /// </summary>
    public ValueTask<MemoryResponse> SearchAsync(string text, IReadOnlyList<string> owners, int limit = 10, string? mode = null, SyscallOptions options = default, CancellationToken cancellationToken = default) =>
        Run(new MemoryQuery { Operation = MemoryOperation.Search, Text = text, Limit = limit, Owners = owners, Mode = mode }, options, cancellationToken);

    private async ValueTask<MemoryResponse> Run(MemoryQuery query, SyscallOptions options, CancellationToken cancellationToken) =>
        (await SubmitAsync(options, cancellationToken, memory: query).ConfigureAwait(false)).Memory!;
}

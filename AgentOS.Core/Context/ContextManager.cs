using System.Collections.Concurrent;
using AgentOS.Storage;

namespace AgentOS.Context;

/// <summary>
/// The kernel's conversation contexts, one per (agent, context id): created on an agent's first turn, read back from
/// storage when the kernel starts, written back after each turn. Each has a turn lock, so two turns of one
/// conversation do not interleave their messages.
/// </summary>
public sealed class ContextManager
{
    /// <summary>The window strategies a kernel can be configured with.</summary>
    public static IReadOnlyList<string> StrategyNames { get; } = ["truncate", "summarize"];

    private readonly ConcurrentDictionary<(string Agent, string Id), Entry> _contexts = new();
    private readonly ConversationStore? _store;
    private readonly Func<string, int> _count;

    private ContextManager(string strategy, ConversationStore? store, Func<string, int> countTokens)
    {
        if (!StrategyNames.Contains(strategy))
        {
            throw new ArgumentException($"The context strategy '{strategy}' is unknown; use one of {string.Join(", ", StrategyNames)}.", nameof(strategy));
        }
        StrategyName = strategy;
        _store = store;
        _count = countTokens;
    }

    /// <summary>Opens the manager, reading every conversation <paramref name="storage"/> holds (none without storage).</summary>
    /// <param name="strategy">truncate or summarize.</param>
    /// <param name="storage">Where conversations persist, or <see langword="null"/> to keep them in memory only.</param>
    /// <param name="countTokens">Measures a text in tokens (an estimate for models whose tokenizer the kernel lacks).</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    /// <exception cref="ArgumentException">The strategy is unknown.</exception>
    public static async ValueTask<ContextManager> OpenAsync(string strategy, IStorageBackend? storage, Func<string, int> countTokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(countTokens);
        var manager = new ContextManager(strategy, storage is null ? null : new ConversationStore(storage), countTokens);
        if (manager._store is { } store)
        {
            foreach (var context in await store.LoadAllAsync(manager.Create, cancellationToken).ConfigureAwait(false))
            {
                manager._contexts[(context.AgentId, context.Id)] = new Entry(context);
            }
        }
        return manager;
    }

    /// <summary>truncate or summarize: how every conversation is fitted to its backend's window.</summary>
    public string StrategyName { get; }

    /// <summary>The conversation, if the kernel has it.</summary>
    public ConversationContext? Find(string agentId, string contextId) =>
        _contexts.TryGetValue((agentId, contextId), out var entry) ? entry.Context : null;

    /// <summary>Counts over every conversation. Each is read under its turn lock (a turn may be committing to it), so
    /// this waits out at most one commit per conversation.</summary>
    public ContextStatistics Statistics
    {
        get
        {
            int contexts = 0, preempted = 0;
            long messages = 0, tokens = 0, prompt = 0, completion = 0;
            foreach (var entry in _contexts.Values)
            {
                entry.Gate.Wait();
                try
                {
                    var c = entry.Context;
                    contexts++;
                    messages += c.Messages.Count;
                    tokens += c.Tokens;
                    prompt += c.PromptTokensUsed;
                    completion += c.CompletionTokensUsed;
                    preempted += c.Pending is null ? 0 : 1;
                }
                finally
                {
                    entry.Gate.Release();
                }
            }
            return new ContextStatistics(contexts, messages, tokens, prompt, completion, preempted, StrategyName);
        }
    }

    /// <summary>Waits for the conversation's turn lock (creating the conversation if new); dispose the result to
    /// release it.</summary>
    /// <exception cref="InvalidStorageKeyException">The ids cannot name a stored conversation.</exception>
    public async ValueTask<Turn> BeginTurnAsync(string agentId, string contextId, CancellationToken cancellationToken = default)
    {
        ConversationStore.Key(agentId, contextId);
        var entry = _contexts.GetOrAdd((agentId, contextId), static (key, self) => new Entry(self.Create(key.Agent, key.Id)), this);
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Turn(this, entry);
    }

    private ConversationContext Create(string agentId, string contextId) => new(agentId, contextId, int.MaxValue, _count);

    /// <summary>One turn's hold on a conversation.</summary>
    public sealed class Turn : IDisposable
    {
        private readonly ContextManager _manager;
        private readonly Entry _entry;
        private int _released;

        internal Turn(ContextManager manager, Entry entry)
        {
            _manager = manager;
            _entry = entry;
        }

        /// <summary>The conversation (only this turn changes it until disposed).</summary>
        public ConversationContext Context => _entry.Context;

        /// <summary>Writes the conversation to storage (a no-op without storage).</summary>
        public ValueTask SaveAsync(CancellationToken cancellationToken = default) =>
            _manager._store?.SaveAsync(Context, cancellationToken) ?? ValueTask.CompletedTask;

        /// <summary>Releases the turn lock.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                _entry.Gate.Release();
            }
        }
    }

    internal sealed class Entry(ConversationContext context)
    {
        public ConversationContext Context { get; } = context;

        public SemaphoreSlim Gate { get; } = new(1, 1);
    }
}

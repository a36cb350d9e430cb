using System.Runtime.CompilerServices;
using AgentOS.Syscalls.Errors;
using AgentOS.Syscalls.Queries;

namespace AgentOS.Syscalls;

/// <summary>
/// The one place a syscall's fields are checked, before anything is authorized, audited, queued or changed. Every
/// entry point (the in-process port, <c>POST /v1/syscalls</c>, its streamed form, the OpenAI-compatible endpoint and
/// agents' runs) reaches the kernel through the router, and the router runs this first, so a request it refuses
/// changes nothing anywhere. A refusal is an <see cref="InvalidRequestException"/> that names the field in its wire
/// spelling (<c>memory.importance must be a finite number</c>).
/// </summary>
/// <remarks>
/// It runs on every syscall, so the valid path reads fields and allocates nothing: lists are walked by index (an
/// interface's enumerator would be boxed) and messages are only built on the way to a throw.
/// </remarks>
internal static class SyscallValidator
{
    /// <summary>The most results one memory search returns; a larger <see cref="MemoryQuery.Limit"/> is capped to it.</summary>
    public const int MaxSearchLimit = 1000;

    /// <summary>Throws when <paramref name="request"/> (of <paramref name="kind"/>) is malformed.</summary>
    /// <exception cref="InvalidRequestException">The field it names is missing or out of range.</exception>
    public static void Validate(SyscallRequest request, SyscallKind kind)
    {
        if (string.IsNullOrEmpty(request.AgentId))
        {
            throw Invalid("agent_id is required: the calling agent's id.");
        }
        if (!double.IsFinite(request.EstimatedCost) || request.EstimatedCost < 0)
        {
            throw Invalid("estimated_cost must be a finite number, 0 or more.");
        }
        switch (kind)
        {
            case SyscallKind.Llm:
                Validate(request.Llm!);
                break;
            case SyscallKind.Memory:
                Validate(request.Memory!);
                break;
            case SyscallKind.Storage:
                Validate(request.Storage!);
                break;
            default:
                Validate(request.Tool!);
                break;
        }
    }

    private static void Validate(LlmQuery query)
    {
        var messages = query.Messages;
        if (messages is null || messages.Count == 0)
        {
            throw Invalid("llm.messages must hold at least one message.");
        }
        for (int i = 0; i < messages.Count; i++)
        {
            Validate(messages[i], i);
        }
        if (query.Tools is { } tools)
        {
            for (int i = 0; i < tools.Count; i++)
            {
                if (tools[i] is not { Name.Length: > 0, Description: not null })
                {
                    throw Invalid($"llm.tools[{i}] needs a 'name' and a 'description' (which may be empty).");
                }
            }
        }
        if (query.MaxTokens < 1)
        {
            throw Invalid($"llm.max_tokens must be at least 1 (it is {query.MaxTokens}); leave it out for the default of {LlmQuery.DefaultMaxTokens}.");
        }
        if (!double.IsFinite(query.Temperature) || query.Temperature < 0)
        {
            throw Invalid("llm.temperature must be a finite number, 0 or more (0 = greedy).");
        }
        if (query.ContextId is { Length: 0 })
        {
            throw Invalid("llm.context_id must not be empty: leave it out, or name the conversation.");
        }
    }

    private static void Validate(ChatMessage? message, int index)
    {
        if (message is null)
        {
            throw Invalid($"llm.messages[{index}] must be a message object, not null.");
        }
        if (message.Role is not ("system" or "user" or "assistant" or "tool"))
        {
            throw Invalid($"llm.messages[{index}].role must be system, user, assistant or tool.");
        }
        if (message.Content is null)
        {
            throw Invalid($"llm.messages[{index}].content is required (a string; \"\" for an assistant turn that only called tools).");
        }
        if (message.ToolCalls is { } calls)
        {
            for (int i = 0; i < calls.Count; i++)
            {
                if (calls[i] is not { Name.Length: > 0 })
                {
                    throw Invalid($"llm.messages[{index}].tool_calls[{i}] needs a 'name'.");
                }
            }
        }
    }

    private static void Validate(MemoryQuery query)
    {
        switch (query.Operation)
        {
            case MemoryOperation.Add:
                Require(query.Content, "memory.content", "an add");
                break;
            case MemoryOperation.Get or MemoryOperation.Remove:
                RequireId(query.Id, "a get or remove");
                break;
            case MemoryOperation.Update:
                RequireId(query.Id, "an update");
                Require(query.Content, "memory.content", "an update");
                break;
            case MemoryOperation.Search:
                Require(query.Text, "memory.text", "a search");
                if (query.Limit < 1)
                {
                    throw Invalid($"memory.limit must be at least 1 (it is {query.Limit}); leave it out for the default of {MemoryQuery.DefaultLimit} (at most {MaxSearchLimit} are returned).");
                }
                if (query.Mode is not (null or "" or "auto" or "lexical" or "vector" or "hybrid"))
                {
                    throw Invalid("memory.mode must be auto, lexical, vector or hybrid.");
                }
                break;
            default:
                throw Invalid("memory.operation must be add, get, update, remove or search.");
        }
        if (query.Importance is { } importance && !float.IsFinite(importance))
        {
            throw Invalid("memory.importance must be a finite number (a 32-bit float: at most about 3.4e38 in size).");
        }
        if (query.Owner is { Length: 0 })
        {
            throw Invalid("memory.owner must not be empty: leave it out for the caller's own memory.");
        }
        NoNulls(query.Tags, "memory.tags");
        NoNulls(query.Owners, "memory.owners");
    }

    private static void Validate(StorageQuery query)
    {
        if (query.Operation is < StorageOperation.Write or > StorageOperation.Stat)
        {
            throw Invalid("storage.operation must be write, read, list, delete, versions, rollback or stat.");
        }
        if (query.Path is null)
        {
            throw Invalid("storage.path is required (for list, the folder: \"agents/{id}/\").");
        }
        if (query.Operation == StorageOperation.Write && query.Data is null)
        {
            throw Invalid("storage.data is required for a write (base64 of the bytes).");
        }
        if (query.Version is < 1)
        {
            throw Invalid("storage.version must be at least 1 (versions count from 1).");
        }
        if (query.StepsBack is < 1)
        {
            throw Invalid("storage.steps_back must be at least 1 (1 = the previous version).");
        }
        if (query.Operation == StorageOperation.Rollback && (query.Version is null ? 0 : 1) + (query.StepsBack is null ? 0 : 1) + (query.AsOf is null ? 0 : 1) != 1)
        {
            throw Invalid("storage rollback needs exactly one of storage.version (a version number), storage.steps_back (1 = the previous version) or storage.as_of (a time).");
        }
    }

    private static void Validate(ToolQuery query)
    {
        if (query.Call is not { Name.Length: > 0 })
        {
            throw Invalid("tool.call needs a 'name' (a registered tool's name) and 'arguments'.");
        }
    }

    private static void Require(string? value, string field, string operation)
    {
        if (value is null)
        {
            throw Invalid($"{field} is required for {operation}.");
        }
    }

    private static void RequireId(string? id, string operation)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw Invalid($"memory.id is required for {operation} (the id an add returned).");
        }
    }

    private static void NoNulls(IReadOnlyList<string>? values, string field)
    {
        if (values is null)
        {
            return;
        }
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i] is null)
            {
                throw Invalid($"{field}[{i}] must be a string, not null.");
            }
        }
    }

    // Kept out of line so the checks above stay small enough to inline and the valid path builds no message.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static InvalidRequestException Invalid(string message) => new(message);
}

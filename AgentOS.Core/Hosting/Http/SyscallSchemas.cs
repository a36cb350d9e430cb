using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using AgentOS.Serialization;

namespace AgentOS.Hosting.Http;

/// <summary>
/// JSON Schemas (draft 2020-12) of the syscall request and response bodies, served at <c>GET /v1/schemas</c> and
/// <c>GET /v1/schemas/{name}</c> and printed by <c>schemas</c>. Generated from the source-generated contract of the
/// types the server itself reads and writes (<see cref="JsonSchemaExporter"/>), so they cannot drift from the wire;
/// each carries one example, which the tests read back through the same serializer.
/// </summary>
internal static class SyscallSchemas
{
    private const string Dialect = "https://json-schema.org/draft/2020-12/schema";

    private static readonly Entry[] Entries =
    [
        new("syscall_request", AgentOSJsonContext.Default.SyscallRequest,
            "The body of POST /v1/syscalls: the calling agent and exactly one of llm, memory, storage, tool, with scheduling hints.",
            """{"agent_id": "alice", "llm": {"messages": [{"role": "user", "content": "Say hi."}], "max_tokens": 32}, "priority": 0}"""),
        new("llm_query", AgentOSJsonContext.Default.LlmQuery,
            "syscall_request.llm: an LLM call (messages, optional tools, output limits, context, backend).",
            """{"messages": [{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": "What is 2+2?"}], "max_tokens": 64, "temperature": 0, "backend": "echo"}"""),
        new("memory_query", AgentOSJsonContext.Default.MemoryQuery,
            "syscall_request.memory: add, get, update, remove or search the agent's memory (or, with grants, another agent's).",
            """{"operation": "Search", "text": "invoice totals", "limit": 5, "mode": "lexical"}"""),
        new("storage_query", AgentOSJsonContext.Default.StorageQuery,
            "syscall_request.storage: write, read, list, delete, versions, rollback or stat a path in the agent's namespace (data is base64).",
            """{"operation": "Write", "path": "notes/today.txt", "data": "aGVsbG8="}"""),
        new("tool_query", AgentOSJsonContext.Default.ToolQuery,
            "syscall_request.tool: one tool call by name, with its arguments as the tool's parameters schema describes.",
            """{"call": {"name": "calculator", "arguments": {"expression": "6*7"}}}"""),
        new("syscall_response", AgentOSJsonContext.Default.SyscallResponse,
            "The answer of POST /v1/syscalls: the syscall's id and the response matching the query's kind.",
            """{"syscall_id": 17, "llm": {"content": "Hi!", "tool_calls": [], "prompt_tokens": 3, "completion_tokens": 2, "finish_reason": "stop", "backend": "echo"}}"""),
        new("llm_response", AgentOSJsonContext.Default.LlmResponse,
            "syscall_response.llm.",
            """{"content": "4", "tool_calls": [], "prompt_tokens": 12, "completion_tokens": 1, "finish_reason": "stop", "backend": "echo"}"""),
        new("memory_response", AgentOSJsonContext.Default.MemoryResponse,
            "syscall_response.memory.",
            """{"items": [{"id": "m1", "content": "invoice 42: 300 EUR", "tags": ["billing"], "written": "2026-12-01T10:00:00+00:00", "importance": 0.5}], "scores": [1.2], "retrieval": "lexical"}"""),
        new("storage_response", AgentOSJsonContext.Default.StorageResponse,
            "syscall_response.storage (data is base64).",
            """{"data": "aGVsbG8=", "version": 3, "entries": []}"""),
        new("tool_response", AgentOSJsonContext.Default.ToolResponse,
            "syscall_response.tool.",
            """{"result": {"name": "calculator", "output": "42", "is_error": false}}"""),
    ];

    /// <summary>The schemas' names, in the order <c>GET /v1/schemas</c> lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Entries.Select(e => e.Name)];

    /// <summary>The schema called <paramref name="name"/>, or <see langword="null"/>.</summary>
    public static JsonObject? Find(string name) => Entries.FirstOrDefault(e => e.Name == name) is { } entry ? Build(entry) : null;

    /// <summary>Every schema by name: <c>{"schemas": {"syscall_request": {...}, ...}}</c>.</summary>
    public static JsonObject All()
    {
        var schemas = new JsonObject();
        foreach (var entry in Entries)
        {
            schemas[entry.Name] = Build(entry);
        }
        return new JsonObject { ["schemas"] = schemas };
    }

    /// <summary>The type a schema describes (tests read its example back through it).</summary>
    internal static JsonTypeInfo TypeOf(string name) => Entries.First(e => e.Name == name).Type;

    private static JsonObject Build(Entry entry)
    {
        var schema = entry.Type.GetJsonSchemaAsNode(new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true }).AsObject();
        var result = new JsonObject
        {
            ["$schema"] = Dialect,
            ["$id"] = "/v1/schemas/" + entry.Name,
            ["title"] = entry.Name,
            ["description"] = entry.Description,
        };
        foreach (var (key, value) in schema.ToList())
        {
            schema.Remove(key);
            result[key] = value;
        }
        result["examples"] = new JsonArray(JsonNode.Parse(entry.Example));
        return result;
    }

    private sealed record Entry(string Name, JsonTypeInfo Type, string Description, string Example);
}

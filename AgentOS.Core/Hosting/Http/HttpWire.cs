using AgentOS.Syscalls.Errors;

namespace AgentOS.Hosting.Http;

/// <summary>The body of every HTTP error: <c>{"error": {"code": ..., "message": ..., "retry_after_ms": ...}}</c>.</summary>
public sealed record ErrorBody(SyscallError Error);

/// <summary>POST /v1/agents/{name}/run.</summary>
public sealed record RunAgentRequest(string Input);

/// <summary>The answer of a run.</summary>
public sealed record RunAgentResponse(string Agent, string Output);

/// <summary>One piece of a streamed answer (<c>event: delta</c>).</summary>
public sealed record StreamDelta(string Text);

/// <summary>GET /v1/tools: the tools an agent may call, as a model sees them; POST /v1/tools and /v1/mcp_servers
/// answer the tools they added.</summary>
public sealed record ToolList(IReadOnlyList<AgentOS.Syscalls.Queries.ToolSpec> Tools);

using AgentOS.Access;
using AgentOS.Hosting.Http.Transport;
using AgentOS.Serialization;
using AgentOS.Tools;

namespace AgentOS.Hosting.Http;

// Tools on a running kernel: any caller lists the tools an agent it may act for is granted; adding and removing
// tools (an HTTP endpoint, or a whole MCP server, which starts a process or reaches a URL of the caller's choosing)
// needs an administrator.
public sealed partial class KernelHttpServer
{
    // How long POST /v1/mcp_servers waits for the new server's first start before giving up on it.
    private static readonly TimeSpan McpStartTimeout = TimeSpan.FromSeconds(60);

    private async Task RouteToolsAsync(Principal caller, HttpServerRequest request, HttpServerResponse response, string[] segments)
    {
        switch (request.HttpMethod, segments)
        {
            case ("GET", ["v1", "tools"]):
                string agent = request.QueryString["agent_id"] ?? caller.Name;
                RequireActFor(caller, agent, "agent_id");
                await WriteAsync(response, 200, new ToolList(_kernel.ToolsFor(agent)), AgentOSJsonContext.Default.ToolList).ConfigureAwait(false);
                return;
            case ("POST", ["v1", "tools"]):
                RequireAdmin(caller, "register a tool");
                var config = await ReadAsync(request, AgentOSJsonContext.Default.HttpToolConfig).ConfigureAwait(false);
                ToolDefinition tool;
                try
                {
                    tool = HttpTool.Define(config, _kernel.Time);
                    _kernel.Tools.Register(tool);
                }
                catch (ArgumentException ex)
                {
                    throw new HttpError(_kernel.Tools.Find(config.Name) is null ? 400 : 409, "invalid_request", ex.Message);
                }
                await WriteAsync(response, 201, new ToolList([tool.Spec]), AgentOSJsonContext.Default.ToolList).ConfigureAwait(false);
                return;
            case ("DELETE", ["v1", "tools", var name]):
                RequireAdmin(caller, "remove a tool");
                string toolName = Uri.UnescapeDataString(name);
                if (_kernel.Mcp.All.FirstOrDefault(s => s.ToolNames.Contains(toolName)) is { } owner)
                {
                    throw new HttpError(409, "invalid_request", $"Tool '{toolName}' belongs to MCP server '{owner.Name}': remove the server (DELETE /v1/mcp_servers/{owner.Name}) instead.");
                }
                if (!_kernel.Tools.Unregister(toolName))
                {
                    throw new HttpError(404, "not_found", $"No tool is named '{toolName}' (GET /v1/tools lists them).");
                }
                response.StatusCode = 204;
                return;
            case ("POST", ["v1", "mcp_servers"]):
                RequireAdmin(caller, "add an MCP server");
                await AddMcpServerAsync(await ReadAsync(request, AgentOSJsonContext.Default.McpServerConfig).ConfigureAwait(false), response).ConfigureAwait(false);
                return;
            case ("DELETE", ["v1", "mcp_servers", var server]):
                RequireAdmin(caller, "remove an MCP server");
                if (!await _kernel.Mcp.RemoveAsync(Uri.UnescapeDataString(server)).ConfigureAwait(false))
                {
                    throw new HttpError(404, "not_found", $"No MCP server is named '{Uri.UnescapeDataString(server)}'.");
                }
                response.StatusCode = 204;
                return;
            default:
                throw new HttpError(405, "method_not_allowed", $"{request.HttpMethod} is not allowed on {request.Url?.AbsolutePath}: GET and POST /v1/tools, DELETE /v1/tools/{{name}}, POST /v1/mcp_servers, DELETE /v1/mcp_servers/{{name}}.");
        }
    }

    // Answers once the server's tools are registered; a server that does not start in time is removed again, so a
    // failed request leaves nothing behind.
    private async Task AddMcpServerAsync(Tools.Mcp.McpServerConfig config, HttpServerResponse response)
    {
        Tools.Mcp.McpServerConnection server;
        try
        {
            server = _kernel.Mcp.Add(config);
        }
        catch (ArgumentException ex)
        {
            throw new HttpError(_kernel.Mcp.Find(config.Name) is null ? 400 : 409, "invalid_request", ex.Message);
        }
        string? failure;
        try
        {
            failure = await server.FirstStartAsync(McpStartTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            failure = ex.Message;
        }
        if (failure is not null)
        {
            await _kernel.Mcp.RemoveAsync(config.Name).ConfigureAwait(false);
            throw new HttpError(502, "backend_failed", $"MCP server '{config.Name}' did not start ({failure}); it was not added. Check its command or url.");
        }
        var tools = server.ToolNames.Select(n => _kernel.Tools.Find(n)).OfType<ToolDefinition>().Select(t => t.Spec).ToList();
        await WriteAsync(response, 201, new ToolList(tools), AgentOSJsonContext.Default.ToolList).ConfigureAwait(false);
    }

    private static void RequireAdmin(Principal principal, string what)
    {
        if (!principal.IsAdmin)
        {
            throw new HttpError(403, "permission_denied",
                $"'{principal.Name}' may not {what}: changing a running kernel's tools needs the admin grant (the admin token serve prints, or a credentials-file entry with \"admin\": true).",
                grant: "admin");
        }
    }
}

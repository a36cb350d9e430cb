using AgentOS.Kernel;
using AgentOS.Mcp;
using AgentOS.Mcp.Protocol;

namespace AgentOS.Hosting.Mcp;

/// <summary>
/// Each registered agent's prompt, <c>agent.NAME</c>: the task as that agent is given it (its description and the
/// input), for a client that wants to hand the same task to its own model or show it to its user.
/// </summary>
internal sealed class AgentPrompts(AgentKernel kernel) : IMcpPromptSource
{
    private static readonly IReadOnlyList<PromptArgument> Arguments = [new PromptArgument { Name = "input", Description = "What the agent runs on.", Required = true }];

    public IEnumerable<Prompt> List() => kernel.Status.Agents.Select(a => new Prompt
    {
        Name = McpSession.AgentToolPrefix + a.Name,
        Title = $"Agent {a.Name}",
        Description = string.IsNullOrEmpty(a.Description) ? $"The task of agent '{a.Name}'." : a.Description,
        Arguments = Arguments,
    });

    public GetPromptResult? Get(string name, IReadOnlyDictionary<string, string> arguments)
    {
        if (!name.StartsWith(McpSession.AgentToolPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        string agent = name[McpSession.AgentToolPrefix.Length..];
        var status = kernel.Status.Agents.FirstOrDefault(a => a.Name == agent);
        if (status is null)
        {
            return null;
        }
        if (!arguments.TryGetValue("input", out var input))
        {
            throw McpException.InvalidParams($"Invalid params: prompt '{name}' needs the argument 'input'.");
        }
        string task = string.IsNullOrEmpty(status.Description) ? input : $"{status.Description}\n\n{input}";
        return new GetPromptResult { Description = $"The task of agent '{agent}'.", Messages = [new PromptMessage { Role = "user", Content = ContentBlock.FromText(task) }] };
    }
}

